/**
 * MessageController of the Redis message store (Zaqar's
 * `zaqar.storage.redis.messages`): one Lua script per operation
 * (scripts/messages.ts), so each call is one round trip and atomic. Walking
 * operations (list, pop) examine at most SCAN_BUDGET ids per call and
 * continue in another call when needed, so no single call blocks Redis for
 * long.
 *
 * Paging marker: the rank of the last message returned (decimal), the
 * message set's score. An unknown, deleted or expired marker message never
 * restarts the listing from the head (a reference defect); a marker in
 * the reference's form (a message id) is still accepted.
 */
import { throwIfBulkRefused, throwIfRefused } from '../../../zaqar/storage/delete-rules';
import { MessageDoesNotExist, QueueIsEmpty } from '../../../zaqar/storage/errors';
import type { MessageController, MessageListOptions, NewMessage, Page, Project, StoredMessage } from '../../../zaqar/storage/interfaces';
import { DEFAULT_PAGE_SIZE } from '../../../zaqar/storage/interfaces';
import type { RedisConnection } from './connection';
import { isWellFormedId, newId } from '../../../zaqar/storage/ids';
import { encodeJsonField } from './json-fields';
import { MSGSET_INDEX, QueueKeys } from './keys';
import { asArray, asNumber, asRequiredText, asText, type Arg, type Reply } from './lua';
import { MESSAGE_ENTRY_SIZE, readMessage, readMessages } from './message-fields';
import { BULK_DELETE, DELETE, FIRST, GET, LIST, POP, POST, SCAN_BUDGET } from './scripts/messages';

/** Where a listing starts: after a rank, or after the message a reference-style marker names. */
type Start = { after: string; markerId: string };

export class RedisMessageController implements MessageController {
  constructor(
    private readonly redis: RedisConnection,
    /** Where the post script PUBLISHes (keys.ts postChannel); '' publishes nothing. */
    private readonly postChannel = '',
    /** Who posts, in the signal (keys.ts parsePostSignal). */
    private readonly origin = '',
  ) {}

  async list(queue: string, project: Project, options: MessageListOptions = {}): Promise<Page<StoredMessage>> {
    const start = parseMarker(options.marker);
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    if (start === null || limit <= 0) return { items: [] };
    const keys = new QueueKeys(queue, project);
    const now = Date.now();
    const exclude = !options.echo && options.clientId !== undefined;

    const items: StoredMessage[] = [];
    let lastRank = '';
    let { after, markerId } = start;
    for (;;) {
      const reply = asArray(
        await this.redis.read(LIST, [keys.messages, keys.heldPrefix], [
          now,
          after,
          limit - items.length,
          options.includeClaimed ? 1 : 0,
          options.includeDelayed ? 1 : 0,
          exclude ? 1 : 0,
          options.clientId ?? '',
          SCAN_BUDGET,
          markerId,
        ]),
      );
      // A page longer than one call's budget continues where the walk stopped.
      for (let i = 2; i + 1 + MESSAGE_ENTRY_SIZE <= reply.length; i += 1 + MESSAGE_ENTRY_SIZE) {
        lastRank = asRequiredText(reply[i]);
        items.push(readMessage(reply, i + 1, now));
      }
      const walked = asText(reply[0]) ?? '';
      if (items.length >= limit || asNumber(reply[1]) === 1 || walked === '') break;
      after = walked;
      markerId = '';
    }
    return items.length > 0 ? { items, next: lastRank } : { items };
  }

  async first(queue: string, project: Project, sort: 1 | -1 = 1): Promise<StoredMessage> {
    if (sort !== 1 && sort !== -1) throw new RangeError('sort must be either 1 (ascending) or -1 (descending)');
    const now = Date.now();
    const reply = asArray(await this.redis.read(FIRST, [new QueueKeys(queue, project).messages], [now, sort]));
    if (reply.length === 0) throw new QueueIsEmpty(queue, project);
    return readMessage(reply, 0, now);
  }

  async get(queue: string, messageId: string, project: Project): Promise<StoredMessage> {
    const now = Date.now();
    const reply = asArray(await this.redis.read(GET, [new QueueKeys(queue, project).messages], [now, messageId]));
    if (reply.length === 0) throw new MessageDoesNotExist(messageId, queue, project);
    return readMessage(reply, 0, now);
  }

