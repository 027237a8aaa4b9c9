/**
 * Reading and writing message objects, and the listing walk every
 * controller shares. The message JSON is Zaqar 15's
 * (`{body, claim_id, ttl, claim_count, delay_expires, [checksum]}`, written
 * once at post time); the mutable state is in the Content-Type
 * (layout.ts, MessageState). Objects the reference wrote have no such
 * Content-Type: their state comes from their JSON, X-Delete-At and
 * X-Object-Meta-Clientid, and their claim lives while the reference's claim
 * object does.
 */
import { dumpJson, parseJsonText } from '../../../zaqar/common/json';
import { ConnectionError } from '../../../zaqar/storage/errors';
import type { Project, StoredMessage } from '../../../zaqar/storage/interfaces';
import type { SwiftClient, SwiftResponse } from './client';
import { claimContainer, decodeState, encodeState, idTime, lockContainer, type MessageState, messageContainer } from './layout';

/** One entry of a container listing (`?format=json`). */
export interface ListingEntry {
  name: string;
  content_type?: string;
}

/** A message object as read. */
export interface MessageObject {
  id: string;
  state: MessageState;
  /** The parsed message JSON (body, checksum ...). */
  json: Record<string, unknown>;
  /** Creation time, ms. */
  created: number;
  /** Written by the reference (no state in the Content-Type). */
  foreign: boolean;
}

/** Listing page size: Swift's maximum is 10,000; pages this big cost little more than small ones. */
export const LISTING_PAGE = 1000;

export function secondsSince(ms: number, now: number): number {
  return Math.max(0, Math.floor((now - ms) / 1000));
}

/** The live claim holding a message (by this store's state), or null. */
export function heldBy(state: MessageState, now: number): string | null {
  return state.claimId !== null && state.claimExpires > now ? state.claimId : null;
}

export function isExpired(state: MessageState, now: number): boolean {
  return state.deleteAt > 0 && state.deleteAt * 1000 <= now;
}

export class MessageObjects {
  constructor(readonly client: SwiftClient) {}

  /** Lists one page of a container; a missing container is an empty one. */
  async listPage(container: string, options: { marker?: string; limit?: number; prefix?: string; reverse?: boolean } = {}): Promise<ListingEntry[]> {
    const response = await this.client.send({
      method: 'GET',
      container,
      query: {
        format: 'json',
        limit: String(options.limit ?? LISTING_PAGE),
        marker: options.marker,
        prefix: options.prefix,
        reverse: options.reverse ? 'on' : undefined,
      },
    });
    if (response.status === 404) return [];
    if (response.status !== 200) throw new ConnectionError(`listing ${container}: Swift answered ${response.status}`);
    return JSON.parse(response.text) as ListingEntry[];
  }

  /** Every entry after `marker`, page by page, until `visit` returns false. */
  async walk(container: string, visit: (page: ListingEntry[]) => Promise<boolean> | boolean, options: { marker?: string; reverse?: boolean; pageSize?: number } = {}): Promise<void> {
    let marker = options.marker;
    for (;;) {
      const page = await this.listPage(container, { marker, reverse: options.reverse, limit: options.pageSize });
      if (page.length === 0) return;
      if (!(await visit(page))) return;
      if (page.length < (options.pageSize ?? LISTING_PAGE)) return;
      marker = page[page.length - 1].name;
    }
  }

  /** Reads one message; undefined when it does not exist or has expired (by this server's clock). */
  async read(queue: string, project: Project, id: string, now: number): Promise<MessageObject | undefined> {
    // An empty name would address the container itself.
    if (!id) return undefined;
    const response = await this.client.send({ method: 'GET', container: messageContainer(queue, project), object: id });
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw new ConnectionError(`GET message ${id}: Swift answered ${response.status}`);
    const message = await this.parse(queue, project, id, response);
    return message && !isExpired(message.state, now) ? message : undefined;
  }

  private async parse(queue: string, project: Project, id: string, response: SwiftResponse): Promise<MessageObject | undefined> {
    let json: Record<string, unknown>;
    try {
      json = parseJsonText(response.text) as Record<string, unknown>;
    } catch {
      return undefined;
    }
    if (json === null || typeof json !== 'object') return undefined;
    const deleteAt = Number(response.headers['x-delete-at'] ?? 0) || 0;
    const ours = decodeState(response.headers['content-type']);
    const created = idTime(id) ?? Math.round(Number(response.headers['x-timestamp'] ?? 0) * 1000);
    if (ours) return { id, state: { ...ours, deleteAt }, json, created, foreign: false };
    // Written (or last claimed) by the reference: its claim is live while its claim object is.
    const claimId = typeof json.claim_id === 'string' && json.claim_id ? json.claim_id : null;
    const state: MessageState = {
      generation: 0,
      claimId,
      claimExpires: claimId ? await this.foreignClaimExpiry(queue, project, claimId) : 0,
      claimCount: Number(json.claim_count ?? 0) || 0,
      ttl: Number(json.ttl ?? 0) || 0,
      delayExpires: Math.round((Number(json.delay_expires ?? 0) || 0) * 1000),
      deleteAt,
      clientId: response.headers['x-object-meta-clientid'] ?? '',
    };
    // The reference writes delay_expires = post time when there is no delay.
    if (state.delayExpires <= created) state.delayExpires = 0;
    return { id, state, json, created, foreign: true };
  }

