/**
 * The message-store side of queue operations: stats and purge
 * (Zaqar's built-in `MessageQueueHandler` stage).
 */
import type { Project, QueueDataController, QueueStats } from '../../../zaqar/storage/interfaces';
import type { RedisConnection } from './connection';
import { MSGSET_INDEX, QueueKeys } from './keys';
import { asArray, asNumber, asRequiredText } from './lua';
import { ageSeconds, isoSeconds } from './message-fields';
import { PURGE, STATS } from './scripts/queue-data';

/** Messages removed per purge call (one call never blocks Redis for long). */
export const PURGE_BATCH = 1000;

export class RedisQueueDataController implements QueueDataController {
  constructor(private readonly redis: RedisConnection) {}

  async stats(queue: string, project: Project): Promise<QueueStats> {
    const keys = new QueueKeys(queue, project);
    const now = Date.now();
    const [total, claimed, oldestId, oldestCreated, newestId, newestCreated] = asArray(
      await this.redis.read(STATS, [keys.messages, keys.expiries, keys.claims], [now]),
    );
    const count = asNumber(total);
    const held = asNumber(claimed);
    const stats: QueueStats = { messages: { claimed: held, free: count - held, total: count } };
    // oldest/newest whenever total > 0 — the script reports total 0
    // when it finds no live message, so the two always go together.
    if (count > 0) {
      const entry = (id: typeof oldestId, created: typeof oldestCreated) => {
        const seconds = asNumber(created);
        return { id: asRequiredText(id), age: ageSeconds(seconds, now), created: isoSeconds(seconds) };
      };
      stats.messages.oldest = entry(oldestId, oldestCreated);
      stats.messages.newest = entry(newestId, newestCreated);
    }
    return stats;
  }

  async purge(queue: string, project: Project): Promise<void> {
    const keys = new QueueKeys(queue, project);
    for (;;) {
      const done = await this.redis.write(PURGE, [keys.messages, keys.expiries, keys.claims, MSGSET_INDEX, keys.rankCounter, keys.heldPrefix], [Date.now(), PURGE_BATCH]);
      if (done === 1) return;
    }
  }
}
