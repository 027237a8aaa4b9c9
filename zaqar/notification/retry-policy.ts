/**
 * The webhook retry policy (Zaqar's `zaqar.notification.tasks.webhook`,
 * `WebhookTask._retry_post`, with the defaults of `zaqar.common.consts`):
 * which policy applies to a delivery, and the delays it prescribes. Pure:
 * the notification engine sleeps and retries, notifiers only attempt once.
 *
 * After a failed first attempt Zaqar retries in four phases, stopping at the
 * first success:
 * 1. `retries_with_no_delay` retries at once;
 * 2. `minimum_delay_retries` retries, each after `minimum_delay` seconds;
 * 3. one retry after each delay of the back-off sequence from
 *    `minimum_delay` to `maximum_delay` in steps of `LINEAR_INTERVAL`;
 * 4. `maximum_delay_retries` retries, each after `maximum_delay` seconds.
 *
 * Where Zaqar's task raises part-way (a zero `minimum_delay` under the
 * geometric function divides by zero, a negative delay fails `time.sleep`),
 * its retrying ends there, and so does the schedule here. Where it would
 * raise on a value its validation lets through but that is no integer
 * (`null`, `""`, `0.0`, `[]`, `{}`: falsy, so never type-checked), the key
 * counts as absent here instead.
 *
 * The back-off delays are Python floats truncated to int, so `pow` and
 * `log10` are Python's (zaqar/common/libm.ts), not `Math`'s: one ulp turns
 * a 56 into a 55.
 *
 * Validation of a policy is the API's (zaqar/api/validation.ts,
 * `validateRetryPolicy`); the defaults below are shared with it.
 */
import { isJsonObject, isPyInt, pyIntValue } from '../common/json';
import { log10, pow } from '../common/libm';
import { isTruthy } from '../common/python';

export const BACKOFF_FUNCTIONS = ['linear', 'arithmetic', 'geometric', 'exponential'] as const;
export type BackoffFunction = (typeof BACKOFF_FUNCTIONS)[number];

/** A policy with every key filled in (the keys as clients write them). */
export interface RetryPolicy {
  retries_with_no_delay: number;
  minimum_delay_retries: number;
  /** Seconds. */
  minimum_delay: number;
  /** Seconds. */
  maximum_delay: number;
  maximum_delay_retries: number;
  retry_backoff_function: BackoffFunction;
  ignore_subscription_override: boolean;
}

/** `zaqar.common.consts` (RETRIES_WITH_NO_DELAY, ...) and the webhook task's `'linear'`. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  retries_with_no_delay: 3,
  minimum_delay_retries: 3,
  minimum_delay: 5,
  maximum_delay: 30,
  maximum_delay_retries: 3,
  retry_backoff_function: 'linear',
  ignore_subscription_override: false,
});

/** The back-off step in seconds (`consts.LINEAR_INTERVAL`). */
export const LINEAR_INTERVAL = 5;

/**
 * The most retries a schedule lists (ours): Zaqar's counts are unbounded
 * integers, and a worker of its thread pool would retry for as long as they
 * say. At the default delays this is still more than eight hours of retrying.
 */
export const MAX_SCHEDULED_RETRIES = 1000;

const INTEGER_KEYS = [
  'retries_with_no_delay',
  'minimum_delay_retries',
  'minimum_delay',
  'maximum_delay',
  'maximum_delay_retries',
] as const;

/** A `_retry_policy` as stored: only a JSON object is a policy (Zaqar calls `.get` on it). */
function policyObject(value: unknown): Record<string, unknown> {
  return isJsonObject(value) ? value : {};
}

/**
 * The policy of one subscription's deliveries: the queue's `_retry_policy`
 * when either policy sets `ignore_subscription_override`, else the
 * subscription's `options._retry_policy` if non-empty, else the queue's;
 * missing keys (and values that are no integer) take the defaults.
 */
export function retryPolicyFor(
  subscriptionOptions: Record<string, unknown> | undefined,
  queueMetadata: Record<string, unknown> | undefined,
): RetryPolicy {
  const fromSubscription = policyObject(subscriptionOptions?._retry_policy);
  const fromQueue = policyObject(queueMetadata?._retry_policy);
  const queueWins =
    isTruthy(fromSubscription.ignore_subscription_override) || isTruthy(fromQueue.ignore_subscription_override);
  const chosen = queueWins || !isTruthy(fromSubscription) ? fromQueue : fromSubscription;

  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY };
  for (const key of INTEGER_KEYS) {
    const value = chosen[key];
    if (value !== undefined && isPyInt(value)) policy[key] = pyIntValue(value);
  }
  const backoff = chosen.retry_backoff_function;
  if (BACKOFF_FUNCTIONS.includes(backoff as BackoffFunction)) policy.retry_backoff_function = backoff as BackoffFunction;
  policy.ignore_subscription_override = isTruthy(chosen.ignore_subscription_override);
  return policy;
}

