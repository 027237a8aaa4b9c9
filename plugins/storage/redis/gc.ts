/**
 * Garbage collection of the Redis message store (Zaqar's counterpart: `gc`
 * in `zaqar.storage.redis.messages`).
 *
 * Redis expires message and claim hashes by their key TTL, but not the
 * ids in the sets that index them. `collect()` walks `msgset_index` (every
 * queue with messages) and, per queue, drops expired claim ids, removes
 * messages the expiry index says have expired (re-checking each), removes
 * unindexed ids whose hash is gone or expired (records written by the
 * reference) and unlists queues left empty. Each step is one
 * bounded script call.
 *
 * The driver runs it every GC_INTERVAL_MS on an unref'd timer. With several
 * API servers on one Redis, a lock key lets only one of them run a periodic
 * pass per interval (Zaqar's TODO: "this allows for running the GC script
 * on multiple boxes for HA").
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../../zaqar/common/logger';
import type { RedisConnection } from './connection';
import { GC_LOCK, MSGSET_INDEX } from './keys';
import { asArray, asNumber, asText } from './lua';
import { COLLECT } from './scripts/queue-data';

export const GC_INTERVAL_MS = 60_000;
/** Ids examined per script call. */
export const GC_BUDGET = 500;

const MESSAGES_SUFFIX = '.messages';

export class GarbageCollector {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly redis: RedisConnection,
    private readonly logger: Logger,
  ) {}

  start(intervalMs = GC_INTERVAL_MS): void {
    // unref: a pending gc must never keep the process alive.
    this.timer = setInterval(() => this.periodic(intervalMs), intervalMs).unref();
  }

  /** Stops the timer and waits for a pass in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One full pass over every queue; returns how many ids were removed. */
  async collect(): Promise<number> {
    let removed = 0;
    let min = '-';
    for (;;) {
      // msgset_index scores are all 1: lexicographic paging survives removals during the walk.
      const sets = asArray(await this.redis.command(['ZRANGEBYLEX', MSGSET_INDEX, min, '+', 'LIMIT', '0', '100']));
      if (sets.length === 0) return removed;
      for (const entry of sets) {
        const set = asText(entry)!;
        min = `(${set}`;
        if (set.endsWith(MESSAGES_SUFFIX)) removed += await this.collectQueue(set);
      }
    }
  }

  private async collectQueue(set: string): Promise<number> {
    const claims = `${set.slice(0, -MESSAGES_SUFFIX.length)}.claims`;
    let removed = 0;
    let after = '-inf';
    for (;;) {
      const [count, last] = asArray(
        await this.redis.write(COLLECT, [set, `${set}:expires`, claims, MSGSET_INDEX], [Date.now(), GC_BUDGET, after]),
      );
      removed += asNumber(count);
      after = asText(last) ?? '';
      if (after === '') return removed;
    }
  }

  private periodic(intervalMs: number): void {
    if (this.running) return;
    this.running = (async () => {
      // One server per interval; the lock expires on its own if that server dies.
      const lock = await this.redis.command(['SET', GC_LOCK, randomUUID(), 'NX', 'PX', Math.floor(intervalMs * 0.9)]);
      if (asText(lock) !== 'OK') return;
      const removed = await this.collect();
      if (removed > 0) this.logger.debug({ removed }, 'redis message store: garbage collected');
    })()
      .catch((err: unknown) => {
        // Typically Redis is unreachable right now; the next run catches up.
        this.logger.warn({ err: (err as Error).message }, 'redis message store: garbage collection failed');
      })
      .finally(() => {
        this.running = undefined;
      });
  }
}
