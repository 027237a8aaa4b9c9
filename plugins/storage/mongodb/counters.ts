/**
 * The per-queue message counter `c: {v, t}` of Zaqar's MongoDB layout: `v`
 * is the next marker to hand out, `t` the UNIX second of its last change.
 * It lives where Zaqar keeps it:
 *
 * - with the MongoDB management store, in the queue's own document in
 *   `<db>_queues.queues` (new queues start at `{v: 1, t: 0}`), so a database
 *   shared with the Python server stays consistent;
 * - with any other management store, in a counter document `{p_q, c}` of
 *   the partition's `messages.stats` collection, created on first use at 0.
 */
import type { Collection } from 'mongodb';
import { QueueDoesNotExist } from '../../../zaqar/storage/errors';
import type { Project, QueueController } from '../../../zaqar/storage/interfaces';
import { bsonInteger, bsonNumber } from './bson-json';
import { isDuplicateKey, type MongoCalls } from './calls';
import type { Now } from './documents';
import { scopeOf } from './scope';

export interface CounterDocument {
  p_q: string;
  /** Read with default options: BSON integers arrive as numbers. */
  c: { v: number; t: number };
}

export interface MarkerCounter {
  /** Makes sure the queue has a counter; throws QueueDoesNotExist for an unknown queue. */
  prepare(queue: string, project: Project): Promise<void>;
  /** The next marker to hand out. Throws QueueDoesNotExist when the counter is gone (queue deleted). */
  read(queue: string, project: Project): Promise<number>;
  /** Adds `amount` (not idempotent: a retried increment leaves a gap, which is harmless). */
  increment(queue: string, project: Project, amount: number, at: Now): Promise<void>;
  /** Raises the counter to `value` unless it is already there (repairs a lagging counter; idempotent). */
  raise(queue: string, project: Project, value: number, at: Now): Promise<void>;
}

/** Shared by both homes: the counter is field `c` of the document with `p_q = scope`. */
abstract class CounterField implements MarkerCounter {
  constructor(protected readonly calls: MongoCalls) {}

  protected abstract collection(queue: string, project: Project): Collection<CounterDocument>;
  abstract prepare(queue: string, project: Project): Promise<void>;

  async read(queue: string, project: Project): Promise<number> {
    const doc = await this.calls.idempotent('read counter', () =>
      this.collection(queue, project).findOne({ p_q: scopeOf(queue, project) }, { projection: { c: 1 } }),
    );
    const value = bsonNumber(doc?.c?.v);
    if (value === undefined) throw new QueueDoesNotExist(queue, project);
    return value;
  }

  async increment(queue: string, project: Project, amount: number, at: Now): Promise<void> {
    await this.calls.once(() =>
      this.collection(queue, project).updateOne(
        { p_q: scopeOf(queue, project) },
        { $inc: { 'c.v': bsonInteger(amount) }, $set: { 'c.t': bsonInteger(at.s) } },
      ),
    );
  }

  async raise(queue: string, project: Project, value: number, at: Now): Promise<void> {
    await this.calls.idempotent('raise counter', () =>
      this.collection(queue, project).updateOne(
        { p_q: scopeOf(queue, project), 'c.v': { $lt: value } },
        { $set: { 'c.v': bsonInteger(value), 'c.t': bsonInteger(at.s) } },
      ),
    );
  }
}

/** The counter in the queue document of the MongoDB management store. */
export class QueueDocumentCounter extends CounterField {
  constructor(
    private readonly queues: Collection<CounterDocument>,
    calls: MongoCalls,
  ) {
    super(calls);
  }

  protected collection(): Collection<CounterDocument> {
    return this.queues;
  }

  async prepare(queue: string, project: Project): Promise<void> {
    // The queue document carries the counter from its creation on.
    await this.read(queue, project);
  }
}

/** The counter in `messages.stats` of the queue's partition (any other management store). */
export class PartitionCounter extends CounterField {
  constructor(
    private readonly stats: (queue: string, project: Project) => Collection<CounterDocument>,
    private readonly queues: QueueController,
    calls: MongoCalls,
  ) {
    super(calls);
  }

  protected collection(queue: string, project: Project): Collection<CounterDocument> {
    return this.stats(queue, project);
  }

  async prepare(queue: string, project: Project): Promise<void> {
    if (!(await this.queues.exists(queue, project))) throw new QueueDoesNotExist(queue, project);
    const scope = scopeOf(queue, project);
    // Zaqar's `_get_counter` upsert; the unique p_q index makes a concurrent
    // first use fail once, and the retry finds the counter there.
    const create = () =>
      this.stats(queue, project).updateOne({ p_q: scope }, { $setOnInsert: { c: { v: 0, t: 0 } } }, { upsert: true });
    try {
      await this.calls.idempotent('create counter', create);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      await this.calls.idempotent('create counter', create);
    }
  }
}