/** Python's `int(x)` on a float: truncation toward zero; NaN and infinities raise there. */
function pyInt(x: number): number | undefined {
  return Number.isFinite(x) ? Math.trunc(x) : undefined;
}

/** Python's `int(a / b)` on ints; division by zero raises there. */
function pyIntDiv(a: number, b: number): number | undefined {
  return b === 0 ? undefined : pyInt(a / b);
}

/** `k = math.pow(10, math.log10(max / min) / (x_max - 1))`, undefined where Python raises. */
function ratio(min: number, max: number, xMax: number): number | undefined {
  if (min === 0) return undefined; // ZeroDivisionError
  const r = max / min;
  if (!(r > 0)) return undefined; // math domain error
  if (xMax - 1 === 0) return undefined; // ZeroDivisionError
  const k = pow(10, log10(r) / (xMax - 1));
  return Number.isFinite(k) ? k : undefined; // OverflowError
}

/** 1..xMax (Python's `range(1, x_max + 1)`), at most `limit` of them. */
function ordinals(xMax: number, limit: number): number[] {
  return Array.from({ length: Math.max(0, Math.min(xMax, limit)) }, (_, i) => i + 1);
}

/**
 * The back-off sequence exactly as the webhook task's `_Linear_function`,
 * `_Arithmetic_function`, `_Geometric_function` and `_Exponential_function`
 * compute it (floats truncated to int), at most `limit` long; undefined
 * where Python raises before yielding anything.
 */
export function backoffDelays(
  fn: BackoffFunction,
  min: number,
  max: number,
  limit = MAX_SCHEDULED_RETRIES,
  step = LINEAR_INTERVAL,
): number[] | undefined {
  if (fn === 'linear') {
    const out: number[] = [];
    for (let d = min; d < max && out.length < limit; d += step) out.push(d);
    return out;
  }
  const xMax = pyIntDiv(max - min, step);
  if (xMax === undefined) return undefined;
  if (fn === 'arithmetic') {
    const denominator = xMax * (xMax - 1);
    if (denominator === 0) return undefined; // ZeroDivisionError
    const d = (2.0 * (max - min)) / denominator;
    return collect(ordinals(xMax, limit).map((a) => min + ((a - 1) * a * d) / 2));
  }
  const k = ratio(min, max, xMax);
  if (k === undefined) return undefined;
  if (fn === 'geometric') return collect(ordinals(xMax, limit).map((a) => min * pow(k, a - 1)));
  const p = min / k;
  return collect(ordinals(xMax, limit).map((a) => p * pow(k, a)));
}

/** The list comprehension's `int(...)`: one value Python cannot convert, and the whole list raises. */
function collect(values: number[]): number[] | undefined {
  const out: number[] = [];
  for (const v of values) {
    const i = pyInt(v);
    if (i === undefined) return undefined;
    out.push(i);
  }
  return out;
}

/**
 * The delays in seconds before each retry after a failed first attempt
 * (0 for an immediate retry), in order, at most `limit` of them. Ends early
 * where Zaqar's task stops with an error: a negative delay
 * (`time.sleep` raises), or a back-off function that raises (its phase and
 * the maximum-delay phase are then never reached).
 */
export function retrySchedule(policy: RetryPolicy, limit = MAX_SCHEDULED_RETRIES): number[] {
  const schedule: number[] = [];
  /** Adds `count` retries after `delay`; false once the schedule is over. */
  const repeat = (count: number, delay: number): boolean => {
    for (let i = 0; i < count; i++) {
      if (schedule.length >= limit || delay < 0) return false;
      schedule.push(delay);
    }
    return schedule.length < limit;
  };
  if (!repeat(policy.retries_with_no_delay, 0)) return schedule;
  if (!repeat(policy.minimum_delay_retries, policy.minimum_delay)) return schedule;
  const backoff = backoffDelays(policy.retry_backoff_function, policy.minimum_delay, policy.maximum_delay, limit);
  if (backoff === undefined) return schedule;
  for (const delay of backoff) if (!repeat(1, delay)) return schedule;
  repeat(policy.maximum_delay_retries, policy.maximum_delay);
  return schedule;
}
