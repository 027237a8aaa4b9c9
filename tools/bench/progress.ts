/**
 * The benchmark's live progress line (stderr a TTY only): per scenario, a
 * line rewritten in place about every 500 ms with the scenario's name,
 * elapsed/total seconds (warm-up marked), msgs/s so far in the measured
 * window, p99 so far and errors.
 *
 * Scenarios report through a `Meter` (BenchOptions.meter); `Progress` is
 * one, with an injectable clock so its formatting and rate maths are
 * testable without real time. Latencies go into a log-bucket histogram
 * (≈2 % resolution), so a p99 every 500 ms costs nothing however many
 * samples the window holds; the exact figures stay those of histogram.ts.
 */

/** What a scenario tells the progress line (every method optional to call; all cheap). */
export interface Meter {
  /** drive() starts: warm-up of `warmupMs`, then a window of `durationMs`. */
  begin(warmupMs: number, durationMs: number): void;
  /** `n` messages counted in the measured window. */
  messages(n: number): void;
  /** One latency sample (ms) counted in the window: the scenario's headline latency. */
  latency(ms: number): void;
  /** One error. */
  error(): void;
}

/** Approximate percentiles: buckets growing by 2 % from 0.01 ms. */
export class LogHistogram {
  private static readonly BASE = 0.01;
  private static readonly GROWTH = Math.log(1.02);
  private readonly buckets = new Map<number, number>();
  private n = 0;

  add(ms: number): void {
    const b = ms <= LogHistogram.BASE ? 0 : Math.ceil(Math.log(ms / LogHistogram.BASE) / LogHistogram.GROWTH);
    this.buckets.set(b, (this.buckets.get(b) ?? 0) + 1);
    this.n++;
  }

  get count(): number {
    return this.n;
  }

  /** The upper edge of the bucket holding the p-th percentile (NaN when empty). */
  percentile(p: number): number {
    if (this.n === 0) return NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * this.n));
    let seen = 0;
    for (const b of [...this.buckets.keys()].sort((x, y) => x - y)) {
      seen += this.buckets.get(b)!;
      if (seen >= rank) return LogHistogram.BASE * Math.exp(b * LogHistogram.GROWTH);
    }
    return NaN;
  }
}

export interface ProgressOptions {
  /** Milliseconds, monotonic (performance.now by default). */
  clock?: () => number;
  /** Where the line goes (process.stderr.write by default). */
  write?: (text: string) => void;
  /** Rewrite interval; 0: no timer (tests call render()). */
  intervalMs?: number;
  /** Terminal width: the line is cut to fit (no wrapping, so \r rewrites it). */
  columns?: number;
}

/** A snapshot of the progress of one scenario. */
export interface ProgressState {
  scenario: string;
  phase: 'setup' | 'warm-up' | 'measuring' | 'done';
  /** Seconds since drive() began (0 before). */
  elapsedS: number;
  totalS: number;
  warmupS: number;
  msgsPerS: number;
  p99Ms: number;
  errors: number;
}

export class Progress implements Meter {
  private readonly clock: () => number;
  private readonly write: (text: string) => void;
  private readonly intervalMs: number;
  private readonly columns: number;
  private timer: NodeJS.Timeout | undefined;
  private scenario = '';
  private began: number | undefined;
  private warmupMs = 0;
  private durationMs = 0;
  private count = 0;
  private errors = 0;
  private latencies = new LogHistogram();
  private shown = false;

  constructor(options: ProgressOptions = {}) {
    this.clock = options.clock ?? (() => performance.now());
    this.write = options.write ?? ((text) => process.stderr.write(text));
    this.intervalMs = options.intervalMs ?? 500;
    this.columns = options.columns || 120;
  }

  /** A new scenario: counters reset, the timer (re)started. */
  start(scenario: string): void {
    this.stop();
    this.scenario = scenario;
    this.began = undefined;
    this.count = 0;
    this.errors = 0;
    this.latencies = new LogHistogram();
    if (this.intervalMs > 0) {
      this.timer = setInterval(() => this.render(), this.intervalMs);
      this.timer.unref();
    }
  }

  begin(warmupMs: number, durationMs: number): void {
    this.began = this.clock();
    this.warmupMs = warmupMs;
    this.durationMs = durationMs;
  }

  messages(n: number): void {
    this.count += n;
  }

  latency(ms: number): void {
    this.latencies.add(ms);
  }

  error(): void {
    this.errors++;
  }

  state(): ProgressState {
    const warmupS = this.warmupMs / 1000;
    const totalS = (this.warmupMs + this.durationMs) / 1000;
    if (this.began === undefined)
      return { scenario: this.scenario, phase: 'setup', elapsedS: 0, totalS, warmupS, msgsPerS: 0, p99Ms: NaN, errors: this.errors };
    const elapsedMs = this.clock() - this.began;
    const measuredMs = Math.min(this.durationMs, Math.max(0, elapsedMs - this.warmupMs));
    const phase = elapsedMs < this.warmupMs ? 'warm-up' : elapsedMs < this.warmupMs + this.durationMs ? 'measuring' : 'done';
    return {
      scenario: this.scenario,
      phase,
      elapsedS: Math.min(elapsedMs, this.warmupMs + this.durationMs) / 1000,
      totalS,
      warmupS,
      msgsPerS: measuredMs > 0 ? (this.count * 1000) / measuredMs : 0,
      p99Ms: this.latencies.percentile(99),
      errors: this.errors,
    };
  }

  /** Rewrites the line in place. */
  render(): void {
    this.write('\r' + formatProgress(this.state()).slice(0, Math.max(20, this.columns - 1)) + '\x1b[K');
    this.shown = true;
  }

  /** Stops the timer and clears the line (the scenario's result line follows). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.shown) this.write('\r\x1b[K');
    this.shown = false;
  }
}

/** `e2e        warm-up 1.5/12 s   …` / `e2e        7.0/12 s   1234 msgs/s  p99 5.31 ms  errors 0`. */
export function formatProgress(s: ProgressState): string {
  const name = s.scenario.padEnd(13);
  if (s.phase === 'setup') return `${name} setting up (pre-fill, connections)…`;
  const clock = `${s.elapsedS.toFixed(1)}/${s.totalS.toFixed(0)} s`;
  if (s.phase === 'warm-up') return `${name} warm-up ${clock.padStart(10)}  (first ${s.warmupS.toFixed(0)} s not counted)  errors ${s.errors}`;
  const p99 = Number.isNaN(s.p99Ms) ? '-' : s.p99Ms < 10 ? s.p99Ms.toFixed(2) : s.p99Ms.toFixed(1);
  return `${name}         ${clock.padStart(10)}  ${s.msgsPerS.toFixed(0).padStart(7)} msgs/s  p99 ${p99} ms  errors ${s.errors}`;
}
