/**
 * Where things live in the Swift account, and how a message's state is
 * written: Zaqar 15's containers and objects (zaqar.storage.swift.utils),
 * plus this store's additions (README.md, "Layout").
 */
import { randomBytes } from 'node:crypto';
import type { Project } from '../../../zaqar/storage/interfaces';

/** How Python formats the project into container names (`None` for the global namespace). */
function scope(queue: string, project: Project): string {
  return `${queue}:${project === null ? 'None' : project}`;
}

export const messageContainer = (queue: string, project: Project): string => `zaqar_message:${scope(queue, project)}`;
export const claimContainer = (queue: string, project: Project): string => `zaqar_claim:${scope(queue, project)}`;
export const subscriptionContainer = (queue: string, project: Project): string => `zaqar_subscription:${scope(queue, project)}`;
export const subscriberContainer = (queue: string, project: Project): string => `zaqar_subscriber:${scope(queue, project)}`;

/** Prefix of every lock container (ours; the reference has none). */
export const LOCK_PREFIX = 'zaqar_lock:';
/** The lock container of generation `generation` of one message: created once, by one claimer (README.md, "Claims"). */
export const lockContainer = (queue: string, project: Project, messageId: string, generation: number): string =>
  `${LOCK_PREFIX}${scope(queue, project)}:${messageId}:${generation}`;
/** Prefix of the lock containers of one queue. */
export const queueLockPrefix = (queue: string, project: Project): string => `${LOCK_PREFIX}${scope(queue, project)}:`;

/** Splits a lock container name (queue names have no `:`, message ids and generations neither; a project may). */
export function parseLockContainer(name: string): { queue: string; project: Project; messageId: string; generation: number } | undefined {
  if (!name.startsWith(LOCK_PREFIX)) return undefined;
  const parts = name.slice(LOCK_PREFIX.length).split(':');
  if (parts.length < 4) return undefined;
  const generation = Number(parts.pop());
  const messageId = parts.pop()!;
  const queue = parts.shift()!;
  const project = parts.join(':');
  if (!Number.isInteger(generation)) return undefined;
  return { queue, project: project === 'None' ? null : project, messageId, generation };
}

/** Python's urllib.parse.quote_plus: the subscriber marker's object name. */
export function quotePlus(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+')
    .replace(/%7E/g, '~');
}

// ---------------------------------------------------------------------------
// Message ids

let lastMs = 0;
let sequence = 0;

/**
 * A new message id: UUID-shaped (version 7 layout: 48 bits of milliseconds,
 * then a 12-bit sequence, then random bits), so that Swift's name order is
 * posting order within this process, and the id carries the creation time
 * (a claim's POST does not keep an object's X-Timestamp meaningful for age,
 * and one batch shares one time). `now` is the batch's time.
 */
export function newMessageId(now: number): string {
  let ms = Math.max(Math.floor(now), lastMs);
  if (ms === lastMs) {
    sequence++;
    if (sequence > 0xfff) {
      ms++;
      sequence = 0;
    }
  } else {
    sequence = 0;
  }
  lastMs = ms;
  const hex = ms.toString(16).padStart(12, '0');
  const random = randomBytes(8);
  random[0] = (random[0] & 0x3f) | 0x80;
  const tail = random.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${sequence.toString(16).padStart(3, '0')}-${tail.slice(0, 4)}-${tail.slice(4, 16)}`;
}

/** The creation time (ms) of an id made by newMessageId, else undefined (e.g. the reference's uuid1 ids). */
export function idTime(id: string): number | undefined {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)) return undefined;
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

/** Listing markers must look like message ids (UUID shape); anything else is an invalid marker (empty page). */
export function isMarker(text: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text);
}

// ---------------------------------------------------------------------------
// Message state in the Content-Type (README.md, "Layout")

/**
 * The mutable state of one message, written as parameters of its
 * Content-Type (`application/json;zaqar=1;g=...`), which Swift keeps in
 * the container listing too: a listing tells which messages are claimable
 * without reading them. Changed with POST, which never recreates a
 * deleted object.
 */
export interface MessageState {
  /** Lock generation: the number of the last lock container taken. */
  generation: number;
  claimId: string | null;
  /** Claim expiry, ms. */
  claimExpires: number;
  claimCount: number;
  /** Current ttl (a claim may extend it). */
  ttl: number;
  /** Delay expiry, ms (0: none). */
  delayExpires: number;
  /** Expiry, whole UNIX seconds (X-Delete-At). */
  deleteAt: number;
  clientId: string;
}

export function encodeState(state: MessageState): string {
  return (
    `application/json;zaqar=1;g=${state.generation};c=${state.claimId ?? ''};ce=${state.claimExpires}` +
    `;n=${state.claimCount};t=${state.ttl};d=${state.delayExpires};e=${state.deleteAt};u=${encodeURIComponent(state.clientId)}`
  );
}

/** The state of a Content-Type written by encodeState, or undefined (objects written by the reference). */
export function decodeState(contentType: string | undefined): MessageState | undefined {
  if (!contentType || !contentType.includes(';zaqar=1')) return undefined;
  const params = new Map<string, string>();
  for (const part of contentType.split(';').slice(1)) {
    const eq = part.indexOf('=');
    if (eq > 0) params.set(part.slice(0, eq).trim(), part.slice(eq + 1));
  }
  const num = (key: string): number => Number(params.get(key) ?? 0) || 0;
  let clientId = '';
  try {
    clientId = decodeURIComponent(params.get('u') ?? '');
  } catch {
    /* leave empty */
  }
  return {
    generation: num('g'),
    claimId: params.get('c') || null,
    claimExpires: num('ce'),
    claimCount: num('n'),
    ttl: num('t'),
    delayExpires: num('d'),
    deleteAt: num('e'),
    clientId,
  };
}

/** Swift's X-Delete-At for an expiry at `ms`: whole seconds, never earlier. */
export function deleteAtOf(ms: number): number {
  return Math.ceil(ms / 1000);
}
