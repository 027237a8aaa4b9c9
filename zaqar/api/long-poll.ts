/**
 * Long polling (ours, like SQS's WaitTimeSeconds): a claim or a message
 * listing with `?wait=N` that found nothing waits up to N seconds for a
 * message to be posted to its queue, then tries again.
 *
 * What wakes a waiter:
 * - a post through this process (the message operations call `notify`),
 *   whatever the store: at once. Every waiting listing wakes; of the
 *   waiting claims, as many as messages were posted (parked ones first,
 *   in turn), since each message can go to one claim only and waking them
 *   all would have the rest race for nothing;
 * - the store's post signals (zaqar/storage/signals.ts) for posts through
 *   other processes: Redis pub/sub, SQLite's `PRAGMA data_version`, ...;
 *   listened to only while someone waits; they do not say how many
 *   messages, so every waiter of the queue wakes;
 * - a coarse re-check: once per RECHECK_MS, one waiter of each waited
 *   queue (in turn; at most RECHECK_BUDGET queues per tick) tries again,
 *   for what no signal announces (a delay or a claim expiring, a post on a
 *   store without cross-process signals).
 *
 * Idle cost: one deadline timer per waiting request and one shared
 * re-check timer while anyone waits; nothing else runs.
 */
import type { PostSignals } from '../storage/signals';

/** How often one waiter per waited queue re-checks without a signal. */
export const RECHECK_MS = 1000;
/**
 * At most this many queues re-check per tick (in turn), so idle waiters on
 * many queues cost a bounded number of store calls: with more waited
 * queues than this, each is re-checked every ceil(queues / budget) ticks.
 */
export const RECHECK_BUDGET = 25;

/** What a long-polling operation is given: `wait` in seconds (validated by the operation), `signal` aborts the wait (client gone). */
export interface LongPollInput {
  wait?: number;
  signal?: AbortSignal;
}

export type WakeReason = 'woken' | 'deadline' | 'closed';

/** One waiting request's place: armed before each attempt, so a post during the attempt is not missed. */
export class WaitSlot {
  private woken = false;
  private settle: ((reason: WakeReason) => void) | undefined;
  private final: WakeReason | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly onAbort: () => void;

  constructor(
    private readonly hub: LongPollHub,
    readonly key: string,
    deadline: number,
    private readonly signal: AbortSignal | undefined,
    /** A claim (takes what it finds) rather than a listing (only reads). */
    readonly consumes: boolean,
  ) {
    this.timer = setTimeout(() => this.end('deadline'), Math.max(0, deadline - Date.now()));
    this.onAbort = () => this.end('closed');
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Waiting for a wake-up now (not running an attempt, not ended). */
  get parked(): boolean {
    return this.settle !== undefined;
  }

  /** Before an attempt: forget earlier wake-ups. */
  rearm(): void {
    this.woken = false;
  }

  wake(): void {
    this.woken = true;
    const settle = this.settle;
    this.settle = undefined;
    settle?.('woken');
  }

  end(reason: Exclude<WakeReason, 'woken'>): void {
    if (this.final) return;
    this.final = reason;
    const settle = this.settle;
    this.settle = undefined;
    settle?.(reason);
  }

  /** Resolves when woken (or at once if woken since `rearm`), at the deadline, or when closed. */
  next(): Promise<WakeReason> {
    if (this.final) return Promise.resolve(this.final);
    if (this.woken) return Promise.resolve('woken');
    return new Promise((resolve) => {
      this.settle = resolve;
    });
  }

  /** Frees the slot (always, in a finally). */
  leave(): void {
    clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this.onAbort);
    this.hub.remove(this);
  }
}

export class LongPollHub {
  private readonly waiters = new Map<string, Set<WaitSlot>>();
  private count = 0;
  private closed = false;
  private recheck: NodeJS.Timeout | undefined;
  private stopSignals: (() => void) | undefined;

  constructor(
    private readonly maxWaiters: number,
    private readonly signals: PostSignals | undefined,
    private readonly recheckMs = RECHECK_MS,
    private readonly recheckBudget = RECHECK_BUDGET,
  ) {}

  /** Requests waiting now. */
  get size(): number {
    return this.count;
  }

