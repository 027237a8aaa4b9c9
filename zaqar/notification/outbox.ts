/**
 * The durable outbox: what is still to be notified, kept in the message
 * store itself, as messages of an internal queue (`OUTBOX_QUEUE`, project
 * null — a name no client can use: `:` is not allowed in queue names).
 *
 * Why an outbox in the message store: a post is acknowledged only once its
 * messages are stored, and the notifier stage writes the outbox entry
 * between the two, so every acknowledged post has its entry on the same
 * durable footing as the messages (SQLite fsync, Redis replicas, MongoDB
 * majority). Delivery then happens out of band: every API node claims
 * entries with ordinary claims (dispatcher.ts), so a node that dies holding
 * entries lets their claims expire and another node (or itself, restarted)
 * delivers them — at least once. A per-subscription cursor over the queue
 * itself would lose notifications for messages consumed before delivery.
 *
 * Entries (bodies of outbox messages):
 * - a post: `{"q": queue, "p": project, "m": [{ttl, body, [delay]}...]}` — one per
 *   acknowledged post, fanned out to the queue's subscriptions when claimed;
 * - a delivery: `{"q", "p", "s": subscription id, "k": kind, "d": [documents], "a": attempts made, ["o": overflows], ["w": parked since]}` —
 *   documents for one subscription: retries due later (the entry is delayed
 *   until then), overflow of a subscriber that cannot keep up, deliveries
 *   parked while their destination's circuit breaker is open, and
 *   confirmation notices.
 *
 * Writes issued in the same event-loop turn share one store call (group
 * commit), so the outbox costs one store round trip per turn, not per post.
 */
import type { Logger } from '../common/logger';
import type { MessageController, NewMessage, Project } from '../storage/interfaces';
import type { DeliveryKind } from './notifier';

export const OUTBOX_QUEUE = 'zaqar-ts:notifications';
export const OUTBOX_PROJECT: Project = null;
/** How long an entry may wait for delivery (seconds). */
export const OUTBOX_TTL = 14 * 86_400;
const CLIENT_ID = 'zaqar-ts-notifier';
/** Entries per store call; a turn with more uses several calls. */
const BATCH = 100;

export interface PostEntry {
  q: string;
  p: Project;
  m: { ttl: number; body: unknown; delay?: number }[];
}

export interface DeliveryEntry {
  q: string;
  p: Project;
  s: string;
  k: DeliveryKind;
  d: Record<string, unknown>[];
  a: number;
  /** Times these documents found their subscriber's lane full. */
  o?: number;
  /** Parked by an open circuit breaker since (s since the epoch), without an attempt since. */
  w?: number;
}

export type OutboxEntry = PostEntry | DeliveryEntry;

export function isDeliveryEntry(entry: OutboxEntry): entry is DeliveryEntry {
  return typeof (entry as DeliveryEntry).s === 'string';
}

interface Pending {
  message: NewMessage;
  done: (err?: unknown) => void;
}

export class OutboxWriter {
  private pending: Pending[] = [];
  private scheduled = false;
  /** Called after entries were written (the dispatcher of this process looks at once instead of at its next poll). */
  onWritten: () => void = () => undefined;

  /**
   * @param messages the message store's controller beneath the pipeline (outbox writes pass no stage)
   * @param ensureQueue creates (and, pooled, places) the outbox queue; called when a write finds it missing
   */
  constructor(
    private readonly messages: MessageController,
    private readonly ensureQueue: () => Promise<void>,
    private readonly isMissingQueue: (err: unknown) => boolean,
    private readonly logger: Logger,
  ) {}

  /** Durably records `entry`, visible to claimers after `delay` seconds. */
  append(entry: OutboxEntry, delay = 0): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({
        message: { ttl: OUTBOX_TTL, delay, body: entry },
        done: (err) => (err === undefined ? resolve() : reject(err)),
      });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    const writes: Promise<void>[] = [];
    for (let i = 0; i < batch.length; i += BATCH) writes.push(this.write(batch.slice(i, i + BATCH)));
    await Promise.all(writes);
  }

  private async write(batch: Pending[]): Promise<void> {
    const messages = batch.map((p) => p.message);
    try {
      try {
        await this.messages.post(OUTBOX_QUEUE, messages, CLIENT_ID, OUTBOX_PROJECT);
      } catch (err) {
        if (!this.isMissingQueue(err)) throw err;
        await this.ensureQueue();
        await this.messages.post(OUTBOX_QUEUE, messages, CLIENT_ID, OUTBOX_PROJECT);
      }
      for (const p of batch) p.done();
      this.onWritten();
    } catch (err) {
      this.logger.warn({ err, entries: batch.length }, 'could not write notification outbox entries');
      for (const p of batch) p.done(err);
    }
  }
}
