/**
 * The FIFO marker protocol of the MongoDB message store (publisher.ts)
 * against an in-memory queue: collisions back off and renumber, a late
 * write is undone, a lagging counter is repaired
 * without hiding anything, abandoned hidden writes are skipped after the
 * stall window, and the post gives up with MessageConflict.
 */
import { expect } from 'chai';
import { type Collection, MongoNetworkError, MongoServerError, ObjectId } from 'mongodb';
import type { MarkerCounter } from '../../../plugins/storage/mongodb/counters';
import type { MessageDocument } from '../../../plugins/storage/mongodb/documents';
import { backoffSeconds, FifoPublisher, type HiddenWrite, STALL_WINDOW_SECONDS } from '../../../plugins/storage/mongodb/publisher';
import { MongoCalls } from '../../../plugins/storage/mongodb/calls';
import { silentLogger } from '../../../zaqar/common/logger';
import { ConnectionError, MessageConflict } from '../../../zaqar/storage/errors';

const QUEUE = 'q';
const PROJECT = 'p';
const SCOPE = 'p/q';

interface Row {
  k: number;
  tx: ObjectId | null;
}

/** One queue's markers as the server holds them: unique k, hidden (tx) or visible. */
class FakeQueue {
  rows: Row[] = [];
  counter = 1;
  increments = 0;
  failIncrement = false;

  readonly counterApi: MarkerCounter = {
    prepare: async () => undefined,
    read: async () => this.counter,
    increment: async (_q, _p, amount) => {
      if (this.failIncrement) throw new MongoNetworkError('lost');
      this.counter += amount;
      this.increments++;
    },
    raise: async (_q, _p, value) => {
      this.counter = Math.max(this.counter, value);
    },
  };

  /** The subset of a Collection the publisher uses: finalise and marker look-ups. */
  readonly collection = {
    updateMany: async (filter: { tx: ObjectId }) => {
      for (const row of this.rows) if (row.tx !== null && row.tx.equals(filter.tx)) row.tx = null;
      return { matchedCount: 0, modifiedCount: 0 };
    },
    find: (filter: { p_q: string; k: { $gte: number }; tx?: null | { $ne: null } }) => {
      let rows = this.rows.filter((row) => filter.p_q === SCOPE && row.k >= filter.k.$gte);
      if (filter.tx === null) rows = rows.filter((row) => row.tx === null);
      else if (filter.tx !== undefined) rows = rows.filter((row) => row.tx !== null);
      return {
        sort: (spec: { k: 1 | -1 }) => ({
          limit: (n: number) => ({
            toArray: async () => [...rows].sort((a, b) => (a.k - b.k) * spec.k).slice(0, n),
          }),
        }),
      };
    },
  } as unknown as Collection<MessageDocument>;

  /** A producer's write: fails like the unique index when a marker is taken. */
  writer(count: number, hooks: { beforeWrite?: (first: number) => void } = {}): HiddenWrite & { attempts: number[]; undone: number } {
    const queue = this;
    return {
      attempts: [],
      undone: 0,
      async write(first, tx) {
        this.attempts.push(first);
        hooks.beforeWrite?.(first);
        const markers = Array.from({ length: count }, (_, i) => first + i);
        if (markers.some((k) => queue.rows.some((row) => row.k === k))) {
          throw new MongoServerError({ message: 'E11000 duplicate key error', code: 11000 });
        }
        queue.rows.push(...markers.map((k) => ({ k, tx })));
        return true;
      },
      async undo(tx) {
        this.undone++;
        queue.rows = queue.rows.filter((row) => row.tx === null || !row.tx.equals(tx));
      },
    };
  }

  visible(): number[] {
    return this.rows.filter((row) => row.tx === null).map((row) => row.k).sort((a, b) => a - b);
  }
}

function publisher(queue: FakeQueue, maxAttempts = 1000): FifoPublisher {
  const calls = new MongoCalls({ maxReconnectAttempts: 1, reconnectSleep: 0 }, silentLogger);
  return new FifoPublisher(queue.counterApi, calls, { maxAttempts, maxRetrySleep: 0.01, maxRetryJitter: 0.001 }, silentLogger);
}

/** An ObjectId whose timestamp lies `seconds` in the past (a hidden write that old). */
function txFrom(secondsAgo: number): ObjectId {
  return new ObjectId(ObjectId.generate(Math.floor(Date.now() / 1000) - secondsAgo));
}

