/**
 * Making messages visible in marker order — the FIFO protocol of Zaqar's
 * `mongodb.fifo` driver (`zaqar.storage.mongodb.messages`
 * `FIFOMessageController`), tightened so that an observer paging by marker
 * never skips a message:
 *
 *   1. read the queue counter `v` (not incremented yet);
 *   2. write the documents with markers `v … v+n−1`, hidden by a fresh
 *      transaction id `tx` (readers filter `tx: null`); the unique
 *      `queue_marker` index (k, p_q) rejects the whole attempt if another
 *      producer holds one of those markers;
 *   3. check the counter still reads `v`: a producer that read it, stalled,
 *      and wrote after others had moved on could otherwise land a message
 *      behind an observer's marker (markers of deleted messages are free
 *      again for the unique index) — such a write is undone and retried;
 *   4. finalise: `tx := null` on the batch — the whole batch appears at once;
 *   5. increment the counter by n.
 *
 * Zaqar finalises after incrementing; between the two, a competing producer
 * can publish higher markers, and an observer paging past them misses the
 * batch when it finally appears. Finalising first keeps every competing
 * producer colliding with this batch until it is visible.
 *
 * A collision backs off linearly with jitter (Zaqar's `calculate_backoff`)
 * and re-reads the counter. A counter left behind by a producer that died
 * (or whose increment failed) is repaired on the spot when the markers
 * above it belong to visible messages: raising it past them cannot hide
 * anything. Markers held only by hidden writes are skipped once those are
 * older than Zaqar's 5 s stall window (their producer is gone; its messages
 * stay hidden and expire). Gives up with MessageConflict after
 * `max_attempts` attempts or 45 s, as Zaqar does.
 */
import type { Collection, ObjectId } from 'mongodb';
import type { Logger } from '../../../zaqar/common/logger';
import { MessageConflict } from '../../../zaqar/storage/errors';
import type { Project } from '../../../zaqar/storage/interfaces';
import { isDuplicateKey, type MongoCalls, toStorageError } from './calls';
import type { MarkerCounter } from './counters';
import { markerOf, type MessageDocument, newObjectId, now } from './documents';
import type { PostRetryOptions } from './options';
import { scopeOf } from './scope';

/** Zaqar: never retry past the point where competing messages (ttl ≥ 60 s) could expire. */
export const MAX_RETRY_POST_SECONDS = 45;
/** Zaqar's COUNTER_STALL_WINDOW: a hidden write older than this has lost its producer. */
export const STALL_WINDOW_SECONDS = 5;

/**
 * Thrown by a write that found its marker taken by another document when
 * the server did not say so with a duplicate-key error (FerretDB 1.x
 * reports a unique violation by an update as an internal error).
 */
export class MarkerTaken extends Error {
  constructor(marker: number) {
    super(`marker ${marker} is taken`);
    this.name = 'MarkerTaken';
  }
}

/** One attempt's writes, hidden behind `tx`; `undo` removes what an attempt left (idempotent). */
export interface HiddenWrite {
  /**
   * Writes with markers first … first+count−1. A taken marker surfaces as a
   * duplicate-key error. Returns false when there is nothing to write any
   * more (the message to move is gone).
   */
  write(first: number, tx: ObjectId): Promise<boolean>;
  undo(tx: ObjectId): Promise<void>;
}

/** Zaqar's `calculate_backoff`: linear in the attempt, plus jitter; seconds. */
export function backoffSeconds(attempt: number, retry: PostRetryOptions, random: () => number = Math.random): number {
  const attempts = Math.max(1, retry.maxAttempts);
  return (attempt / attempts) * retry.maxRetrySleep + random() * retry.maxRetryJitter;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class FifoPublisher {
  constructor(
    private readonly counter: MarkerCounter,
    private readonly calls: MongoCalls,
    private readonly retry: PostRetryOptions,
    private readonly logger: Logger,
  ) {}

  /**
   * Runs the protocol for `count` consecutive markers of the queue
   * (`collection` holds its messages); false when the write had nothing to do.
   */
  async publish(
    collection: Collection<MessageDocument>,
    queue: string,
    project: Project,
    count: number,
    hidden: HiddenWrite,
  ): Promise<boolean> {
    const started = Date.now();
    const attempts = Math.max(1, this.retry.maxAttempts);
    for (let attempt = 0; attempt < attempts; attempt++) {
      const first = await this.counter.read(queue, project);
      const tx = newObjectId(now());
      try {
        if (!(await hidden.write(first, tx))) return false;
      } catch (err) {
        await hidden.undo(tx).catch(() => undefined);
        if (!isDuplicateKey(err) && !(err instanceof MarkerTaken)) throw toStorageError(err);
        if ((Date.now() - started) / 1000 > MAX_RETRY_POST_SECONDS) break;
        await sleep(backoffSeconds(attempt, this.retry) * 1000);
        await this.repairCounter(collection, queue, project, first);
        continue;
      }

      let current: number;
      try {
        current = await this.counter.read(queue, project);
      } catch (err) {
        await hidden.undo(tx).catch(() => undefined);
        throw err;
      }
      if (current !== first) {
        await hidden.undo(tx);
        continue;
      }
      // If this fails the batch may or may not have become visible; it is
      // not acknowledged either way (at-least-once), and left alone.
      await this.calls.idempotent('finalise', () => collection.updateMany({ tx }, { $set: { tx: null } }));
      if (attempt > 0) this.logger.debug({ queue, project, attempts: attempt + 1, count }, 'MongoDB: posted after retries');

      try {
        await this.counter.increment(queue, project, count, now());
      } catch (err) {
        // The messages are committed: acknowledge them. The lagging counter
        // only makes the next producer collide once and repair it (above).
        this.logger.warn({ err, queue, project }, 'MongoDB: message counter not incremented; the next post repairs it');
      }
      return true;
    }
    this.logger.warn({ queue, project, attempts }, 'MongoDB: giving up posting after marker collisions');
    throw new MessageConflict(queue, project);
  }

  /** After a collision at `first`: raise a counter that lags behind what is stored at or above it. */
  private async repairCounter(collection: Collection<MessageDocument>, queue: string, project: Project, first: number): Promise<void> {
    const scope = scopeOf(queue, project);
    const highest = (filter: object) =>
      this.calls.idempotent('find highest marker', () =>
        collection.find({ p_q: scope, k: { $gte: first }, ...filter }, { projection: { k: 1, tx: 1 } }).sort({ k: -1 }).limit(1).toArray(),
      );
    const [visibleTop] = await highest({ tx: null });
    if (visibleTop !== undefined) {
      // Visible messages above the counter: its owner finalised and has not
      // (yet) incremented. Nothing can hide below them any more.
      await this.counter.raise(queue, project, markerOf(visibleTop) + 1, now());
      return;
    }
    const [oldestHidden] = await this.calls.idempotent('find hidden writes', () =>
      collection.find({ p_q: scope, k: { $gte: first }, tx: { $ne: null } }, { projection: { k: 1, tx: 1 } }).sort({ k: 1 }).limit(1).toArray(),
    );
    const tx = oldestHidden?.tx;
    if (!tx || Date.now() - tx.getTimestamp().getTime() < STALL_WINDOW_SECONDS * 1000) return; // a live producer: wait for it
    const [top] = await highest({});
    if (top === undefined) return;
    this.logger.warn({ queue, project, marker: markerOf(top) + 1 }, 'MongoDB: skipping markers of an abandoned post');
    await this.counter.raise(queue, project, markerOf(top) + 1, now());
  }
}
