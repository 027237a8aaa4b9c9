/**
 * The message-store side of queue operations: stats and purge
 * (Zaqar's `MessageQueueHandler`).
 *
 * Counts leave out expired messages (Zaqar counts them until the TTL
 * monitor reaps them) and unfinished writes; delayed messages count as
 * free. `oldest`/`newest` are present whenever total > 0, delayed messages
 * included (Zaqar omits them when every message is delayed, and its HTTP
 * layer then fails: a defect).
 */
import { QueueIsEmpty } from '../../../zaqar/storage/errors';
import type { MessageStatsEntry, Project, QueueDataController, QueueStats, StoredMessage } from '../../../zaqar/storage/interfaces';
import type { MongoCalls } from './calls';
import { now, unclaimed, visible } from './documents';
import type { MongoMessageController } from './messages';
import type { Partitions } from './partitions';
import { scopeOf } from './scope';

export class MongoQueueDataController implements QueueDataController {
  constructor(
    private readonly partitions: Partitions,
    private readonly messages: MongoMessageController,
    private readonly calls: MongoCalls,
  ) {}

  async stats(queue: string, project: Project): Promise<QueueStats> {
    const at = now();
    const collection = this.partitions.messagesOf(queue, project);
    const live = visible(scopeOf(queue, project), at);
    const total = await this.calls.idempotent('count messages', () => collection.countDocuments(live));
    const free = await this.calls.idempotent('count messages', () => collection.countDocuments({ ...live, ...unclaimed(at) }));
    // total − free, so that claimed + free = total even if a claim lands between the counts.
    const stats: QueueStats = { messages: { claimed: Math.max(0, total - free), free: Math.min(free, total), total } };
    if (total === 0) return stats;

    const [oldest, newest] = await Promise.all([this.endpoint(queue, project, 1), this.endpoint(queue, project, -1)]);
    if (oldest === undefined || newest === undefined) {
      // Emptied between the count and the lookup.
      return { messages: { claimed: 0, free: 0, total: 0 } };
    }
    stats.messages.oldest = statsEntry(oldest, at.ms);
    stats.messages.newest = statsEntry(newest, at.ms);
    return stats;
  }

  async purge(queue: string, project: Project): Promise<void> {
    // Claims live in the messages, so they go with them.
    await this.calls.idempotent('purge queue', () =>
      this.partitions.messagesOf(queue, project).deleteMany({ p_q: scopeOf(queue, project) }),
    );
  }

  private async endpoint(queue: string, project: Project, sort: 1 | -1): Promise<StoredMessage | undefined> {
    try {
      return await this.messages.first(queue, project, sort);
    } catch (err) {
      if (err instanceof QueueIsEmpty) return undefined;
      throw err;
    }
  }
}

/** `{id, age, created}` with `created` as `YYYY-MM-DDTHH:MM:SSZ` (Zaqar's `stat_message`). */
function statsEntry(message: StoredMessage, nowMs: number): MessageStatsEntry {
  return {
    id: message.id,
    age: Math.max(0, Math.floor((nowMs - message.created) / 1000)),
    created: new Date(message.created).toISOString().slice(0, 19) + 'Z',
  };
}
