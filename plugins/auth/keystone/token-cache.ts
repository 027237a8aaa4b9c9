/**
 * Validated tokens, kept in this process (auth_token's in-process token
 * cache, bounded): an entry lives `token_cache_time` seconds from the
 * validation that made it, never past the token's own expiry, and the
 * least recently used entries go first once `maxEntries` are held. Keys
 * are SHA-256 digests of the token (as auth_token's cache keys), so the
 * cache holds no token text of its own.
 *
 * `token_cache_time`: > 0 seconds; 0 = until the token expires (auth_token's
 * in-process cache treats 0 as no time limit); < 0 = nothing is cached.
 * Only successful validations are cached; a token Keystone refused is asked
 * about again next time.
 */
import { createHash } from 'node:crypto';

interface Entry<V> {
  value: V;
  until: number;
}

export function cacheKey(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export class TokenCache<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(
    /** Seconds, with the meaning above. */
    private readonly cacheTime: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.cacheTime >= 0 && this.maxEntries > 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cached value of `key` while it is fresh (refreshing its recency), else undefined. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (entry.until <= this.now()) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Keeps `value` until `cacheTime` from now or `expiresAt` (ms since the epoch), whichever comes first. */
  set(key: string, value: V, expiresAt: number): void {
    if (!this.enabled) return;
    const now = this.now();
    const until = this.cacheTime > 0 ? Math.min(now + this.cacheTime * 1000, expiresAt) : expiresAt;
    if (until <= now) return;
    this.entries.delete(key);
    this.entries.set(key, { value, until });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
