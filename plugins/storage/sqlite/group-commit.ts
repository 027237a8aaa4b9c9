/**
 * Group commit: the writes issued during one turn of the event loop share
 * a single IMMEDIATE transaction — one WAL append and, with
 * `synchronous = FULL`, one fsync for all of them instead of one each.
 * Every write runs in its own savepoint, so one failing call (a claim
 * conflict, a constraint) does not undo the others; a write whose only
 * change is one statement skips it (`runStatement`: SQLite undoes a failing
 * statement alone), which took ~13 µs of CPU off a single-message post. The
 * writes themselves open no transactions of their own. A caller's promise
 * settles only after the shared commit, so nothing is acknowledged before
 * it is durable: with a WalSync (wal-sync.ts), after the WAL's fsync, which
 * runs off the event loop.
 *
 * While that fsync runs, new writes wait and commit together when it ends:
 * their callers could not be answered before the next fsync anyway, so
 * holding them costs a caller only the commit itself, and one commit of
 * many writes rewrites each shared table and index page once instead of
 * once per small commit (measured: ~95 µs per single-message post in
 * commits of 1, ~30 µs in commits of 16).
 */
import type Database from 'better-sqlite3';
import type { WalSync } from './wal-sync';

interface PendingWrite {
  write: () => unknown;
  /** Run in a savepoint of its own (see `run` and `runStatement`). */
  savepoint: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  outcome?: { ok: true; value: unknown } | { ok: false; error: unknown };
}

export class GroupCommit {
  private pending: PendingWrite[] = [];
  private scheduled = false;
  /** A batch's fsync is running: new writes wait for it (see above). */
  private syncing = false;
  private readonly commitBatch: Database.Transaction<(batch: PendingWrite[]) => void>;

  constructor(
    db: Database.Database,
    private readonly durable?: WalSync,
  ) {
    // Called inside the batch transaction, better-sqlite3 turns this into SAVEPOINT/RELEASE.
    const inSavepoint = db.transaction((write: () => unknown) => write());
    this.commitBatch = db.transaction((batch: PendingWrite[]) => {
      for (const item of batch) {
        try {
          item.outcome = { ok: true, value: item.savepoint ? inSavepoint(item.write) : item.write() };
        } catch (error) {
          item.outcome = { ok: false, error };
        }
      }
    });
  }

  /** Runs `write` (synchronous database work) in the next shared transaction, in a savepoint of its own. */
  run<T>(write: () => T): Promise<T> {
    return this.enqueue(write, true);
  }

  /**
   * Like `run`, without the savepoint, for a write whose only change is one
   * statement, run last (reads and checks may come before it): SQLite undoes
   * a failing statement by itself, so a savepoint would add nothing but its
   * cost (two statements, and a copy of every page the write touches).
   */
  runStatement<T>(write: () => T): Promise<T> {
    return this.enqueue(write, false);
  }

  private enqueue<T>(write: () => T, savepoint: boolean): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ write, savepoint, resolve: resolve as (value: unknown) => void, reject });
      if (!this.syncing) this.schedule();
    });
  }

  /** Flushes after the current turn of the event loop, so all of its writes join one commit. */
  private schedule(): void {
    if (this.scheduled || this.pending.length === 0) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    this.scheduled = false;
    try {
      this.commitBatch.immediate(batch);
    } catch (error) {
      // The commit itself failed (disk full, database busy past busy_timeout): nothing was written.
      for (const item of batch) item.reject(error);
      return;
    }
    if (this.durable === undefined) {
      this.settle(batch);
      return;
    }
    this.syncing = true;
    this.durable
      .sync()
      .then(
        () => this.settle(batch),
        (error: unknown) => {
          // Committed but not known to be on disk: no caller may be told it succeeded.
          for (const item of batch) item.reject(error);
        },
      )
      .finally(() => {
        this.syncing = false;
        this.schedule();
      });
  }

  private settle(batch: PendingWrite[]): void {
    for (const item of batch) {
      const outcome = item.outcome!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    }
  }
}
