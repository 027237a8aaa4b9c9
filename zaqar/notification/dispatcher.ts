/**
 * Delivers what the outbox holds (outbox.ts), on every API node:
 *
 * 1. Claims a batch of outbox entries (an ordinary claim, renewed while the
 *    entries are worked on; entries of a node that dies come back when its
 *    claim expires).
 * 2. A post entry fans out: the queue's subscriptions are listed once per
 *    batch; each subscription that is confirmed (when confirmation is
 *    required) and whose `filter_policy` matches gets one document per
 *    message, in its own lane (lane.ts).
 * 3. A delivery is tried; on a transient failure it is retried by the
 *    retry policy (retry-policy.ts): retries due at once run at once, later
 *    ones go back to the outbox as a delivery entry delayed until they are
 *    due, so a waiting retry holds no memory and survives a restart.
 * 4. Once every document of an entry is delivered, given up (logged with
 *    the subscription id) or safely back in the outbox, the entry is
 *    deleted with its claim.
 * 5. Every attempt first asks the destination's circuit breaker
 *    (breaker.ts): after `[notification] breaker_failure_threshold`
 *    consecutive transient failures to one destination, attempts stop for a
 *    cool-down, and the deliveries that come meanwhile are parked: back in
 *    the outbox, due when the cool-down ends, with the attempts they made so
 *    far (a parked delivery has used no retry). A parked delivery is given
 *    up once it has been parked, without an attempt in between, for longer
 *    than its retry policy would have spent retrying (the sum of the
 *    policy's delays, at least `breaker_max_cooldown`).
 *
 * Memory is bounded: at most `maxEntries` claimed entries at a time, and
 * per subscriber a bounded lane whose overflow goes back to the outbox.
 */
import { isJsonObject, RawJson } from '../common/json';
import { isTruthy } from '../common/python';
import type { Logger } from '../common/logger';
import { TurnBatches } from '../common/turn-batches';
import type { MessageCipher } from '../api/rules/encryption';
import { subscriberScheme } from '../api/validation';
import { ClaimDoesNotExist, SubscriptionDoesNotExist } from '../storage/errors';
import type { Project, QueueMetadata, StoredMessage, Subscription } from '../storage/interfaces';
import type { Storage } from '../storage/storage';
import { notificationDocument, type PostedMessage } from './documents';
import { matchesFilterPolicy } from './filter-policy';
import { Lane } from './lane';
import { localSubscribers } from './local-subscribers';
import type { DeliveryKind, DeliveryOutcome } from './notifier';
import type { Notifiers } from './notifiers';
import { isDeliveryEntry, OUTBOX_PROJECT, OUTBOX_QUEUE, type DeliveryEntry, type OutboxEntry, type OutboxWriter, type PostEntry } from './outbox';
import { retryPolicyFor, retrySchedule } from './retry-policy';
import { CircuitBreakers, DEFAULT_BASE_COOLDOWN_MS, destinationOf, type BreakerSettings, type BreakerTotals } from './breaker';

export interface DispatcherSettings {
  /** `[notification] require_confirmation` (with a signing key): unconfirmed subscriptions get no notifications. */
  requireConfirmation: boolean;
  /** Deliveries in flight per subscriber (`[notification] max_notifier_workers`). */
  concurrency: number;
  /** Claim ttl of outbox entries (seconds): how soon another node takes over the entries of one that died. */
  claimTtl: number;
  /** Entries per claim. */
  batch: number;
  /** Claimed entries held at once. */
  maxEntries: number;
  /** Documents waiting in one subscriber's lane before the rest overflows to the outbox. */
  laneCapacity: number;
  /** How long to wait before looking again when the outbox was empty (ms). */
  idlePollMs: number;
  /** Per-destination circuit breakers (`[notification] breaker_*`); absent: the defaults. */
  breaker?: BreakerSettings;
}

export const DEFAULT_BREAKER_SETTINGS: BreakerSettings = { failureThreshold: 5, baseCooldownMs: DEFAULT_BASE_COOLDOWN_MS, maxCooldownMs: 60_000 };

export const DEFAULT_DISPATCHER_SETTINGS: Omit<DispatcherSettings, 'requireConfirmation' | 'concurrency'> = {
  claimTtl: 20,
  batch: 100,
  maxEntries: 2000,
  laneCapacity: 5000,
  idlePollMs: 200,
};

