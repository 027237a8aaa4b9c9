/**
 * The SQLite message store (plugin `sqlite`): one database file shared by
 * every queue, and by every server process pointed at the same file;
 * messages, claims and subscriptions.
 */
import type Database from 'better-sqlite3';
import { CAPABILITIES } from './capabilities';
import type { Logger } from '../../../zaqar/common/logger';
import type { MessageStore } from '../../../zaqar/storage/interfaces';
import { PostSignalHub } from '../../../zaqar/storage/signals';
import { SqliteClaimController } from './claims';
import { GroupCommit } from './group-commit';
import type { WalSync } from './wal-sync';
import { SqliteMessageController } from './messages';
import { SqliteQueueDataController } from './queue-data';
import { SqliteSubscriptionController } from './subscriptions';

/**
 * While requests long-poll: how often `PRAGMA data_version` is read to see
 * commits of OTHER processes on the file (this connection's own commits do
 * not change it; posts through this process wake waiters directly).
 */
export const DATA_VERSION_INTERVAL_MS = 100;

/** How often expired messages, claims and subscriptions are reaped. */
export const GC_INTERVAL_MS = 60_000;

type Now = { now: number };

export class SqliteMessageStore implements MessageStore {
  readonly capabilities = CAPABILITIES;
  readonly messageController: SqliteMessageController;
  readonly claimController: SqliteClaimController;
  readonly subscriptionController: SqliteSubscriptionController;
  readonly queueDataController: SqliteQueueDataController;

  private readonly ping: Database.Statement<[], { ok: number }>;
  private readonly countLive: Database.Statement<Now, { total: number }>;
  private readonly countClaimed: Database.Statement<Now, { claimed: number }>;
  private readonly collect: Database.Transaction<(now: number) => number>;
  private readonly gcTimer: NodeJS.Timeout;
  private readonly dataVersion: Database.Statement<[], { data_version: number }>;
  private watchTimer: NodeJS.Timeout | undefined;
  /** Post signals: another process committed (PRAGMA data_version), polled only while someone listens. */
  readonly signals = new PostSignalHub((active) => this.watchOtherProcesses(active));

  constructor(
    private readonly db: Database.Database,
    private readonly logger: Logger,
    private readonly walSync?: WalSync,
  ) {
    const commit = new GroupCommit(db, walSync);
    this.messageController = new SqliteMessageController(db, commit);
    this.claimController = new SqliteClaimController(db, commit);
    this.subscriptionController = new SqliteSubscriptionController(db, commit);
    this.queueDataController = new SqliteQueueDataController(db);

    this.ping = db.prepare('SELECT 1 AS ok');
    this.dataVersion = db.prepare('PRAGMA data_version');
    this.countLive = db.prepare('SELECT COUNT(*) AS total FROM messages WHERE expires > @now');
    this.countClaimed = db.prepare(`
      SELECT COUNT(*) AS claimed FROM messages INDEXED BY messages_claimed
      WHERE claim_id IS NOT NULL AND claim_expires > @now AND expires > @now`);

    const deleteExpiredMessages = db.prepare<Now>('DELETE FROM messages WHERE expires <= @now');
    const deleteExpiredClaims = db.prepare<Now>('DELETE FROM claims WHERE expires <= @now');
    const deleteExpiredSubscriptions = db.prepare<Now>('DELETE FROM subscriptions WHERE expires <= @now');
    // Not a removal, but keeps the messages_claimable index exact between
    // claims (see schema.ts); claims do the same for their own queue.
    const clearExpiredClaimIds = db.prepare<Now>(
      'UPDATE messages SET claim_id = NULL WHERE claim_id IS NOT NULL AND claim_expires <= @now',
    );
    this.collect = db.transaction((now: number) => {
      const messages = deleteExpiredMessages.run({ now }).changes;
      const claims = deleteExpiredClaims.run({ now }).changes;
      const subscriptions = deleteExpiredSubscriptions.run({ now }).changes;
      clearExpiredClaimIds.run({ now });
      return messages + claims + subscriptions;
    });

    // unref: a pending gc must never keep the process alive.
    this.gcTimer = setInterval(() => this.gcInBackground(), GC_INTERVAL_MS).unref();
  }

  async isAlive(): Promise<boolean> {
    try {
      return this.ping.get()?.ok === 1;
    } catch {
      return false;
    }
  }

  /** Driver KPIs for `GET /v2/health` (`storage_reachable`, `message_volume`), over all queues. */
  async health(): Promise<Record<string, unknown>> {
    const now = Date.now();
    const { total } = this.countLive.get({ now }) ?? { total: 0 };
    const { claimed } = this.countClaimed.get({ now }) ?? { claimed: 0 };
    return { storage_reachable: true, message_volume: { free: total - claimed, claimed, total } };
  }

  /** Deletes expired messages, claims and subscriptions; returns how many rows went. */
  async gc(): Promise<number> {
    return this.collect.immediate(Date.now());
  }

  /** The durability commits get: FULL when WalSync makes them durable, else the connection's own level. */
  synchronousLevel(): 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA' {
    if (this.walSync !== undefined) return 'FULL';
    return (['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const)[this.db.pragma('synchronous', { simple: true }) as number];
  }

  async close(): Promise<void> {
    clearInterval(this.gcTimer);
    this.watchOtherProcesses(false);
    if (this.db.open) this.db.close();
    this.walSync?.close();
  }

  private watchOtherProcesses(active: boolean): void {
    clearInterval(this.watchTimer);
    this.watchTimer = undefined;
    if (!active || !this.db.open) return;
    let seen = this.readDataVersion();
    this.watchTimer = setInterval(() => {
      const now = this.readDataVersion();
      if (now === seen) return;
      seen = now;
      // Which queue is not known: every waiter of this store re-checks.
      this.signals.emit(undefined);
    }, DATA_VERSION_INTERVAL_MS).unref();
  }

  private readDataVersion(): number {
    try {
      return this.dataVersion.get()?.data_version ?? 0;
    } catch {
      return -1;
    }
  }

  private gcInBackground(): void {
    try {
      const removed = this.collect.immediate(Date.now());
      if (removed > 0) this.logger.debug({ removed }, 'sqlite message store: garbage collected');
    } catch (err) {
      // Typically SQLITE_BUSY while another process holds the lock; the next run catches up.
      this.logger.warn({ err }, 'sqlite message store: garbage collection failed');
    }
  }
}
