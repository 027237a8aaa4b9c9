/**
 * Moving a live queue to another pool (`zaqar-manage queues move`, and
 * `pools drain`, which moves every queue off a pool). No peer has this;
 * Zaqar itself cannot move a queue at all.
 *
 * 1. The catalogue entry names the new pool and the old one as `previous`:
 *    within the catalog's cache TTL every API node serves the queue from
 *    both (moving-store.ts) — new messages go to the new pool, consumers
 *    claim from the old one first. The mover waits one TTL (and a margin)
 *    so that no node still serves the queue from the old pool alone.
 * 2. The queue's subscriptions are copied to the new pool, each then
 *    deleted from the old one. A copy has a new id (ids are the stores'
 *    own), keeps subscriber, options and confirmation, and lives a full
 *    `ttl` from the move (never less than the original had left: a store
 *    may count `age` from creation while a ttl update restarted the
 *    expiry). An update of a subscription between its copy and its
 *    deletion is lost.
 * 3. Batches of the old pool's messages are claimed by the mover (so no
 *    consumer can take them meanwhile), posted to the new pool with their
 *    remaining TTL, then deleted from the old pool with that claim.
 *    Messages consumers hold under live claims stay where they are until
 *    those consumers delete them (on the old pool, where their claim is) or
 *    the claims expire; delayed messages wait for their delay. The queue
 *    keeps answering throughout: no 503.
 * 4. Once the old pool holds none of the queue's messages, the entry names
 *    the new pool only; the old pool's leftovers (claim bookkeeping) are
 *    purged.
 *
 * Every acknowledged message is delivered once: it is either consumed from
 * the old pool or copied under the mover's claim and then deleted there.
 * Moved messages get new ids (ids are the stores' own) and a claim count
 * of 0. If the mover dies between posting a batch and deleting it, that
 * batch's claim expires and those messages can be delivered twice (from
 * both pools) — at-least-once, as any crash; running the move again
 * finishes it (step 1 is idempotent), and a move to the pool the queue was
 * leaving turns it around (the two pools swap roles).
 */
import type { Logger } from '../common/logger';
import { PoolDoesNotExist, QueueNotMapped } from '../storage/errors';
import type { ManagementStore, MessageStore, Project } from '../storage/interfaces';
import type { Catalog } from './catalog';
import { weighted } from './select';

export interface MoverSettings {
  /** The catalog's cache TTL: how long a node may still route by an old entry. */
  ttlMs: number;
  /** How long to wait between looks at messages held by consumers or delayed. */
  pollMs?: number;
  /** Messages moved per batch. */
  batch?: number;
}

export interface MoveReport {
  queue: string;
  project: Project;
  from: string;
  to: string;
  moved: number;
  seconds: number;
}

const MOVER_CLIENT = 'zaqar-manage-queue-mover';
/** The mover's claims outlive any batch by far; a crashed mover's claim frees its messages after this. */
const MOVER_CLAIM_TTL = 300;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One queue's move: its messages go from pool `from` to pool `to`. */
interface Move {
  queue: string;
  project: Project;
  from: string;
  to: string;
}

/** A move whose catalogue entry names both pools since `started`. */
interface Started extends Move {
  started: number;
}

/** A move that cannot be made as asked (zaqar-manage: bad input, exit code 2). */
export class MoveRefused extends Error {}

/**
 * The pool the queue's messages are to be taken from to put it on `to`, or
 * undefined when it is there already.
 *
 * - Not moving: its pool.
 * - Moving from P to Q: to Q, resume (from P); to P, turn around (from Q —
 *   P still holds what was not moved yet, and becomes the destination; Q
 *   is emptied and left); to any other pool, refused.
 */
function sourceOf(queue: string, entry: { pool: string; previous?: string }, to: string): string | undefined {
  if (entry.previous === undefined) return entry.pool === to ? undefined : entry.pool;
  if (to === entry.pool) return entry.previous;
  if (to === entry.previous) return entry.pool;
  throw new MoveRefused(`queue ${queue} is moving from ${entry.previous} to ${entry.pool}; move it to one of those two first`);
}

export class QueueMover {
  constructor(
    private readonly catalog: Catalog,
    private readonly management: ManagementStore,
    private readonly settings: MoverSettings,
    private readonly logger: Logger,
  ) {}

  /** Where the queue lives: its pool, and while it moves the pool it leaves. */
  async where(queue: string, project: Project): Promise<{ queue: string; project: Project; pool: string | null; previous?: string }> {
    try {
      const entry = await this.management.catalogueController.get(project, queue);
      return { queue, project, pool: entry.pool, ...(entry.previous ? { previous: entry.previous } : {}) };
    } catch (err) {
      if (err instanceof QueueNotMapped) return { queue, project, pool: null };
      throw err;
    }
  }

  /**
   * Moves the queue's messages to pool `to`. A move that was interrupted
   * (the entry still names the pool it was leaving) is resumed when `to` is
   * its destination, and turned around when `to` is the pool it was
   * leaving: what reached the destination meanwhile comes back.
   */
  async move(queue: string, project: Project, to: string, progress: (line: string) => void = () => undefined): Promise<MoveReport> {
    const entry = await this.management.catalogueController.get(project, queue);
    if (!(await this.management.poolsController.exists(to))) throw new PoolDoesNotExist(to);
    const from = sourceOf(queue, entry, to);
    if (from === undefined) return { queue, project, from: to, to, moved: 0, seconds: 0 };
    const move = await this.begin({ queue, project, from, to });
    await this.waitForNodes([move], progress);
    return this.complete(move, progress);
  }