  async bulkGet(queue: string, messageIds: string[], project: Project): Promise<StoredMessage[]> {
    // Requested order; each message once, however often it was asked for.
    const unique = [...new Set(messageIds)];
    if (unique.length === 0) return [];
    const now = Date.now();
    const reply = asArray(await this.redis.read(GET, [new QueueKeys(queue, project).messages], [now, ...unique]));
    return readMessages(reply, 0, now);
  }

  async post(queue: string, messages: NewMessage[], clientId: string, project: Project): Promise<string[]> {
    if (messages.length === 0) return [];
    const keys = new QueueKeys(queue, project);
    const ids = messages.map(() => newId());
    const args: Arg[] = [Date.now(), clientId, messages.length];
    messages.forEach((message, i) => {
      // Zaqar stores {} for a message without body.
      const [body, exactBody] = encodeJsonField(message.body === undefined ? {} : message.body);
      args.push(ids[i], message.ttl, message.delay, body, exactBody, message.checksum ?? '');
    });
    args.push(this.postChannel, this.origin);
    await this.redis.write(POST, [keys.messages, keys.rankCounter, keys.expiries, MSGSET_INDEX], args);
    return ids;
  }

  async delete(queue: string, messageId: string, project: Project, claimId?: string): Promise<void> {
    // `?? undefined`: a null claim id from a JavaScript caller means "no claim id".
    const claim = claimId ?? undefined;
    const keys = new QueueKeys(queue, project);
    const malformed = claim !== undefined && !isWellFormedId(claim);
    const reply = await this.redis.write(
      DELETE,
      [keys.messages, keys.expiries, keys.claims],
      [Date.now(), messageId, claim ?? '', malformed ? 1 : 0],
      (outcome) => asText(outcome) === 'DELETED',
    );
    // The script decides with the core's rules and reports its outcome codes (zaqar/storage/delete-rules.ts).
    throwIfRefused(asText(reply) ?? '', messageId, claim, queue, project);
  }

  async bulkDelete(queue: string, messageIds: string[], project: Project, claimIds?: string[]): Promise<void> {
    if (messageIds.length === 0) return;
    const keys = new QueueKeys(queue, project);
    const check = claimIds !== undefined && claimIds !== null;
    const reply = asArray(
      await this.redis.write(
        BULK_DELETE,
        [keys.messages, keys.expiries],
        [Date.now(), check ? 1 : 0, messageIds.length, ...messageIds, ...(check ? claimIds : [])],
        (outcome) => Array.isArray(outcome) && asText(outcome[0]) === 'OK' && asNumber(outcome[1]) > 0,
      ),
    );
    throwIfBulkRefused(asText(reply[0]) ?? '', asText(reply[1]) ?? '', queue, project);
  }

  async pop(queue: string, limit: number, project: Project): Promise<StoredMessage[]> {
    const keys = new QueueKeys(queue, project);
    const now = Date.now();
    const popped: StoredMessage[] = [];
    let after = '-inf';
    while (popped.length < limit) {
      const reply = asArray(
        await this.redis.write(
          POP,
          [keys.messages, keys.expiries, keys.heldPrefix],
          [now, limit - popped.length, after, SCAN_BUDGET],
          (outcome: Reply) => Array.isArray(outcome) && outcome.length > 2,
        ),
      );
      // Popped messages are gone: no claim holds them any more.
      for (const message of readMessages(reply, 2, now)) popped.push({ ...message, claimId: null });
      const walked = asText(reply[0]) ?? '';
      if (asNumber(reply[1]) === 1 || walked === '') break;
      after = walked;
    }
    return popped;
  }
}

/**
 * No marker (or '', which Zaqar treats as none) → from the head; a decimal
 * rank → after it; a message id (the reference's markers) → after that
 * message if it is still in the queue; anything else → null (empty page).
 */
function parseMarker(marker: string | undefined): Start | null {
  if (marker === undefined || marker === '') return { after: '-inf', markerId: '' };
  if (/^\d{1,16}$/.test(marker)) return { after: marker, markerId: '' };
  if (isWellFormedId(marker)) return { after: '-inf', markerId: marker };
  return null;
}
