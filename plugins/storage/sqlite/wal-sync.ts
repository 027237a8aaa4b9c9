/**
 * Durable commits without blocking the event loop. With `synchronous =
 * FULL`, SQLite fsyncs the WAL inside COMMIT, on the thread that runs
 * JavaScript: every request waits behind the disk. Instead the connection
 * runs at NORMAL (a commit only writes its frames to the WAL) and the group
 * commit (group-commit.ts) asks this class to fsync the WAL file on libuv's
 * thread pool before it acknowledges anything; the event loop meanwhile
 * parses and commits the next requests. Concurrent requests share one
 * fsync. What a caller is told is durable is exactly what FULL promises:
 * its commit frames are on disk. (A reader may see a commit a moment before
 * its fsync completes; after a power loss that commit can be gone, and its
 * writer was never told it succeeded.)
 */
import { closeSync, fsync, openSync } from 'node:fs';

export class WalSync {
  private fd: number | undefined;
  private running = false;
  private waiting: ((err: Error | null) => void)[] = [];

  /** `walPath`: the database file's name plus `-wal` (SQLite keeps it while a connection is open). */
  constructor(private readonly walPath: string) {}

  /** Resolves once everything committed before the call is on disk. */
  sync(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push((err) => (err ? reject(err) : resolve()));
      if (!this.running) this.start();
    });
  }

  private start(): void {
    this.running = true;
    const batch = this.waiting;
    this.waiting = [];
    const finish = (err: Error | null) => {
      for (const done of batch) done(err);
      if (this.waiting.length > 0) this.start();
      else this.running = false;
    };
    try {
      // fsync needs no write access; the WAL exists once the first commit wrote to it.
      this.fd ??= openSync(this.walPath, 'r');
    } catch (err) {
      finish(err as Error);
      return;
    }
    fsync(this.fd, finish);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
