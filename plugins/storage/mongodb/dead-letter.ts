/**
 * Moving messages to a dead-letter queue (queue metadata `_max_claim_count`
 * and `_dead_letter_queue`).
 *
 * A moved message keeps its id, body, client id, checksum, delay and claim
 * count, and arrives in the dead-letter queue (same project, same store) as
 * a fresh arrival: unclaimed, with a new marker from the DLQ's counter, so
 * it is in FIFO position and consumable there at once. With a dead-letter
 * ttl it lives `ttl` seconds from the move, both as reported (`t`) and as
 * actually enforced (`e`).
 *
 * Zaqar instead keeps the source marker (which can collide with the DLQ's
 * own markers under the unique index), keeps the claim it was just given
 * (the message looks claimed in the DLQ), and sets `t` without `e`.
 *
 * Markers come from the FIFO protocol (publisher.ts). Across partitions the
 * copy is written hidden and finalised, then the original deleted (a crash
 * in between leaves the message in both queues: at-least-once). Within one
 * partition the document moves in place with one atomic update; that write
 * is visible at once, and if the counter moved in the meantime the next
 * attempt moves the message again to a current marker.
 */
import { MongoServerError, type ObjectId } from 'mongodb';
import type { Logger } from '../../../zaqar/common/logger';
import { QueueDoesNotExist } from '../../../zaqar/storage/errors';
import type { ClaimOptions, DeadLetterOptions, Project, QueueController } from '../../../zaqar/storage/interfaces';
import { bsonInteger, bsonNumber } from './bson-json';
import { isDuplicateKey, type MongoCalls } from './calls';
import type { MarkerCounter } from './counters';
import { type MessageDocument, type Now, RAW_NUMBERS } from './documents';
import type { Partitions } from './partitions';
import { type FifoPublisher, MarkerTaken } from './publisher';
import { scopeOf } from './scope';

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

/** Failed in-place moves retried as collisions although no other holder of the marker was found. */
const MAX_UNEXPLAINED_FAILURES = 3;

export class DeadLetterMover {
  constructor(
    private readonly partitions: Partitions,
    private readonly counter: MarkerCounter,
    private readonly publisher: FifoPublisher,
    private readonly queues: QueueController,
    private readonly calls: MongoCalls,
    private readonly logger: Logger,
  ) {}

  /**
   * Moves the messages of claim `claimId` that were already delivered
   * `maxClaimCount` times before this claim (their count, incremented by
   * the claim, now exceeds the limit). Call right after tagging.
   */
  async moveExhausted(queue: string, project: Project, claimId: ObjectId, deadLetter: DeadLetterOptions, at: Now): Promise<void> {
    const source = this.partitions.messagesOf(queue, project);
    const exhausted = (await this.calls.idempotent('find exhausted messages', () =>
      source
        .find({ p_q: scopeOf(queue, project), 'c.id': claimId, 'c.c': { $gt: deadLetter.maxClaimCount } }, { ...RAW_NUMBERS })
        .sort({ k: 1 })
        .toArray(),
    )) as MessageDocument[];
    if (exhausted.length === 0) return;

    await this.ensureQueue(deadLetter.queue, project);
    for (const doc of exhausted) await this.moveOne(doc, queue, project, claimId, deadLetter, at);
    this.logger.debug(
      { queue, project, deadLetterQueue: deadLetter.queue, count: exhausted.length },
      'MongoDB: moved messages to the dead-letter queue',
    );
  }

  /** Moving is posting: like a post, it creates the dead-letter queue when missing. */
  private async ensureQueue(queue: string, project: Project): Promise<void> {
    try {
      await this.counter.prepare(queue, project);
    } catch (err) {
      if (!(err instanceof QueueDoesNotExist)) throw err;
      await this.queues.create(queue, {}, project);
      await this.counter.prepare(queue, project);
    }
  }

  private async moveOne(
    doc: MessageDocument,
    queue: string,
    project: Project,
    claimId: ObjectId,
    deadLetter: DeadLetterOptions,
    at: Now,
  ): Promise<void> {
    const source = this.partitions.messagesOf(queue, project);
    const target = this.partitions.messagesOf(deadLetter.queue, project);
    const sourceScope = scopeOf(queue, project);
    const targetScope = scopeOf(deadLetter.queue, project);
    // Unclaimed: the claim that found it exhausted expires now (keeping its
    // id, as a release does: claim-locks.ts); the count is the one before
    // this claim, which did not deliver it.
    const count = Math.max(0, (bsonNumber(doc.c.c) ?? 1) - 1);
    const changes: Partial<MessageDocument> = { p_q: targetScope, c: { id: claimId, e: bsonInteger(at.s), c: bsonInteger(count) } };
    if (deadLetter.ttl !== undefined) {
      changes.t = bsonInteger(deadLetter.ttl);
      changes.e = new Date(at.ms + deadLetter.ttl * 1000);
    }

    if (source === target) {
      // In place: the claimed original, or (on a later attempt) the moved copy.
      const filter = { _id: doc._id, $or: [{ p_q: sourceScope, 'c.id': claimId }, { p_q: targetScope }] };
      let unexplained = 0;
      await this.publisher.publish(target, deadLetter.queue, project, 1, {
        write: async (first) => {
          try {
            const result = await target.updateOne(filter, { $set: { ...changes, k: bsonInteger(first), tx: null } });
            return result.matchedCount === 1;
          } catch (err) {
            // A failed update whose marker another document holds was a
            // collision, whatever error the server chose to report it with
            // (FerretDB: an internal error). The holder may be a hidden write
            // already undone, so a few unexplained failures count as
            // collisions too; a persistent error does not loop for long.
            if (!(err instanceof MongoServerError) || isDuplicateKey(err)) throw err;
            const holder = await this.calls.idempotent('find marker', () =>
              target.findOne({ p_q: targetScope, k: first, _id: { $ne: doc._id } }, { projection: { _id: 1 } }),
            );
            if (holder === null && ++unexplained > MAX_UNEXPLAINED_FAILURES) throw err;
            throw new MarkerTaken(first);
          }
        },
        undo: async () => undefined,
      });
      return;
    }

    const { _id, ...rest } = doc;
    const moved = await this.publisher.publish(target, deadLetter.queue, project, 1, {
      write: async (first, tx) => {
        await target.insertOne({ _id, ...rest, ...changes, k: bsonInteger(first), tx } as MessageDocument);
        return true;
      },
      undo: (tx) => this.calls.idempotent('undo move', () => target.deleteMany({ tx })).then(() => undefined),
    });
    if (moved) {
      await this.calls.idempotent('delete moved message', () => source.deleteOne({ _id, p_q: sourceScope, 'c.id': claimId }));
    }
  }
}
