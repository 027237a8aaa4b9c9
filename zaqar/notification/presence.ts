/**
 * Does a queue (or topic) have subscriptions? Asked by the notifier stage
 * for every post, so that a post to a queue nobody subscribes to writes no
 * outbox entry (which the dispatcher would only claim, find no
 * subscription for, and delete: three more store round trips per post).
 *
 * The answer must be exact, or the durability promise breaks: a
 * subscription acknowledged (201, on any node) before a post is received
 * must be notified of that post, as in Zaqar, which lists the queue's
 * subscriptions on every post. A per-node cache of "no subscriptions"
 * cannot give that — node B would miss a subscription made on node A until
 * its entry expired. So:
 *
 * - **"No subscriptions" is never cached.** Each post's answer comes from
 *   a read of the subscription store (`list(limit 1)`: one round trip,
 *   through pooling to the queue's pool) that is *issued after the post
 *   arrived*, so it sees every subscription acknowledged before. Posts to
 *   one queue in the same event-loop turn share one read (issued at the end
 *   of the turn, after all of them arrived), and the read runs side by side
 *   with the message write, so it adds no round trip to the post's latency.
 * - **"Has subscriptions" is cached for `POSITIVE_TTL_MS`** (per node, a
 *   bounded map). A stale "yes" is harmless: it writes an outbox entry the
 *   dispatcher fans out to the subscriptions it then reads (none, if they
 *   were deleted) — exactly today's behaviour. It only spares subscribed
 *   queues the extra read.
 * - **A failed read counts as "yes"**: the entry is written as before.
 *
 * Topics need nothing more: a topic's messages and subscriptions are stored
 * under its name like a queue's, and its posts pass the same stage.
 * Nothing is invalidated on subscription create/delete: only the harmless
 * "yes" is ever cached.
 */
import { TurnBatches } from '../common/turn-batches';
import type { Project, SubscriptionController } from '../storage/interfaces';

/** How long a "has subscriptions" answer is reused (ms). */
export const POSITIVE_TTL_MS = 1_000;
/** At most this many remembered "yes" answers per node (cleared when full). */
const MAX_POSITIVE = 10_000;

interface Lookup {
  key: string;
  queue: string;
  project: Project;
}

export class SubscriptionPresence {
  /** key → until when (ms since epoch) "has subscriptions" holds. */
  private readonly positive = new Map<string, number>();
  /** Calls of one turn for one queue share one read. */
  private readonly lookups = new TurnBatches<Lookup, boolean>((lookup) => this.read(lookup));
  /** Reads issued (for tests and figures). */
  reads = 0;

  constructor(
    private readonly subscriptions: SubscriptionController,
    private readonly positiveTtlMs = POSITIVE_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether the queue has at least one subscription (confirmed or not), as of a read issued after this call. */
  has(queue: string, project: Project): Promise<boolean> {
    const key = project === null ? `\u0000${queue}` : `${project}\u0000${queue}`;
    const until = this.positive.get(key);
    if (until !== undefined) {
      if (until > this.now()) return Promise.resolve(true);
      this.positive.delete(key);
    }
    return this.lookups.add(key, () => ({ key, queue, project }), () => undefined);
  }

  private async read({ key, queue, project }: Lookup): Promise<boolean> {
    let has: boolean;
    this.reads++;
    try {
      has = (await this.subscriptions.list(queue, project, { limit: 1 })).items.length > 0;
    } catch {
      has = true; // unknown: write the entry, as without this check
    }
    if (has) {
      if (this.positive.size >= MAX_POSITIVE) this.positive.clear();
      this.positive.set(key, this.now() + this.positiveTtlMs);
    }
    return has;
  }
}