interface Claimed {
  id: string;
  claimId: string;
  entry: OutboxEntry;
}

/** One document on its way to one subscriber. */
interface Delivery {
  subscription: Subscription;
  project: Project;
  queue: string;
  kind: DeliveryKind;
  document: Record<string, unknown>;
  /** Attempts made so far. */
  attempt: number;
  /** Delays (s) before each retry, from the retry policy. */
  schedule: number[];
  /** Times it found its lane full. */
  overflows: number;
  /** When it was first parked by an open breaker since its last attempt (s since the epoch). */
  parkedSince?: number;
}

/** The longest an overflowed document waits before it tries its lane again (s). */
const MAX_OVERFLOW_DELAY = 30;

/** What the dispatcher knows of one queue for one batch. */
interface QueueView {
  metadata: QueueMetadata;
  subscriptions: Subscription[];
}

function entryOf(message: StoredMessage): OutboxEntry | undefined {
  const body = message.body instanceof RawJson ? message.body.value() : message.body;
  return isJsonObject(body) && typeof body.q === 'string' ? (body as unknown as OutboxEntry) : undefined;
}

export class Dispatcher {
  private readonly lanes = new Map<string, Lane>();
  /** Claimed, not yet finished entries per claim id. */
  private readonly openClaims = new Map<string, number>();
  private inFlight = 0;
  private stopped = false;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private nudged = false;
  private readonly finished: ClaimedDeletes;
  private readonly postponed: Postponed;
  private readonly breakers: CircuitBreakers;
  private readonly destinations = new Map<string, string>();
  /** Attempts made (each one call of a notifier): for tests and KPIs. */
  attempts = 0;

  constructor(
    private readonly storage: Storage,
    outbox: OutboxWriter,
    private readonly notifiers: Notifiers,
    private readonly cipher: MessageCipher,
    private readonly settings: DispatcherSettings,
    private readonly logger: Logger,
  ) {
    this.finished = new ClaimedDeletes(storage);
    this.postponed = new Postponed(outbox);
    this.breakers = new CircuitBreakers(settings.breaker ?? DEFAULT_BREAKER_SETTINGS, (change) => {
      const { destination, failures } = change;
      if (change.state === 'closed') {
        logger.info({ destination, failures, parked: change.parked, probes: change.probes }, 'subscriber circuit breaker closed: deliveries resume');
      } else if (change.again) {
        logger.debug({ destination, failures, cooldown: (change.cooldownMs ?? 0) / 1000 }, 'subscriber circuit breaker probe failed; open again');
      } else {
        logger.info({ destination, failures, cooldown: (change.cooldownMs ?? 0) / 1000 }, 'subscriber circuit breaker opened: deliveries parked');
      }
    });
  }

  /** A subscriber URI's breaker key (parsed once per URI; the cache is dropped when it grows past 10,000). */
  private destinationOf(subscriber: string): string {
    let destination = this.destinations.get(subscriber);
    if (destination === undefined) {
      if (this.destinations.size >= 10_000) this.destinations.clear();
      destination = destinationOf(subscriber);
      this.destinations.set(subscriber, destination);
    }
    return destination;
  }

  /** The breakers' counters (opened, open now, parked attempts, probes). */
  get breakerTotals(): Readonly<BreakerTotals> {
    return this.breakers.totals;
  }

  start(): void {
    if (this.loop) return;
    this.loop = this.run();
    this.renewTimer = setInterval(() => void this.renewClaims(), (this.settings.claimTtl * 1000) / 3);
    this.renewTimer.unref();
  }

  /** Looks at the outbox now (entries were just written in this process) rather than at the next poll. */
  nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  /** Stops claiming, aborts deliveries in flight (their entries come back when the claims expire) and waits for the loop. */
  async close(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    this.wake?.();
    clearInterval(this.renewTimer);
    await this.loop;
  }

  private async run(): Promise<void> {
    let idle = this.settings.idlePollMs;
    while (!this.stopped) {
      const room = this.settings.maxEntries - this.inFlight;
      if (room <= 0) {
        // Full: only a finished delivery (release) makes room; a nudge does not,
        // and must not turn this wait into a spin that starves the event loop.
        await this.pause(this.settings.idlePollMs, { evenIfNudged: true });
        continue;
      }
      let claimed: Claimed[] = [];
      try {
        claimed = await this.claim(Math.min(room, this.settings.batch));
      } catch (err) {
        this.logger.warn({ err }, 'could not claim notification outbox entries; retrying');
        await this.pause(1000);
        continue;
      }
      if (claimed.length === 0) {
        if (this.nudged) {
          this.nudged = false;
          idle = this.settings.idlePollMs;
          continue;
        }
        await this.pause(idle);
        idle = Math.min(idle * 2, this.settings.idlePollMs * 5);
        continue;
      }
      this.nudged = false;
      idle = this.settings.idlePollMs;
      void this.process(claimed);
    }
  }

