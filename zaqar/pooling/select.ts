/**
 * Weighted choice of a pool (Zaqar's `zaqar.common.storage.select.weighted`):
 * pools with a weight of 0 or less are never chosen; each other pool is
 * chosen with probability weight / total.
 */
import { randomInt } from 'node:crypto';
import type { PoolRecord } from '../storage/interfaces';

/** A pool drawn by weight, or undefined when no pool has a positive weight. `draw(n)` gives an integer in [0, n). */
export function weighted<P extends Pick<PoolRecord, 'weight'>>(pools: readonly P[], draw: (n: number) => number = randomInt): P | undefined {
  const eligible = pools.filter((pool) => pool.weight > 0);
  const total = eligible.reduce((sum, pool) => sum + pool.weight, 0);
  if (total === 0) return undefined;
  let point = draw(total);
  for (const pool of eligible) {
    if (point < pool.weight) return pool;
    point -= pool.weight;
  }
  return eligible[eligible.length - 1];
}
