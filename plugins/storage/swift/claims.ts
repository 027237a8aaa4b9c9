/**
 * Claims (Zaqar's ClaimController) on Swift: candidates from the message
 * container's listing (its Content-Types carry each message's claim state),
 * one lock generation per claimed message (locks.ts), the claim state
 * written with POST, and Zaqar's claim object (`zaqar_claim:<Q>:<P>/<id>`,
 * a JSON list of message ids expiring with the claim).
 *
 * "Now" is this server's clock throughout (claim and message expiries are
 * stored as times, so a claim expires when this server says so; Swift's
 * own X-Delete-At deletion happens at the same instant on synchronised
 * clocks).
 */
import { dumpJson } from '../../../zaqar/common/json';
import { ClaimDoesNotExist, ConnectionError } from '../../../zaqar/storage/errors';
import type { ClaimController, ClaimInfo, ClaimOptions, Project, StoredMessage } from '../../../zaqar/storage/interfaces';
import { isWellFormedId, newId } from '../../../zaqar/storage/ids';
import { claimContainer, decodeState, deleteAtOf, type MessageState, messageContainer } from './layout';
import type { LockTable } from './locks';
import { heldBy, isExpired, mapLimit, type MessageObject, type MessageObjects, secondsSince } from './objects';

/** Messages read or written at once by one operation. */
export const WIDTH = 16;

/**
 * A claim gives up after this many candidates that were taken already (at
 * least MIN_LOST, or LOST_PER_MESSAGE per message asked for) and returns
 * what it has, possibly nothing: a bound on its requests under contention,
 * as Zaqar's losers of a claim race get fewer messages without a retry.
 */
const LOST_PER_MESSAGE = 4;
const MIN_LOST = 40;

/** take()'s answer for a message it moved to the dead-letter queue. */
const MOVED = 'moved';

