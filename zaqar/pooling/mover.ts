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
 * finishes it (step 1 is idempotent).
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

  /** Moves the queue's messages to pool `to`; resumes a move that was interrupted. */
  async move(queue: string, project: Project, to: string, progress: (line: string) => void = () => undefined): Promise<MoveReport> {
    const started = Date.now();
    const entry = await this.management.catalogueController.get(project, queue);
    if (!(await this.management.poolsController.exists(to))) throw new PoolDoesNotExist(to);
    // Resuming: the pool it was leaving is still the source.
    const from = entry.previous ?? entry.pool;
    if (from === to) {
      if (entry.previous !== undefined) await this.finish(queue, project, to, from);
      return { queue, project, from, to, moved: 0, seconds: 0 };
    }
    if (entry.previous !== undefined && entry.pool !== to) {
      throw new Error(`queue ${queue} is already moving from ${entry.previous} to ${entry.pool}; finish that move first`);
    }

    await this.management.catalogueController.update(project, queue, to, from);
    this.catalog.forget(queue, project);
    progress(`${project}/${queue}: served by ${from} and ${to}; waiting ${Math.ceil(this.settings.ttlMs / 1000)} s for every API node to see it`);
    await sleep(this.settings.ttlMs + 1000);

    const [source, target] = [await this.catalog.storeOf(from), await this.catalog.storeOf(to)];
    const subscriptions = await this.copySubscriptions(queue, project, source, target);
    if (subscriptions > 0) progress(`${project}/${queue}: ${subscriptions} subscription(s) moved`);
    const moved = await this.transfer(queue, project, source, target, progress);
    await this.finish(queue, project, to, from, source);
    const report = { queue, project, from, to, moved, seconds: Math.round((Date.now() - started) / 100) / 10 };
    this.logger.info(report, 'queue moved');
    return report;
  }

  /** Moves every queue off `pool` (each to another pool of the same flavor, by weight). */
  async drain(pool: string, progress: (line: string) => void = () => undefined): Promise<MoveReport[]> {
    const record = await this.management.poolsController.get(pool);
    const reports: MoveReport[] = [];
    for (const entry of await this.management.catalogueController.listByPool(pool)) {
      let target = entry.pool !== pool ? entry.pool : undefined;
      if (target === undefined) {
        const peers = (await this.management.poolsController.getPoolsByFlavor(record.flavor)).filter((p) => p.name !== pool);
        target = weighted(peers)?.name;
        if (target === undefined) throw new Error(`no other pool${record.flavor ? ` of flavor ${record.flavor}` : ' without a flavor'} can take the queues of ${pool}`);
      }
      reports.push(await this.move(entry.queue, entry.project, target, progress));
    }
    return reports;
  }

  /** Moves the source's subscriptions to the target (step 2 above); returns how many. */
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
  private async finish(queue: string, project: Project, to: string, from: string, source?: MessageStore): Promise<void> {
    await this.management.catalogueController.update(project, queue, to, null);
    this.catalog.forget(queue, project);
    const old = source ?? (await this.catalog.storeOf(from));
    await old.queueDataController.purge(queue, project);
  }
}
