/**
 * ClaimController of the Redis message store: claim records and message
 * tagging happen inside one Lua script per operation (scripts/claims.ts,
 * which lists the reference defects fixed there).
 */
import { ClaimDoesNotExist } from '../../../zaqar/storage/errors';
import type {
  ClaimController,
  ClaimInfo,
  ClaimOptions,
  DeadLetterOptions,
  Project,
  StoredMessage,
} from '../../../zaqar/storage/interfaces';
import type { RedisConnection } from './connection';
import { newId } from '../../../zaqar/storage/ids';
import { claimMessagesKey, MSGSET_INDEX, QueueKeys } from './keys';
import { asArray, asNumber, asText, type Reply } from './lua';
import { ageSeconds, readMessages } from './message-fields';
import { CREATE, GET, RELEASE, UPDATE } from './scripts/claims';
import { SCAN_BUDGET } from './scripts/messages';

export class RedisClaimController implements ClaimController {
  constructor(private readonly redis: RedisConnection) {}

  async create(queue: string, options: ClaimOptions, project: Project): Promise<{ claimId: string | null; messages: StoredMessage[] }> {
    const keys = new QueueKeys(queue, project);
    const deadLetter = activeDeadLetter(options);
    const dlq = new QueueKeys(deadLetter?.queue ?? queue, project);
    const claimId = newId();
    const now = Date.now();
    const claimed: StoredMessage[] = [];
    let taken = 0;
    let after = '-inf';
    // Normally one call; a head of more than SCAN_BUDGET unclaimable
    // messages continues in further calls, which add to the same claim.
    while (taken < options.limit) {
      const reply = asArray(
        await this.redis.write(
          CREATE,
          [keys.messages, keys.expiries, keys.claims, claimId, claimMessagesKey(claimId), dlq.messages, dlq.rankCounter, dlq.expiries, MSGSET_INDEX, keys.heldPrefix],
          [
            now,
            options.limit - taken,
            claimId,
            options.ttl,
            options.grace,
            after,
            SCAN_BUDGET,
            deadLetter ? deadLetter.maxClaimCount : '',
            deadLetter?.ttl ?? '',
            claimed.length > 0 ? 1 : 0,
          ],
          (outcome: Reply) => Array.isArray(outcome) && asNumber(outcome[2]) > 0,
        ),
      );
      taken += asNumber(reply[2]);
      claimed.push(...readMessages(reply, 3, now));
      const walked = asText(reply[0]) ?? '';
      if (asNumber(reply[1]) === 1 || walked === '') break;
      after = walked;
    }
    // Nothing claimed (possibly all moved to the dead-letter queue): no claim.
    return claimed.length > 0 ? { claimId, messages: claimed } : { claimId: null, messages: [] };
  }

  async get(queue: string, claimId: string, project: Project): Promise<ClaimInfo> {
    const keys = new QueueKeys(queue, project);
    const now = Date.now();
    const reply = asArray(await this.redis.read(GET, [keys.messages, keys.claims], [now, claimId]));
    if (reply.length === 0) throw new ClaimDoesNotExist(claimId, queue, project);
    const ttl = asNumber(reply[0]);
    const expires = asNumber(reply[1]);
    // Age counts from creation or the last renewal, as in the reference (expiry - ttl).
    return { id: claimId, ttl, age: ageSeconds(expires - ttl, now), messages: readMessages(reply, 2, now) };
  }

  async update(queue: string, claimId: string, options: { ttl: number; grace: number }, project: Project): Promise<void> {
    const keys = new QueueKeys(queue, project);
    const reply = await this.redis.write(
      UPDATE,
      [keys.messages, keys.expiries, keys.claims, keys.heldPrefix],
      [Date.now(), claimId, options.ttl, options.grace],
      (outcome) => outcome === 1,
    );
    if (reply !== 1) throw new ClaimDoesNotExist(claimId, queue, project);
  }

  async delete(queue: string, claimId: string, project: Project): Promise<void> {
    const keys = new QueueKeys(queue, project);
    await this.redis.write(RELEASE, [keys.messages, keys.claims, keys.heldPrefix], [Date.now(), claimId], (outcome) => outcome === 1);
  }
}

/**
 * The dead-letter settings of a claim, or undefined when dead-lettering is
 * off. A null limit (possible in stored metadata) means off — the reference
 * crashes on it; a JsonNumber limit (a huge integer) is read as a number.
 */
export function activeDeadLetter(options: ClaimOptions): DeadLetterOptions | undefined {
  const deadLetter = options.deadLetter;
  const limit: unknown = deadLetter?.maxClaimCount;
  if (deadLetter === undefined || limit === null || limit === undefined) return undefined;
  return { ...deadLetter, maxClaimCount: Number(limit) };
}
