/**
 * Per-destination circuit breakers for deliveries (one set per process).
 *
 * A destination is where a subscriber's deliveries go: the origin of an
 * http(s) URL (trust+http(s): of the URL without `trust+`), the whole URI
 * for any other scheme (mailto:…). Several subscriptions to one origin
 * share its breaker.
 *
 *     closed ──K consecutive failures──▶ open (cool-down c)
 *       ▲                                  │ c elapsed
 *       │ probe delivered                  ▼
 *       └──────────────────────────── half-open: one probe at a time
 *                                          │ probe fails
 *                                          ▼
 *                                 open (cool-down min(2c, max))
 *
 * A failure is an attempt whose outcome is `retry`: for webhooks a
 * connection refused or reset, a DNS failure, a timeout, a 5xx. `failed`
 * (a request that can never be sent) says nothing about the destination
 * and neither counts nor resets; `delivered` resets the count.
 *
 * While a breaker is open (and while its probe is out), `admit` says how
 * long to wait instead of letting the attempt happen; the dispatcher parks
 * the delivery in the outbox until then, without counting an attempt.
 * Pure logic with an injectable clock; logging of transitions is the
 * caller's (through `onChange`).
 */

export interface BreakerSettings {
  /** Consecutive failures that open the breaker; 0 turns breakers off. */
  failureThreshold: number;
  /** First cool-down (ms); each failed probe doubles it. */
  baseCooldownMs: number;
  /** Longest cool-down (ms). */
  maxCooldownMs: number;
}

export const DEFAULT_BASE_COOLDOWN_MS = 1000;

export type BreakerState = 'closed' | 'open' | 'half-open';

/** Either go ahead (`probe`: this attempt is the half-open probe) or wait `waitMs` before trying again. */
export type Admission = { admitted: true; probe: boolean } | { admitted: false; waitMs: number };

export interface BreakerChange {
  destination: string;
  state: 'open' | 'closed';
  /** The cool-down just started (open). */
  cooldownMs?: number;
  /** Opened again after a failed probe (not a new outage). */
  again?: boolean;
  /** Failed attempts since the breaker was last closed (or created). */
  failures: number;
  /** Attempts refused (deliveries parked) since the breaker opened (closed). */
  parked?: number;
  /** Probes sent since the breaker opened (closed). */
  probes?: number;
}

interface Breaker {
  state: BreakerState;
  consecutive: number;
  /** Failures since last closed. */
  failures: number;
  cooldownMs: number;
  reopenAt: number;
  probing: boolean;
  parked: number;
  probes: number;
}

export interface BreakerTotals {
  /** Breakers not closed now. */
  open: number;
  /** Times a breaker opened. */
  opened: number;
  /** Attempts refused because a breaker was open (each a parked delivery). */
  parked: number;
  /** Half-open probes sent. */
  probes: number;
}

export class CircuitBreakers {
  private readonly breakers = new Map<string, Breaker>();
  readonly totals: BreakerTotals = { open: 0, opened: 0, parked: 0, probes: 0 };

  constructor(
    private readonly settings: BreakerSettings,
    private readonly onChange: (change: BreakerChange) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.settings.failureThreshold > 0;
  }

  state(destination: string): BreakerState {
    return this.breakers.get(destination)?.state ?? 'closed';
  }

  /** May an attempt to `destination` be made now? */
  admit(destination: string): Admission {
    const b = this.breakers.get(destination);
    if (!this.enabled || b === undefined || b.state === 'closed') return { admitted: true, probe: false };
    const now = this.now();
    if (b.state === 'open' && now >= b.reopenAt) {
      b.state = 'half-open';
    }
    if (b.state === 'half-open' && !b.probing) {
      b.probing = true;
      b.probes++;
      this.totals.probes++;
      return { admitted: true, probe: true };
    }
    b.parked++;
    this.totals.parked++;
    // Open: until the cool-down ends. Probe out: look again after the first cool-down.
    const waitMs = b.state === 'open' ? b.reopenAt - now : this.settings.baseCooldownMs;
    return { admitted: false, waitMs: Math.max(waitMs, 1) };
  }

  /** The attempt admitted by `admit` went through. */
  success(destination: string, probe: boolean): void {
    const b = this.breakers.get(destination);
    if (b === undefined) return;
    if (b.state === 'closed') {
      b.consecutive = 0;
      b.failures = 0;
      this.breakers.delete(destination);
      return;
    }
    // A success while open/half-open: the probe, or an attempt admitted before the breaker opened.
    if (probe) b.probing = false;
    this.totals.open--;
    this.breakers.delete(destination);
    this.onChange({ destination, state: 'closed', failures: b.failures, parked: b.parked, probes: b.probes });
  }

  /** The attempt admitted by `admit` failed transiently (`retry`). */
  failure(destination: string, probe: boolean): void {
    if (!this.enabled) return;
    let b = this.breakers.get(destination);
    if (b === undefined) {
      b = { state: 'closed', consecutive: 0, failures: 0, cooldownMs: 0, reopenAt: 0, probing: false, parked: 0, probes: 0 };
      this.breakers.set(destination, b);
    }
    b.failures++;
    if (b.state === 'closed') {
      b.consecutive++;
      if (b.consecutive >= this.settings.failureThreshold) this.open(destination, b, Math.min(this.settings.baseCooldownMs, this.settings.maxCooldownMs));
      return;
    }
    if (probe) {
      b.probing = false;
      this.open(destination, b, Math.min(b.cooldownMs * 2, this.settings.maxCooldownMs));
    }
    // Else: an attempt admitted before the breaker opened; the breaker already knows.
  }

  /** The attempt admitted as a probe ended without an outcome (shutdown): let another probe go. */
  abandon(destination: string, probe: boolean): void {
    const b = this.breakers.get(destination);
    if (b !== undefined && probe) b.probing = false;
  }

  private open(destination: string, b: Breaker, cooldownMs: number): void {
    const again = b.state !== 'closed';
    if (!again) {
      this.totals.open++;
      this.totals.opened++;
    }
    b.state = 'open';
    b.cooldownMs = cooldownMs;
    b.reopenAt = this.now() + cooldownMs;
    this.onChange({ destination, state: 'open', cooldownMs, failures: b.failures, again });
  }
}

/** The destination a subscriber URI's breaker is keyed by. */
export function destinationOf(subscriber: string): string {
  const uri = subscriber.startsWith('trust+') ? subscriber.slice('trust+'.length) : subscriber;
  if (/^https?:/i.test(uri)) {
    try {
      return new URL(uri).origin;
    } catch {
      return uri;
    }
  }
  return uri;
}
