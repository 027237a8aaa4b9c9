/**
 * The keystone plugin's token cache: token_cache_time (> 0 seconds, 0 =
 * until the token expires, < 0 = off), never past the token's expiry,
 * bounded by entries (least recently used out first), keyed by digest.
 */
import { expect } from 'chai';
import { cacheKey, TokenCache } from '../../../plugins/auth/keystone/token-cache';

describe('auth/keystone: token cache', () => {
  const clock = { now: 1_000_000 };
  const now = (): number => clock.now;
  beforeEach(() => (clock.now = 1_000_000));

  it('keeps a validation for token_cache_time seconds', () => {
    const cache = new TokenCache<string>(300, 10, now);
    cache.set('k', 'v', clock.now + 3_600_000);
    clock.now += 299_999;
    expect(cache.get('k')).to.equal('v');
    clock.now += 1;
    expect(cache.get('k')).to.equal(undefined);
    expect(cache.size).to.equal(0);
  });

  it('never keeps a validation past the token expiry', () => {
    const cache = new TokenCache<string>(300, 10, now);
    cache.set('k', 'v', clock.now + 10_000);
    clock.now += 10_000;
    expect(cache.get('k')).to.equal(undefined);
    cache.set('expired', 'v', clock.now - 1);
    expect(cache.size).to.equal(0);
  });

  it('0 keeps a validation until the token expires; a negative time caches nothing', () => {
    const forever = new TokenCache<string>(0, 10, now);
    forever.set('k', 'v', clock.now + 86_400_000);
    clock.now += 86_399_999;
    expect(forever.get('k')).to.equal('v');
    const off = new TokenCache<string>(-1, 10, now);
    expect(off.enabled).to.equal(false);
    off.set('k', 'v', clock.now + 86_400_000);
    expect(off.get('k')).to.equal(undefined);
  });

  it('holds at most maxEntries, dropping the least recently used', () => {
    const cache = new TokenCache<number>(300, 3, now);
    for (const n of [1, 2, 3]) cache.set(`k${n}`, n, clock.now + 3_600_000);
    expect(cache.get('k1')).to.equal(1); // k1 is now the most recent
    cache.set('k4', 4, clock.now + 3_600_000);
    expect(cache.size).to.equal(3);
    expect(cache.get('k2')).to.equal(undefined);
    expect([cache.get('k1'), cache.get('k3'), cache.get('k4')]).to.deep.equal([1, 3, 4]);
  });

  it('keys entries by SHA-256 of the token, not the token', () => {
    const key = cacheKey('gAAAAABsecret');
    expect(key).to.match(/^[0-9a-f]{64}$/);
    expect(key).not.to.contain('secret');
    expect(cacheKey('gAAAAABsecret')).to.equal(key);
    expect(cacheKey('gAAAAABsecreT')).not.to.equal(key);
  });
});