  /** When a claim expires (ms; 0 when it does not exist), from its claim object. */
  async claimExpiry(queue: string, project: Project, claimId: string): Promise<number> {
    const response = await this.client.send({ method: 'HEAD', container: claimContainer(queue, project), object: claimId });
    if (response.status === 404) return 0;
    if (response.status >= 300) throw new ConnectionError(`HEAD claim ${claimId}: Swift answered ${response.status}`);
    const ours = /;ce=(\d+)/.exec(response.headers['content-type'] ?? '');
    if (ours) return Number(ours[1]);
    return (Number(response.headers['x-delete-at'] ?? 0) || 0) * 1000;
  }

  private foreignClaimExpiry(queue: string, project: Project, claimId: string): Promise<number> {
    return this.claimExpiry(queue, project, claimId);
  }

  /** The message as controllers return it. */
  stored(message: MessageObject, now: number): StoredMessage {
    const stored: StoredMessage = {
      id: message.id,
      age: secondsSince(message.created, now),
      ttl: message.state.ttl,
      body: 'body' in message.json ? message.json.body : {},
      claimId: heldBy(message.state, now),
      claimCount: message.state.claimCount,
      created: message.created,
    };
    if (typeof message.json.checksum === 'string') stored.checksum = message.json.checksum;
    return stored;
  }

  /**
   * Writes a message's new state with POST: the JSON stays, and a deleted
   * message stays deleted (POST answers 404). True when written.
   */
  async writeState(queue: string, project: Project, id: string, state: MessageState): Promise<boolean> {
    const headers: Record<string, string> = {
      'content-type': encodeState(state),
      'x-object-meta-clientid': state.clientId,
    };
    if (state.deleteAt > 0) headers['x-delete-at'] = String(state.deleteAt);
    // Zaqar's stats read the claim from this header.
    if (state.claimId) headers['x-object-meta-claimid'] = state.claimId;
    const response = await this.client.send({ method: 'POST', container: messageContainer(queue, project), object: id, headers });
    // 400: X-Delete-At has passed by Swift's clock, the message is expiring.
    if (response.status === 404 || response.status === 400) return false;
    if (response.status >= 300) throw new ConnectionError(`POST message ${id}: Swift answered ${response.status}`);
    return true;
  }

  /** PUTs a new message object (JSON in Zaqar's shape), creating the container when needed. */
  async create(queue: string, project: Project, id: string, json: Record<string, unknown>, state: MessageState): Promise<void> {
    await this.putCreatingContainer(messageContainer(queue, project), id, dumpJson(json), {
      'content-type': encodeState(state),
      'x-object-meta-clientid': state.clientId,
      'x-delete-at': String(state.deleteAt),
    });
  }

  /**
   * PUT an object into a container that may not exist yet (the reference's
   * `_put_or_create_container`: containers are made on first use, and the
   * proxy may answer 404 for a few seconds after another client created it).
   */
  async putCreatingContainer(container: string, object: string, body: string, headers: Record<string, string>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const response = await this.client.send({ method: 'PUT', container, object, body, headers });
      if (response.status === 201) return;
      if (response.status !== 404 || attempt >= 5) throw new ConnectionError(`PUT ${container}/${object}: Swift answered ${response.status}`);
      const created = await this.client.send({ method: 'PUT', container });
      if (created.status >= 300) throw new ConnectionError(`PUT container ${container}: Swift answered ${created.status}`);
    }
  }

  /** Deletes a message and its lock containers. */
  async remove(queue: string, project: Project, id: string, generation: number): Promise<void> {
    const response = await this.client.send({ method: 'DELETE', container: messageContainer(queue, project), object: id });
    if (response.status >= 300 && response.status !== 404) throw new ConnectionError(`DELETE message ${id}: Swift answered ${response.status}`);
    await this.removeLocks(queue, project, id, generation);
  }

  /** Drops the lock containers of a deleted message (best effort: gc() finds what is left). */
  async removeLocks(queue: string, project: Project, id: string, generation: number): Promise<void> {
    const deletions: Promise<unknown>[] = [];
    for (let g = 1; g <= generation; g++) deletions.push(this.dropLock(queue, project, id, g));
    await Promise.all(deletions);
  }

  /** Drops one lock container (best effort). */
  async dropLock(queue: string, project: Project, id: string, generation: number): Promise<void> {
    await this.client.send({ method: 'DELETE', container: lockContainer(queue, project, id, generation) }).catch(() => undefined);
  }
}

/** Runs `task` over `items` with at most `width` in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], width: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index], index);
    }
  });
  await Promise.all(workers);
  return results;
}