/** Shuffles `items` from index `from` on, in place (Fisher–Yates). */
function shuffleFrom<T>(items: T[], from: number): void {
  for (let i = items.length - 1; i > from; i--) {
    const j = from + Math.floor(Math.random() * (i - from + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}

/** A message a claim took, and the lock generation it holds. */
export interface Taken {
  message: StoredMessage;
  generation: number;
}

interface ClaimRecord {
  ids: string[];
  ttl: number;
  /** Created or last renewed, ms. */
  renewed: number;
  expires: number;
}

export class SwiftClaimController implements ClaimController {
  /** Messages some claim of this process is taking right now: other local claimers pass them by. */
  private readonly taking = new Set<string>();

  constructor(
    private readonly objects: MessageObjects,
    private readonly locks: LockTable,
  ) {}

  async create(queue: string, options: ClaimOptions, project: Project): Promise<{ claimId: string | null; messages: StoredMessage[] }> {
    const { claimId, taken } = await this.claim(queue, options, project);
    return { claimId, messages: taken.map((t) => t.message) };
  }

  /** create(), with the lock generation of each claimed message (pop deletes them with it). */
  async claim(queue: string, options: ClaimOptions, project: Project, record = true): Promise<{ claimId: string | null; taken: Taken[] }> {
    const now = Date.now();
    const claimId = newId();
    const expires = now + options.ttl * 1000;
    const won: Taken[] = [];
    const container = messageContainer(queue, project);
    // Candidates that turned out taken (a stale listing hint, or a race lost to another claimer).
    let lost = 0;
    const maxLost = Math.max(MIN_LOST, LOST_PER_MESSAGE * options.limit);
    await this.objects.walk(container, async (page) => {
      const candidates = page.filter((entry) => {
        if (this.taking.has(`${container}/${entry.name}`)) return false;
        const hint = decodeState(entry.content_type);
        // Objects without our Content-Type (the reference's) are read first.
        return hint === undefined || (heldBy(hint, now) === null && hint.delayExpires <= now && !isExpired(hint, now));
      });
      for (let i = 0; i < candidates.length && won.length < options.limit && lost < maxLost; ) {
        const batch = candidates.slice(i, i + options.limit - won.length);
        i += batch.length;
        const results = await mapLimit(batch, WIDTH, (entry) => this.take(queue, project, entry.name, decodeState(entry.content_type), claimId, expires, options));
        const before = lost;
        for (const result of results) {
          if (result === undefined) lost++;
          else if (result !== MOVED) won.push(result);
        }
        // Contention: the claimers that listed the same page would keep
        // meeting at its head, so this one goes on at random places after it.
        // (Without contention nothing is lost and the claim stays FIFO.)
        if (lost > before) shuffleFrom(candidates, i);
      }
      return won.length < options.limit && lost < maxLost;
    });
    if (won.length === 0) return { claimId: null, taken: [] };
    won.sort((a, b) => (a.message.id < b.message.id ? -1 : a.message.id > b.message.id ? 1 : 0));
    if (record) await this.writeRecord(queue, project, claimId, { ids: won.map((t) => t.message.id), ttl: options.ttl, renewed: now, expires });
    return { claimId, taken: won };
  }

  /** Claims one message: lock, state, and (dead-letter mode) the move; the claimed message, MOVED, or undefined (not claimable). */
  private async take(queue: string, project: Project, id: string, hint: MessageState | undefined, claimId: string, expires: number, options: ClaimOptions): Promise<Taken | typeof MOVED | undefined> {
    const key = `${messageContainer(queue, project)}/${id}`;
    this.taking.add(key);
    try {
      let generation = hint?.generation;
      if (hint === undefined) {
        const before = await this.objects.read(queue, project, id, Date.now());
        if (!before || !this.claimable(before, Date.now())) return undefined;
        generation = before.state.generation;
      }
      const taken = await this.locks.acquire(queue, project, id, generation!, claimId, expires, Date.now);
      if (taken === undefined) return undefined;
      const now = Date.now();
      const message = await this.objects.read(queue, project, id, now);
      if (!message) {
        // Deleted meanwhile (a stale listing entry): the delete already dropped its locks, so drop the one made here.
        await this.objects.dropLock(queue, project, id, taken);
        return undefined;
      }
      // Another taker of this generation (only possible after the message was deleted).
      if (message.state.generation >= taken || !this.claimable(message, now)) return undefined;
      const state: MessageState = { ...message.state, generation: taken, claimId, claimExpires: expires };
      if (options.deadLetter) {
        if (state.claimCount >= options.deadLetter.maxClaimCount) {
          await this.moveToDeadLetter(queue, project, message, taken, options.deadLetter.queue, options.deadLetter.ttl, now);
          return MOVED;
        }
        state.claimCount++;
      }
      // A message that would expire before its claim lives until claim expiry + grace.
      if (state.deleteAt * 1000 < expires) {
        state.deleteAt = deleteAtOf(expires + options.grace * 1000);
        state.ttl = options.ttl + options.grace;
      }
      if (!(await this.objects.writeState(queue, project, id, state))) return undefined;
      return { message: this.objects.stored({ ...message, state }, now), generation: taken };
    } finally {
      this.taking.delete(key);
    }
  }

  private claimable(message: MessageObject, now: number): boolean {
    return heldBy(message.state, now) === null && message.state.delayExpires <= now;
  }

  /** Zaqar's dead-letter move: the same id in the dead-letter queue's container, then the original deleted. */
  private async moveToDeadLetter(queue: string, project: Project, message: MessageObject, generation: number, deadLetterQueue: string, ttl: number | undefined, now: number): Promise<void> {
    const state: MessageState = {
      ...message.state,
      generation: 0,
      claimId: null,
      claimExpires: 0,
      ttl: ttl ?? message.state.ttl,
      deleteAt: ttl !== undefined ? deleteAtOf(now + ttl * 1000) : message.state.deleteAt,
    };
    const json = { ...message.json, claim_id: null, ttl: state.ttl, claim_count: state.claimCount };
    await this.objects.create(deadLetterQueue, project, message.id, json, state);
    await this.objects.remove(queue, project, message.id, generation);
  }

  /** The claim record, or undefined when unknown, malformed or expired. */
  private async readRecord(queue: string, project: Project, claimId: string, now: number): Promise<ClaimRecord | undefined> {
    if (!isWellFormedId(claimId)) return undefined;
    const response = await this.objects.client.send({ method: 'GET', container: claimContainer(queue, project), object: claimId });
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw new ConnectionError(`GET claim ${claimId}: Swift answered ${response.status}`);
    let ids: string[];
    try {
      ids = (JSON.parse(response.text) as unknown[]).filter((id): id is string => typeof id === 'string');
    } catch {
      return undefined;
    }
    const params = new Map((response.headers['content-type'] ?? '').split(';').map((part) => part.split('=') as [string, string]));
    let record: ClaimRecord;
    if (params.get('zaqar') === '1') {
      record = { ids, ttl: Number(params.get('t')), renewed: Number(params.get('r')), expires: Number(params.get('ce')) };
    } else {
      // The reference's claim object: ttl and age from its headers.
      const expiresAt = Number(response.headers['x-delete-at'] ?? 0) * 1000;
      const created = Number(response.headers['x-timestamp'] ?? 0) * 1000;
      record = { ids, ttl: Math.round((expiresAt - created) / 1000), renewed: created, expires: expiresAt };
    }
    return record.expires > now ? record : undefined;
  }

  private async writeRecord(queue: string, project: Project, claimId: string, record: ClaimRecord): Promise<void> {
    await this.objects.putCreatingContainer(claimContainer(queue, project), claimId, dumpJson(record.ids), {
      'content-type': `application/json;zaqar=1;t=${record.ttl};r=${record.renewed};ce=${record.expires}`,
      'x-delete-at': String(deleteAtOf(record.expires)),
    });
  }

  /** The messages of a claim that it still holds, in FIFO order. */
  private async held(queue: string, project: Project, claimId: string, ids: string[], now: number): Promise<MessageObject[]> {
    const messages = await mapLimit(ids, WIDTH, (id) => this.objects.read(queue, project, id, now));
    return messages
      .filter((m): m is MessageObject => m !== undefined && heldBy(m.state, now) === claimId)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async get(queue: string, claimId: string, project: Project): Promise<ClaimInfo> {
    const now = Date.now();
    const record = await this.readRecord(queue, project, claimId, now);
    if (!record) throw new ClaimDoesNotExist(claimId, queue, project);
    const messages = await this.held(queue, project, claimId, record.ids, now);
    return { id: claimId, ttl: record.ttl, age: secondsSince(record.renewed, now), messages: messages.map((m) => this.objects.stored(m, now)) };
  }

  async update(queue: string, claimId: string, options: { ttl: number; grace: number }, project: Project): Promise<void> {
    const now = Date.now();
    const record = await this.readRecord(queue, project, claimId, now);
    if (!record) throw new ClaimDoesNotExist(claimId, queue, project);
    const expires = now + options.ttl * 1000;
    const messages = await this.held(queue, project, claimId, record.ids, now);
    await mapLimit(messages, WIDTH, async (message) => {
      const state: MessageState = { ...message.state, claimExpires: expires };
      if (state.deleteAt * 1000 < expires) {
        state.deleteAt = deleteAtOf(expires + options.grace * 1000);
        state.ttl = options.ttl + options.grace;
      }
      // The lock first: once it says "until expires", a lagging message state cannot let anyone in.
      if (!message.foreign) await this.locks.renew(queue, project, message.id, message.state.generation, claimId, expires);
      await this.objects.writeState(queue, project, message.id, state);
    });
    await this.writeRecord(queue, project, claimId, { ...record, ttl: options.ttl, renewed: now, expires });
  }

  async delete(queue: string, claimId: string, project: Project): Promise<void> {
    const now = Date.now();
    const record = await this.readRecord(queue, project, claimId, now);
    if (!record) return;
    const messages = await this.held(queue, project, claimId, record.ids, now);
    await mapLimit(messages, WIDTH, (message) =>
      message.foreign ? Promise.resolve(true) : this.objects.writeState(queue, project, message.id, { ...message.state, claimId: null, claimExpires: 0 }),
    );
    const response = await this.objects.client.send({ method: 'DELETE', container: claimContainer(queue, project), object: claimId });
    if (response.status >= 300 && response.status !== 404) throw new ConnectionError(`DELETE claim ${claimId}: Swift answered ${response.status}`);
  }
}