  /** A slot for a request that waits until `deadline` (ms); undefined when the bound is reached or the hub is closed. */
  enter(project: string | null, queue: string, deadline: number, signal?: AbortSignal, consumes = false): WaitSlot | undefined {
    if (this.closed || this.count >= this.maxWaiters || signal?.aborted) return undefined;
    const key = keyOf(project, queue);
    const slot = new WaitSlot(this, key, deadline, signal, consumes);
    let set = this.waiters.get(key);
    if (!set) this.waiters.set(key, (set = new Set()));
    set.add(slot);
    if (this.count++ === 0) this.start();
    return slot;
  }

  remove(slot: WaitSlot): void {
    const set = this.waiters.get(slot.key);
    if (!set?.delete(slot)) return;
    if (set.size === 0) this.waiters.delete(slot.key);
    if (--this.count === 0) this.stop();
  }

  /**
   * `posted` messages went to (project, queue): its listings try again, and
   * that many of its claims (all of them when `posted` is not known). O(1)
   * when nobody waits.
   */
  notify(project: string | null, queue: string, posted = Infinity): void {
    if (this.count === 0) return;
    const set = this.waiters.get(keyOf(project, queue));
    if (!set) return;
    if (posted >= set.size) {
      for (const slot of set) slot.wake();
      return;
    }
    let budget = posted;
    const woken = new Set<WaitSlot>();
    for (const slot of set) {
      if (!slot.consumes) slot.wake();
      else if (budget > 0 && slot.parked) {
        slot.wake();
        woken.add(slot);
        budget--;
      }
    }
    // Fewer claims parked than messages: those running an attempt go once more.
    for (const slot of set) {
      if (budget <= 0) break;
      if (slot.consumes && !woken.has(slot)) {
        slot.wake();
        woken.add(slot);
        budget--;
      }
    }
    // In turn: the next post wakes the claims that waited longest.
    for (const slot of woken) {
      set.delete(slot);
      set.add(slot);
    }
  }

  /** Wakes every waiter (a store that cannot tell which queue changed). */
  notifyAll(): void {
    for (const set of this.waiters.values()) for (const slot of set) slot.wake();
  }

  /** Shutdown: every waiter answers now (its empty answer); no new waits. */
  close(): void {
    this.closed = true;
    for (const set of [...this.waiters.values()]) for (const slot of [...set]) slot.end('closed');
  }

  private start(): void {
    this.recheck = setInterval(() => this.recheckOnePerQueue(), this.recheckMs);
    this.recheck.unref();
    this.stopSignals = this.signals?.listen((posted) => {
      if (posted === undefined) this.notifyAll();
      else this.notify(posted.project, posted.queue);
    });
  }

  private stop(): void {
    clearInterval(this.recheck);
    this.recheck = undefined;
    const stop = this.stopSignals;
    this.stopSignals = undefined;
    stop?.();
  }

  private recheckOnePerQueue(): void {
    const turn = Math.min(this.recheckBudget, this.waiters.size);
    for (let i = 0; i < turn; i++) {
      const next = this.waiters.entries().next().value as [string, Set<WaitSlot>] | undefined;
      if (!next) return;
      const [key, set] = next;
      // The queue's turn is over: to the back of the line (Map order), and so is its waiter's.
      this.waiters.delete(key);
      this.waiters.set(key, set);
      const first = set.values().next().value as WaitSlot | undefined;
      if (!first) continue;
      set.delete(first);
      set.add(first);
      first.wake();
    }
  }
}

function keyOf(project: string | null, queue: string): string {
  return `${project ?? ''}\u0000${queue}`;
}

/**
 * Runs `attempt`, and with `wait` > 0 seconds runs it again on each wake-up
 * while `empty(result)`, until the deadline; then answers the last
 * (empty) result. Without wait (or without a slot: bound reached), one
 * attempt exactly as without long polling.
 */
export async function longPoll<T>(
  hub: LongPollHub | undefined,
  target: { project: string | null; queue: string; wait: number | undefined; signal?: AbortSignal; consumes?: boolean },
  attempt: () => Promise<T>,
  empty: (result: T) => boolean,
): Promise<T> {
  if (!target.wait || hub === undefined) return attempt();
  const slot = hub.enter(target.project, target.queue, Date.now() + target.wait * 1000, target.signal, target.consumes);
  if (slot === undefined) return attempt();
  try {
    for (;;) {
      slot.rearm();
      const result = await attempt();
      if (!empty(result)) return result;
      if ((await slot.next()) !== 'woken') return result;
    }
  } finally {
    slot.leave();
  }
}
