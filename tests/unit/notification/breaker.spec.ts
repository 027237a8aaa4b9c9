/**
 * The per-destination circuit breaker's state machine
 * (zaqar/notification/breaker.ts), on a hand-driven clock.
 */
import { expect } from 'chai';
import { CircuitBreakers, destinationOf, type Admission, type BreakerChange } from '../../../zaqar/notification/breaker';

const D = 'http://127.0.0.1:1';

function setup(threshold = 3, maxCooldownMs = 8000) {
  let now = 1_000_000;
  const changes: BreakerChange[] = [];
  const breakers = new CircuitBreakers({ failureThreshold: threshold, baseCooldownMs: 1000, maxCooldownMs }, (c) => changes.push(c), () => now);
  return {
    breakers,
    changes,
    advance(ms: number) {
      now += ms;
    },
  };
}

function failTimes(breakers: CircuitBreakers, n: number): void {
  for (let i = 0; i < n; i++) {
    const a = breakers.admit(D);
    expect(a.admitted).to.equal(true);
    breakers.failure(D, a.admitted && a.probe);
  }
}

function waitOf(a: Admission): number {
  expect(a.admitted).to.equal(false);
  return a.admitted ? -1 : a.waitMs;
}

describe('unit: notification circuit breaker', () => {
  it('stays closed below the threshold, and a success resets the count', () => {
    const { breakers, changes } = setup(3);
    failTimes(breakers, 2);
    breakers.success(D, false);
    failTimes(breakers, 2);
    expect(breakers.state(D)).to.equal('closed');
    expect(breakers.admit(D)).to.deep.equal({ admitted: true, probe: false });
    expect(changes).to.deep.equal([]);
  });

  it('opens after K consecutive failures and refuses attempts until the cool-down ends', () => {
    const { breakers, changes, advance } = setup(3);
    failTimes(breakers, 3);
    expect(breakers.state(D)).to.equal('open');
    expect(changes).to.deep.equal([{ destination: D, state: 'open', cooldownMs: 1000, failures: 3, again: false }]);
    expect(waitOf(breakers.admit(D))).to.equal(1000);
    advance(400);
    expect(waitOf(breakers.admit(D))).to.equal(600);
    expect(breakers.totals).to.deep.include({ open: 1, opened: 1, parked: 2, probes: 0 });
    // Other destinations are not affected.
    expect(breakers.admit('http://127.0.0.1:2').admitted).to.equal(true);
  });

  it('lets one probe through after the cool-down; others wait while it is out; its success closes the breaker', () => {
    const { breakers, changes, advance } = setup(3);
    failTimes(breakers, 3);
    breakers.admit(D);
    advance(1000);
    expect(breakers.admit(D)).to.deep.equal({ admitted: true, probe: true });
    expect(breakers.state(D)).to.equal('half-open');
    expect(waitOf(breakers.admit(D))).to.equal(1000);
    breakers.success(D, true);
    expect(breakers.state(D)).to.equal('closed');
    expect(changes[1]).to.deep.equal({ destination: D, state: 'closed', failures: 3, parked: 2, probes: 1 });
    expect(breakers.admit(D)).to.deep.equal({ admitted: true, probe: false });
    expect(breakers.totals.open).to.equal(0);
  });

  it('a failed probe reopens with a doubled cool-down, capped at the maximum', () => {
    const { breakers, changes, advance } = setup(2, 5000);
    failTimes(breakers, 2);
    const cooldowns = [1000];
    for (let i = 0; i < 5; i++) {
      advance(cooldowns[cooldowns.length - 1]);
      const probe = breakers.admit(D);
      expect(probe).to.deep.equal({ admitted: true, probe: true });
      breakers.failure(D, true);
      cooldowns.push(waitOf(breakers.admit(D)));
    }
    expect(cooldowns).to.deep.equal([1000, 2000, 4000, 5000, 5000, 5000]);
    expect(changes.filter((c) => c.state === 'open' && !c.again)).to.have.length(1);
    expect(changes.filter((c) => c.again)).to.have.length(5);
    // Closing resets: the next outage starts at the first cool-down again.
    advance(5000);
    breakers.admit(D);
    breakers.success(D, true);
    failTimes(breakers, 2);
    expect(waitOf(breakers.admit(D))).to.equal(1000);
  });

  it('failures of attempts admitted before it opened neither extend the cool-down nor count as probes', () => {
    const { breakers, advance } = setup(2);
    const early = [breakers.admit(D), breakers.admit(D), breakers.admit(D)];
    expect(early.every((a) => a.admitted)).to.equal(true);
    breakers.failure(D, false);
    breakers.failure(D, false);
    breakers.failure(D, false);
    expect(waitOf(breakers.admit(D))).to.equal(1000);
    advance(1000);
    expect(breakers.admit(D)).to.deep.equal({ admitted: true, probe: true });
  });

  it('an abandoned probe (shutdown) lets the next attempt probe', () => {
    const { breakers, advance } = setup(1);
    failTimes(breakers, 1);
    advance(1000);
    expect(breakers.admit(D)).to.deep.include({ probe: true });
    breakers.abandon(D, true);
    expect(breakers.admit(D)).to.deep.include({ probe: true });
  });

  it('threshold 0 turns it off', () => {
    const { breakers } = setup(0);
    failTimes(breakers, 50);
    expect(breakers.enabled).to.equal(false);
    expect(breakers.state(D)).to.equal('closed');
  });

  it('keys http(s) subscribers by origin and others by the whole URI', () => {
    expect(destinationOf('http://Hooks.Example.com:80/a?b=1')).to.equal('http://hooks.example.com');
    expect(destinationOf('https://h.example.com:8443/x')).to.equal('https://h.example.com:8443');
    expect(destinationOf('trust+https://h.example.com/x')).to.equal('https://h.example.com');
    expect(destinationOf('mailto:ops@example.com?subject=x')).to.equal('mailto:ops@example.com?subject=x');
  });
});