  /**
   * Moves every queue off `pool`, each to another pool of the same flavor
   * (by weight), or on to where it was moving. Every queue is put on the
   * move first and the mover waits one cache TTL for all of them together
   * (not one per queue), then empties them one after the other. Nothing
   * changes when a queue cannot go anywhere.
   */
  async drain(pool: string, progress: (line: string) => void = () => undefined): Promise<MoveReport[]> {
    const record = await this.management.poolsController.get(pool);
    const peers = (await this.management.poolsController.getPoolsByFlavor(record.flavor)).filter((p) => p.name !== pool);
    const planned: Move[] = [];
    for (const entry of await this.management.catalogueController.listByPool(pool)) {
      let to: string | undefined;
      if (entry.previous === pool) to = entry.pool; // moving off this pool already: on to where it goes
      else if (entry.previous !== undefined) to = entry.previous; // arriving here: back where it came from
      else to = weighted(peers)?.name;
      if (to === undefined) {
        throw new MoveRefused(`no other pool${record.flavor ? ` of flavor ${record.flavor}` : ' without a flavor'} can take the queues of ${pool}`);
      }
      const from = sourceOf(entry.queue, entry, to);
      if (from !== undefined) planned.push({ queue: entry.queue, project: entry.project, from, to });
    }
    const moves: Started[] = [];
    for (const move of planned) moves.push(await this.begin(move));
    if (moves.length > 0) await this.waitForNodes(moves, progress);
    const reports: MoveReport[] = [];
    for (const move of moves) reports.push(await this.complete(move, progress));
    return reports;
  }

  /** Step 1: the entry names both pools (every node will serve the queue from both). */
  private async begin(move: Move): Promise<Started> {
    await this.management.catalogueController.update(move.project, move.queue, move.to, move.from);
    this.catalog.forget(move.queue, move.project);
    return { ...move, started: Date.now() };
  }

  /** Until no API node can still route by an entry older than the moves' (one cache TTL, and a margin). */
  private async waitForNodes(moves: Started[], progress: (line: string) => void): Promise<void> {
    const what = moves.length === 1 ? `${moves[0].project}/${moves[0].queue}: served by ${moves[0].from} and ${moves[0].to}` : `${moves.length} queues served by both pools`;
    progress(`${what}; waiting ${Math.ceil(this.settings.ttlMs / 1000)} s for every API node to see it`);
    const last = Math.max(...moves.map((move) => move.started));
    await sleep(Math.max(0, last + this.settings.ttlMs + 1000 - Date.now()));
  }

  /** Steps 2 and 3: the old pool emptied into the new one, then left. */
  private async complete(move: Started, progress: (line: string) => void): Promise<MoveReport> {
    const { queue, project, from, to } = move;
    const [source, target] = [await this.catalog.storeOf(from), await this.catalog.storeOf(to)];
    const subscriptions = await this.copySubscriptions(queue, project, source, target);
    if (subscriptions > 0) progress(`${project}/${queue}: ${subscriptions} subscription(s) moved`);
    const moved = await this.transfer(queue, project, source, target, progress);
    await this.finish(queue, project, to, source);
    const report = { queue, project, from, to, moved, seconds: Math.round((Date.now() - move.started) / 100) / 10 };
    this.logger.info(report, 'queue moved');
    return report;
  }

  /** Moves the source's subscriptions to the target (before the messages); returns how many. */
  private async copySubscriptions(queue: string, project: Project, source: MessageStore, target: MessageStore): Promise<number> {
    let copied = 0;
    for (;;) {
      // Each page is deleted from the source before the next is read, so every page is the first.
      const page = await source.subscriptionController.list(queue, project, { limit: this.settings.batch ?? 20 });
      if (page.items.length === 0) return copied;
      for (const subscription of page.items) {
        const id = await target.subscriptionController.create(queue, subscription.subscriber, subscription.ttl, subscription.options, project);
        // null: the target has this subscriber already (an interrupted move, or a subscription made through the target meanwhile).
        if (id !== null && subscription.confirmed) await target.subscriptionController.confirm(queue, id, project, true);
        await source.subscriptionController.delete(queue, subscription.id, project);
        copied++;
      }
    }
  }

  /** Copies the source's messages to the target under the mover's claims, until the source holds none. */
  private async transfer(queue: string, project: Project, source: MessageStore, target: MessageStore, progress: (line: string) => void): Promise<number> {
    const batch = this.settings.batch ?? 20;
    let moved = 0;
    for (;;) {
      const claim = await source.claimController.create(queue, { ttl: MOVER_CLAIM_TTL, grace: 0, limit: batch }, project);
      if (claim.claimId !== null && claim.messages.length > 0) {
        await target.messageController.post(
          queue,
          claim.messages.map((m) => ({ ttl: Math.max(1, m.ttl - m.age), delay: 0, body: m.body, checksum: m.checksum })),
          MOVER_CLIENT,
          project,
        );
        await source.messageController.bulkDelete(queue, claim.messages.map((m) => m.id), project, [claim.claimId]);
        moved += claim.messages.length;
        continue;
      }
      const left = (await source.queueDataController.stats(queue, project)).messages.total;
      if (left === 0) return moved;
      progress(`${project}/${queue}: ${moved} moved; ${left} held by consumers' claims or delayed, waiting`);
      await sleep(this.settings.pollMs ?? 1000);
    }
  }

  /** Ends the move: the new pool alone; the old pool's leftovers purged. */
  private async finish(queue: string, project: Project, to: string, source: MessageStore): Promise<void> {
    await this.management.catalogueController.update(project, queue, to, null);
    this.catalog.forget(queue, project);
    await source.queueDataController.purge(queue, project);
  }
}
