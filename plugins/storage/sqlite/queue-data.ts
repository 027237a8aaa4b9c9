/**
 * The message-store side of queue operations: stats and purge
 * (Zaqar's built-in `MessageQueueHandler` stage).
 */
import type Database from 'better-sqlite3';
import type {
  MessageStatsEntry,
  Project,
  QueueDataController,
  QueueStats,
} from '../../../zaqar/storage/interfaces';
import { type QueueScope, secondsSince } from './message-rows';

type Now = { now: number };

interface Endpoint {
  id: string;
  created: number;
}

export class SqliteQueueDataController implements QueueDataController {
  private readonly countLive: Database.Statement<QueueScope & Now, { total: number }>;
  private readonly countClaimed: Database.Statement<QueueScope & Now, { claimed: number }>;
  private readonly oldest: Database.Statement<QueueScope & Now, Endpoint>;
  private readonly newest: Database.Statement<QueueScope & Now, Endpoint>;
  private readonly deleteMessages: Database.Statement<QueueScope>;
  private readonly deleteClaims: Database.Statement<QueueScope>;

  private readonly readStats: Database.Transaction<(scope: QueueScope, now: number) => QueueStats>;
  private readonly purgeQueue: Database.Transaction<(scope: QueueScope) => void>;

  constructor(db: Database.Database) {
    const live = 'project IS @project AND queue = @queue AND expires > @now';
    // Both counts are index-only scans (messages_by_queue carries expires,
    // messages_claimed carries claim_expires).
    this.countLive = db.prepare(`SELECT COUNT(*) AS total FROM messages WHERE ${live}`);
    this.countClaimed = db.prepare(`
      SELECT COUNT(*) AS claimed FROM messages
      WHERE ${live} AND claim_id IS NOT NULL AND claim_expires > @now`);
    this.oldest = db.prepare(`SELECT id, created FROM messages WHERE ${live} ORDER BY marker LIMIT 1`);
    this.newest = db.prepare(`SELECT id, created FROM messages WHERE ${live} ORDER BY marker DESC LIMIT 1`);
    this.deleteMessages = db.prepare('DELETE FROM messages WHERE project IS @project AND queue = @queue');
    this.deleteClaims = db.prepare('DELETE FROM claims WHERE project IS @project AND queue = @queue');

    // One read transaction: counts and endpoints come from the same snapshot.
    this.readStats = db.transaction((scope: QueueScope, now: number): QueueStats => {
      const { total } = this.countLive.get({ ...scope, now }) ?? { total: 0 };
      const { claimed } = this.countClaimed.get({ ...scope, now }) ?? { claimed: 0 };
      const stats: QueueStats = { messages: { claimed, free: total - claimed, total } };
      // oldest/newest whenever total > 0 — delayed and claimed
      // messages included (MongoDB omits them when all are delayed: defect).
      const oldest = this.oldest.get({ ...scope, now });
      const newest = this.newest.get({ ...scope, now });
      if (oldest && newest) {
        stats.messages.oldest = statsEntry(oldest, now);
        stats.messages.newest = statsEntry(newest, now);
      }
      return stats;
    });
    this.purgeQueue = db.transaction((scope: QueueScope) => {
      this.deleteMessages.run(scope);
      this.deleteClaims.run(scope);
    });
  }

  async stats(queue: string, project: Project): Promise<QueueStats> {
    return this.readStats.deferred({ project, queue }, Date.now());
  }

  async purge(queue: string, project: Project): Promise<void> {
    this.purgeQueue.immediate({ project, queue });
  }
}

function statsEntry(message: Endpoint, now: number): MessageStatsEntry {
  return { id: message.id, age: secondsSince(message.created, now), created: isoSeconds(message.created) };
}

/** `YYYY-MM-DDTHH:MM:SSZ` (whole seconds, UTC), as Zaqar formats `created`. */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + 'Z';
}
