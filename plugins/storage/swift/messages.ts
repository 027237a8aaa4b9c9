/**
 * Messages (Zaqar's MessageController) on Swift: one object per message in
 * `zaqar_message:<Q>:<P>`, named by its id (layout.ts: ids sort in posting
 * order), listed in name order.
 */
import { MessageDoesNotExist, QueueIsEmpty } from '../../../zaqar/storage/errors';
import { decideBulkDelete, decideDelete, throwIfBulkRefused, throwIfRefused } from '../../../zaqar/storage/delete-rules';
import { isWellFormedId } from '../../../zaqar/storage/ids';
import type { MessageController, MessageListOptions, NewMessage, Page, Project, StoredMessage } from '../../../zaqar/storage/interfaces';
import { DEFAULT_PAGE_SIZE } from '../../../zaqar/storage/interfaces';
import { type SwiftClaimController, WIDTH } from './claims';
import { decodeState, deleteAtOf, isMarker, type MessageState, messageContainer, newMessageId } from './layout';
import { heldBy, isExpired, mapLimit, type MessageObject, type MessageObjects } from './objects';

/** The claim a pop takes its messages with (Zaqar's pop is claim + delete); long enough for the deletes. */
const POP_CLAIM = { ttl: 60, grace: 0 };

export class SwiftMessageController implements MessageController {
  constructor(
    private readonly objects: MessageObjects,
    private readonly claims: SwiftClaimController,
  ) {}

  async list(queue: string, project: Project, options: MessageListOptions = {}): Promise<Page<StoredMessage>> {
    if (options.marker !== undefined && !isMarker(options.marker)) return { items: [] };
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    const now = Date.now();
    const items: StoredMessage[] = [];
    const visible = (state: MessageState): boolean =>
      !isExpired(state, now) &&
      (options.includeClaimed || heldBy(state, now) === null) &&
      (options.includeDelayed || state.delayExpires <= now) &&
      (options.echo || options.clientId === undefined || state.clientId !== options.clientId);
    await this.objects.walk(
      messageContainer(queue, project),
      async (page) => {
        // The listing's Content-Types say what to leave out without reading it.
        const wanted = page.filter((entry) => {
          const hint = decodeState(entry.content_type);
          return hint === undefined || visible(hint);
        });
        for (let i = 0; i < wanted.length && items.length < limit; ) {
          const batch = wanted.slice(i, i + limit - items.length);
          i += batch.length;
          const read = await mapLimit(batch, WIDTH, (entry) => this.objects.read(queue, project, entry.name, now));
          for (const message of read) if (message && visible(message.state)) items.push(this.objects.stored(message, now));
        }
        return items.length < limit;
      },
      { marker: options.marker, pageSize: Math.max(limit * 2, 20) },
    );
    return items.length ? { items, next: items[items.length - 1].id } : { items };
  }

  async first(queue: string, project: Project, sort: 1 | -1 = 1): Promise<StoredMessage> {
    const now = Date.now();
    let found: MessageObject | undefined;
    await this.objects.walk(
      messageContainer(queue, project),
      async (page) => {
        for (const entry of page) {
          const hint = decodeState(entry.content_type);
          if (hint && isExpired(hint, now)) continue;
          found = await this.objects.read(queue, project, entry.name, now);
          if (found) return false;
        }
        return true;
      },
      { reverse: sort === -1, pageSize: 20 },
    );
    if (!found) throw new QueueIsEmpty(queue, project);
    return this.objects.stored(found, now);
  }

  async get(queue: string, messageId: string, project: Project): Promise<StoredMessage> {
    const now = Date.now();
    const message = await this.objects.read(queue, project, messageId, now);
    if (!message) throw new MessageDoesNotExist(messageId, queue, project);
    return this.objects.stored(message, now);
  }

  async bulkGet(queue: string, messageIds: string[], project: Project): Promise<StoredMessage[]> {
    const now = Date.now();
    const read = await mapLimit(messageIds, WIDTH, (id) => this.objects.read(queue, project, id, now));
    return read.filter((m): m is MessageObject => m !== undefined).map((m) => this.objects.stored(m, now));
  }

  /**
   * One PUT per message, all at once; the ids are returned once Swift has
   * stored every one (a failure leaves the ones already stored: the client
   * gets 503 and posts again — at-least-once, as with the reference).
   */
  async post(queue: string, messages: NewMessage[], clientId: string, project: Project): Promise<string[]> {
    const now = Date.now();
    const ids = messages.map(() => newMessageId(now));
    await mapLimit(messages, WIDTH, async (message, i) => {
      const delayExpires = message.delay > 0 ? now + message.delay * 1000 : 0;
      const json: Record<string, unknown> = {
        body: message.body === undefined ? {} : message.body,
        claim_id: null,
        ttl: message.ttl,
        claim_count: 0,
        delay_expires: (now + message.delay * 1000) / 1000,
      };
      if (message.checksum !== undefined) json.checksum = message.checksum;
      const state: MessageState = {
        generation: 0,
        claimId: null,
        claimExpires: 0,
        claimCount: 0,
        ttl: message.ttl,
        delayExpires,
        deleteAt: deleteAtOf(now + message.ttl * 1000),
        clientId,
      };
      await this.objects.create(queue, project, ids[i], json, state);
    });
    return ids;
  }

  async delete(queue: string, messageId: string, project: Project, claimId?: string): Promise<void> {
    const now = Date.now();
    const message = await this.objects.read(queue, project, messageId, now);
    if (!message) return;
    const outcome = await decideDelete(heldBy(message.state, now), claimId, claimId !== undefined && isWellFormedId(claimId), async () =>
      (await this.objects.claimExpiry(queue, project, claimId!)) > now,
    );
    throwIfRefused(outcome, messageId, claimId, queue, project);
    await this.objects.remove(queue, project, messageId, message.state.generation);
  }

  async bulkDelete(queue: string, messageIds: string[], project: Project, claimIds?: string[]): Promise<void> {
    const now = Date.now();
    const found = (await mapLimit(messageIds, WIDTH, (id) => this.objects.read(queue, project, id, now))).filter(
      (m): m is MessageObject => m !== undefined,
    );
    if (claimIds !== undefined) {
      const decision = decideBulkDelete(
        found.map((m) => ({ id: m.id, heldBy: heldBy(m.state, now) })),
        claimIds,
      );
      if (decision.outcome !== 'OK') throwIfBulkRefused(decision.outcome, decision.subject, queue, project);
    }
    await mapLimit(found, WIDTH, (m) => this.objects.remove(queue, project, m.id, m.state.generation));
  }

  /** Zaqar's pop: a claim (without a claim object: nobody will ask for it), then the deletion of what it got. */
  async pop(queue: string, limit: number, project: Project): Promise<StoredMessage[]> {
    const { claimId, taken } = await this.claims.claim(queue, { ...POP_CLAIM, limit }, project, false);
    if (claimId === null) return [];
    // Held by this claim: nobody else may touch them until it expires.
    await mapLimit(taken, WIDTH, (t) => this.objects.remove(queue, project, t.message.id, t.generation));
    return taken.map((t) => t.message);
  }
}