describe('storage/mongodb: FIFO marker protocol', () => {
  it('writes at the counter, finalises, then increments', async () => {
    const queue = new FakeQueue();
    const write = queue.writer(3);
    expect(await publisher(queue).publish(queue.collection, QUEUE, PROJECT, 3, write)).to.equal(true);
    expect(write.attempts).to.deep.equal([1]);
    expect(queue.visible()).to.deep.equal([1, 2, 3]);
    expect(queue.counter).to.equal(4);
  });

  it('repairs a counter that lags behind visible messages at once, and renumbers', async () => {
    const queue = new FakeQueue();
    // A producer finalised markers 1-2 and died before incrementing.
    queue.rows.push({ k: 1, tx: null }, { k: 2, tx: null });
    const write = queue.writer(2);
    await publisher(queue).publish(queue.collection, QUEUE, PROJECT, 2, write);
    expect(write.attempts).to.deep.equal([1, 3]);
    expect(queue.visible()).to.deep.equal([1, 2, 3, 4]);
    expect(queue.counter).to.equal(5);
  });

  it('waits for a live producer holding the markers hidden, then follows it', async () => {
    const queue = new FakeQueue();
    const other = new ObjectId();
    queue.rows.push({ k: 1, tx: other });
    let attempt = 0;
    const write = queue.writer(1, {
      // The other producer finalises and increments during our third attempt.
      beforeWrite: () => {
        if (++attempt === 3) {
          queue.rows[0].tx = null;
          queue.counter = 2;
        }
      },
    });
    await publisher(queue).publish(queue.collection, QUEUE, PROJECT, 1, write);
    // Its hidden write is recent: no skipping, only backing off and re-reading.
    expect(write.attempts).to.deep.equal([1, 1, 1, 2]);
    expect(queue.visible()).to.deep.equal([1, 2]);
  });

  it('skips the markers of a hidden write abandoned for longer than the stall window', async () => {
    const queue = new FakeQueue();
    queue.rows.push({ k: 1, tx: txFrom(STALL_WINDOW_SECONDS + 2) }, { k: 2, tx: txFrom(STALL_WINDOW_SECONDS + 2) });
    const write = queue.writer(1);
    await publisher(queue).publish(queue.collection, QUEUE, PROJECT, 1, write);
    expect(write.attempts).to.deep.equal([1, 3]);
    expect(queue.visible()).to.deep.equal([3]);
  });

  it('undoes a write that landed after the counter moved on (a stalled producer) and retries', async () => {
    const queue = new FakeQueue();
    let raced = false;
    const write = queue.writer(2, {
      beforeWrite: () => {
        if (raced) return;
        raced = true;
        // Meanwhile others posted markers 1-3 and consumers deleted them all:
        // the markers are free again, but observers are already past them.
        queue.counter = 4;
      },
    });
    await publisher(queue).publish(queue.collection, QUEUE, PROJECT, 2, write);
    expect(write.attempts).to.deep.equal([1, 4]);
    expect(write.undone).to.equal(1);
    expect(queue.visible()).to.deep.equal([4, 5]);
  });

  it('acknowledges committed messages even if the increment fails; the next post repairs the counter', async () => {
    const queue = new FakeQueue();
    queue.failIncrement = true;
    expect(await publisher(queue).publish(queue.collection, QUEUE, PROJECT, 2, queue.writer(2))).to.equal(true);
    expect(queue.counter).to.equal(1);
    queue.failIncrement = false;
    const next = queue.writer(1);
    await publisher(queue).publish(queue.collection, QUEUE, PROJECT, 1, next);
    expect(next.attempts).to.deep.equal([1, 3]);
    expect(queue.visible()).to.deep.equal([1, 2, 3]);
  });

  it('gives up with MessageConflict after max_attempts collisions, leaving nothing behind', async () => {
    const queue = new FakeQueue();
    queue.rows.push({ k: 1, tx: new ObjectId() }); // a live producer that never finishes
    const write = queue.writer(1);
    const error = await publisher(queue, 4)
      .publish(queue.collection, QUEUE, PROJECT, 1, write)
      .catch((err: unknown) => err);
    expect(error).to.be.instanceOf(MessageConflict);
    expect(write.attempts).to.deep.equal([1, 1, 1, 1]);
    expect(queue.rows).to.have.length(1);
  });

  it('undoes and reports a failed write as ConnectionError', async () => {
    const queue = new FakeQueue();
    let undone = 0;
    const error = await publisher(queue)
      .publish(queue.collection, QUEUE, PROJECT, 1, {
        write: async () => {
          throw new MongoNetworkError('connection reset');
        },
        undo: async () => {
          undone++;
        },
      })
      .catch((err: unknown) => err);
    expect(error).to.be.instanceOf(ConnectionError);
    expect(undone).to.equal(1);
  });

  it("backs off linearly with jitter (Zaqar's calculate_backoff)", () => {
    const retry = { maxAttempts: 1000, maxRetrySleep: 0.1, maxRetryJitter: 0.005 };
    expect(backoffSeconds(0, retry, () => 0)).to.equal(0);
    expect(backoffSeconds(500, retry, () => 0)).to.be.closeTo(0.05, 1e-12);
    expect(backoffSeconds(999, retry, () => 1)).to.be.closeTo(0.0999 + 0.005, 1e-12);
  });
});