  private pause(ms: number, { evenIfNudged = false } = {}): Promise<void> {
    if (this.nudged && !evenIfNudged) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async claim(limit: number): Promise<Claimed[]> {
    const { claimId, messages } = await this.storage.claims.create(
      OUTBOX_QUEUE,
      { ttl: this.settings.claimTtl, grace: 0, limit },
      OUTBOX_PROJECT,
    );
    if (claimId === null || messages.length === 0) return [];
    const claimed: Claimed[] = [];
    for (const message of messages) {
      const entry = entryOf(message);
      if (entry === undefined) {
        this.logger.warn({ id: message.id }, 'dropping a malformed notification outbox entry');
        await this.storage.messages.delete(OUTBOX_QUEUE, message.id, OUTBOX_PROJECT, claimId).catch(() => undefined);
        continue;
      }
      claimed.push({ id: message.id, claimId, entry });
    }
    this.inFlight += claimed.length;
    if (claimed.length) this.openClaims.set(claimId, (this.openClaims.get(claimId) ?? 0) + claimed.length);
    return claimed;
  }

  private async renewClaims(): Promise<void> {
    const { claimTtl } = this.settings;
    await Promise.all(
      [...this.openClaims.keys()].map(async (claimId) => {
        try {
          await this.storage.claims.update(OUTBOX_QUEUE, claimId, { ttl: claimTtl, grace: 0 }, OUTBOX_PROJECT);
        } catch (err) {
          if (err instanceof ClaimDoesNotExist) this.logger.warn({ claimId }, 'an outbox claim expired while its entries were delivered');
          else this.logger.debug({ err, claimId }, 'could not renew an outbox claim');
        }
      }),
    );
  }

  private async process(batch: Claimed[]): Promise<void> {
    const views = new Map<string, Promise<QueueView>>();
    const viewOf = (queue: string, project: Project): Promise<QueueView> => {
      const key = `${project ?? ''}\u0000${queue}`;
      let view = views.get(key);
      if (view === undefined) {
        view = this.queueView(queue, project);
        views.set(key, view);
      }
      return view;
    };
    await Promise.all(
      batch.map(async (claimed) => {
        try {
          const { entry } = claimed;
          const view = await viewOf(entry.q, entry.p);
          await (isDeliveryEntry(entry) ? this.redeliver(entry, view) : this.fanOut(entry, view));
          await this.finished.delete(claimed.id, claimed.claimId);
        } catch (err) {
          // Left claimed: the entry comes back when the claim expires.
          if (!this.stopped) this.logger.warn({ err, queue: claimed.entry.q }, 'notification entry not finished; it will be retried');
        } finally {
          this.release(claimed);
        }
      }),
    );
  }

  /** The queue's metadata and subscriptions, read side by side (they are on the path from a post to its delivery). */
  private async queueView(queue: string, project: Project): Promise<QueueView> {
    const [metadata, subscriptions] = await Promise.all([this.storage.queues.get(queue, project), this.allSubscriptions(queue, project)]);
    return { metadata, subscriptions };
  }

  private async allSubscriptions(queue: string, project: Project): Promise<Subscription[]> {
    const subscriptions: Subscription[] = [];
    let marker: string | undefined;
    for (;;) {
      const page = await this.storage.subscriptions.list(queue, project, { marker, limit: 100 });
      subscriptions.push(...page.items);
      if (page.items.length < 100 || page.next === undefined) break;
      marker = page.next;
    }
    return subscriptions;
  }

  /** The posted messages as the subscribers get them (decrypted on encrypted queues). */
  private postedMessages(entry: PostEntry, metadata: QueueMetadata): PostedMessage[] {
    const encrypted = isTruthy(metadata._enable_encrypt_messages);
    return entry.m.map((m) => ({ ttl: m.ttl, delay: m.delay, body: encrypted ? this.cipher.decrypt(m.body) : m.body }));
  }

  private fanOut(entry: PostEntry, view: QueueView): Promise<void[]> {
    const messages = this.postedMessages(entry, view.metadata);
    const deliveries: Promise<void>[] = [];
    for (const subscription of view.subscriptions) {
      if (this.settings.requireConfirmation && !subscription.confirmed) continue;
      const filter = isJsonObject(subscription.options.filter_policy) ? subscription.options.filter_policy : undefined;
      const schedule = retrySchedule(retryPolicyFor(subscription.options, view.metadata));
      for (const message of messages) {
        if (filter !== undefined && !matchesFilterPolicy(filter, message.body)) continue;
        const document = notificationDocument(message, subscription.source);
        deliveries.push(
          this.submit({ subscription, project: entry.p, queue: entry.q, kind: 'notification', document, attempt: 0, schedule, overflows: 0 }),
        );
      }
    }
    return Promise.all(deliveries);
  }

  private async redeliver(entry: DeliveryEntry, view: QueueView): Promise<void> {
    let subscription: Subscription;
    try {
      subscription = await this.storage.subscriptions.get(entry.q, entry.s, entry.p);
    } catch (err) {
      if (err instanceof SubscriptionDoesNotExist) return; // unsubscribed or expired meanwhile
      throw err;
    }
    if (entry.k === 'notification' && this.settings.requireConfirmation && !subscription.confirmed) return;
    const schedule = retrySchedule(retryPolicyFor(subscription.options, view.metadata));
    await Promise.all(
      entry.d.map((document) =>
        this.submit({
          subscription,
          project: entry.p,
          queue: entry.q,
          kind: entry.k,
          document,
          attempt: entry.a,
          schedule,
          overflows: entry.o ?? 0,
          parkedSince: entry.w,
        }),
      ),
    );
  }

  /** Resolves once the delivery is done with here: delivered, given up, or back in the outbox. */
  private submit(delivery: Delivery): Promise<void> {
    return new Promise((resolve, reject) => {
      const id = delivery.subscription.id;
      let lane = this.lanes.get(id);
      if (lane === undefined) {
        lane = new Lane(this.settings.concurrency, this.settings.laneCapacity, () => {
          if (this.lanes.get(id)?.idle) this.lanes.delete(id);
        });
        this.lanes.set(id, lane);
      }
      lane.submit({
        run: () => this.attempt(delivery).then(resolve, reject),
        overflow: () => this.overflow(delivery).then(resolve, reject),
      });
    });
  }

  private async attempt(delivery: Delivery): Promise<void> {
    const { subscription } = delivery;
    const scheme = subscriberScheme(subscription.subscriber);
    // A subscriber this process serves itself (a WebSocket connection held here) skips the notifier.
    const local = localSubscribers.lookup(subscription.subscriber);
    const notifier = local ? Promise.resolve(local) : this.notifiers.for(scheme);
    if (notifier === undefined) {
      this.logger.warn({ subscription: subscription.id, scheme }, 'no notifier serves this subscriber; notification dropped');
      return;
    }
    // A subscriber served here (WebSocket) has no breaker: its delivery does not go over the network.
    const destination = local || !this.breakers.enabled ? undefined : this.destinationOf(subscription.subscriber);
    for (;;) {
      if (this.stopped) throw new Error('notifications are stopping');
      let probe = false;
      if (destination !== undefined) {
        const admission = this.breakers.admit(destination);
        if (!admission.admitted) {
          await this.park(delivery, admission.waitMs);
          return;
        }
        probe = admission.probe;
      }
      let outcome: DeliveryOutcome;
      this.attempts++;
      try {
        outcome = await (await notifier).deliver(
          { kind: delivery.kind, subscription, project: delivery.project, document: delivery.document },
          this.abort.signal,
        );
      } catch (err) {
        outcome = { status: 'retry', reason: err instanceof Error ? err.message : String(err) };
      }
      delivery.attempt++;
      delivery.parkedSince = undefined;
      if (destination !== undefined) {
        if (outcome.status === 'delivered') this.breakers.success(destination, probe);
        else if (outcome.status === 'retry' && !this.stopped) this.breakers.failure(destination, probe);
        else this.breakers.abandon(destination, probe);
      }
      if (outcome.status === 'delivered') return;
      if (this.stopped) throw new Error('notifications are stopping');
      if (outcome.status === 'failed' || delivery.attempt > delivery.schedule.length) {
        this.logger.warn(
          { subscription: subscription.id, subscriber: subscription.subscriber, queue: delivery.queue, attempts: delivery.attempt, reason: outcome.reason },
          outcome.status === 'failed' ? 'notification cannot be delivered; given up' : 'notification not delivered after the retry policy; given up',
        );
        return;
      }
      const delay = delivery.schedule[delivery.attempt - 1];
      if (delay > 0) {
        await this.postpone(delivery, delay);
        return;
      }
    }
  }

  /**
   * The destination's breaker is open: back to the outbox, due when it may
   * be tried (`waitMs`), its attempts unchanged; given up once parked for
   * longer than its retry policy would have kept retrying.
   */
  private park(delivery: Delivery, waitMs: number): Promise<void> {
    const now = Math.floor(Date.now() / 1000);
    const since = delivery.parkedSince ?? now;
    const maxCooldown = (this.settings.breaker ?? DEFAULT_BREAKER_SETTINGS).maxCooldownMs / 1000;
    const budget = Math.max(
      delivery.schedule.slice(Math.max(delivery.attempt - 1, 0)).reduce((sum, delay) => sum + Math.max(delay, 0), 0),
      maxCooldown,
    );
    if (now - since > budget) {
      const { subscription } = delivery;
      this.logger.warn(
        { subscription: subscription.id, subscriber: subscription.subscriber, queue: delivery.queue, attempts: delivery.attempt, parked: now - since },
        'notification not delivered: its subscriber stayed unreachable (circuit breaker open) for longer than the retry policy allows; given up',
      );
      return Promise.resolve();
    }
    delivery.parkedSince = since;
    return this.postpone(delivery, Math.max(1, Math.ceil(waitMs / 1000)), delivery.overflows);
  }

  /** Writes the delivery back to the outbox, due in `delay` seconds (with the others of this turn for the same subscriber). */
  private postpone(delivery: Delivery, delay: number, overflows = 0): Promise<void> {
    return this.postponed.add(
      {
        q: delivery.queue,
        p: delivery.project,
        s: delivery.subscription.id,
        k: delivery.kind,
        d: [delivery.document],
        a: delivery.attempt,
        ...(overflows ? { o: overflows } : {}),
        ...(delivery.parkedSince !== undefined ? { w: delivery.parkedSince } : {}),
      },
      delay,
    );
  }

  /**
   * A lane is full: back to the outbox, a little later each time the same
   * document finds it full again (2, 4, 6 ... 30 s): soon enough for a
   * subscriber that is only slow, rarely enough to cost little for one that is dead.
   */
  private overflow(delivery: Delivery): Promise<void> {
    const overflows = delivery.overflows + 1;
    return this.postpone(delivery, Math.min(2 * overflows, MAX_OVERFLOW_DELAY), overflows);
  }

  private release(claimed: Claimed): void {
    this.inFlight--;
    const open = (this.openClaims.get(claimed.claimId) ?? 1) - 1;
    if (open <= 0) this.openClaims.delete(claimed.claimId);
    else this.openClaims.set(claimed.claimId, open);
    this.wake?.();
  }
}

/**
 * Deletes finished entries: those finished in the same turn under the same
 * claim go in one bulk delete.
 */
class ClaimedDeletes {
  private readonly batches: TurnBatches<{ claimId: string; ids: string[] }>;

  constructor(storage: Storage) {
    this.batches = new TurnBatches(({ claimId, ids }) => storage.messages.bulkDelete(OUTBOX_QUEUE, ids, OUTBOX_PROJECT, [claimId]));
  }

  delete(id: string, claimId: string): Promise<void> {
    return this.batches.add(claimId, () => ({ claimId, ids: [id] }), (group) => group.ids.push(id));
  }
}

/** Postponed deliveries of one turn, one outbox entry per subscriber, kind, attempt and delay. */
class Postponed {
  private readonly batches: TurnBatches<{ entry: DeliveryEntry; delay: number }>;

  constructor(outbox: OutboxWriter) {
    this.batches = new TurnBatches(({ entry, delay }) => outbox.append(entry, delay));
  }

  add(entry: DeliveryEntry, delay: number): Promise<void> {
    const key = [entry.p ?? '', entry.q, entry.s, entry.k, entry.a, entry.o ?? 0, entry.w ?? '', delay].join('\u0000');
    return this.batches.add(key, () => ({ entry, delay }), (group) => group.entry.d.push(...entry.d));
  }
}
