import { expect } from 'chai';
import { validateRetryPolicy, ValidationFailed, Validator } from '../../../zaqar/api/validation';
import { JsonNumber, parseJsonText } from '../../../zaqar/common/json';
import {
  backoffDelays,
  DEFAULT_RETRY_POLICY,
  MAX_SCHEDULED_RETRIES,
  retryPolicyFor,
  retrySchedule,
  type RetryPolicy,
} from '../../../zaqar/notification/retry-policy';
import { LIMITS } from '../../helpers/limits';
import { PYTHON_SCHEDULES } from './retry-policy-python-cases';

const policy = (overrides: Partial<RetryPolicy>): RetryPolicy => ({ ...DEFAULT_RETRY_POLICY, ...overrides });

describe('notification/retry-policy', () => {
  describe('retrySchedule', () => {
    it('the defaults: 3 immediate, 3 after 5 s, linear 5..25, 3 after 30 s', () => {
      expect(retrySchedule(DEFAULT_RETRY_POLICY)).to.deep.equal([0, 0, 0, 5, 5, 5, 5, 10, 15, 20, 25, 30, 30, 30]);
    });

    it('the back-off sequences for 5 → 30 s', () => {
      const table: [RetryPolicy['retry_backoff_function'], number[]][] = [
        ['linear', [5, 10, 15, 20, 25]],
        ['arithmetic', [5, 7, 12, 20, 30]],
        ['geometric', [5, 7, 12, 19, 30]],
        ['exponential', [5, 7, 12, 19, 30]],
      ];
      for (const [fn, expected] of table) expect(backoffDelays(fn, 5, 30), fn).to.deep.equal(expected);
    });

    describe("agrees with Zaqar's webhook task", () => {
      for (const c of PYTHON_SCHEDULES) {
        const label = `sub ${JSON.stringify(c.sub)}, queue ${JSON.stringify(c.queue)}${c.error ? ` (Python: ${c.error})` : ''}`;
        it(label, () => {
          const ours = retrySchedule(retryPolicyFor({ _retry_policy: c.sub }, { _retry_policy: c.queue }), c.error === 'limit' ? 60 : undefined);
          expect(ours).to.deep.equal(c.schedule);
        });
      }
    });

    it('is cut at MAX_SCHEDULED_RETRIES (or the limit given)', () => {
      expect(retrySchedule(policy({ retries_with_no_delay: 10 ** 12 }))).to.have.length(MAX_SCHEDULED_RETRIES);
      expect(retrySchedule(policy({ maximum_delay_retries: 5000 }))).to.have.length(MAX_SCHEDULED_RETRIES);
      expect(retrySchedule(policy({ minimum_delay: 0, maximum_delay: 10 ** 9, retries_with_no_delay: 0, minimum_delay_retries: 0 }))).to.have.length(
        MAX_SCHEDULED_RETRIES,
      );
      expect(retrySchedule(DEFAULT_RETRY_POLICY, 4)).to.deep.equal([0, 0, 0, 5]);
      expect(retrySchedule(DEFAULT_RETRY_POLICY, 0)).to.deep.equal([]);
    });

    it('back-off edge cases: undefined where Python raises, [] where its range is empty', () => {
      expect(backoffDelays('geometric', 0, 30)).to.equal(undefined); // max / 0
      expect(backoffDelays('exponential', 0, 30)).to.equal(undefined);
      expect(backoffDelays('geometric', 5, -30)).to.equal(undefined); // log10 of a negative ratio
      expect(backoffDelays('geometric', 10, 16)).to.equal(undefined); // x_max = 1
      expect(backoffDelays('arithmetic', 10, 16)).to.equal(undefined); // x_max (x_max - 1) = 0
      expect(backoffDelays('arithmetic', 10, 12)).to.equal(undefined); // x_max = 0
      expect(backoffDelays('geometric', 10, 12)).to.deep.equal([]);
      expect(backoffDelays('arithmetic', 30, 5)).to.deep.equal([]); // x_max < 0
      expect(backoffDelays('linear', 30, 5)).to.deep.equal([]);
      expect(backoffDelays('arithmetic', 0, 30)).to.deep.equal([0, 2, 6, 12, 20, 30]);
    });
  });

  describe('retryPolicyFor', () => {
    const sub = { _retry_policy: { retries_with_no_delay: 1 } };
    const queue = { _retry_policy: { retries_with_no_delay: 2 } };

    it("the subscription's policy when non-empty, else the queue's, else the defaults", () => {
      expect(retryPolicyFor(sub, queue).retries_with_no_delay).to.equal(1);
      expect(retryPolicyFor({ _retry_policy: {} }, queue).retries_with_no_delay).to.equal(2);
      expect(retryPolicyFor({}, queue).retries_with_no_delay).to.equal(2);
      expect(retryPolicyFor(undefined, undefined)).to.deep.equal(DEFAULT_RETRY_POLICY);
    });

    it("the queue's when either policy sets ignore_subscription_override", () => {
      const ignoringSub = { _retry_policy: { retries_with_no_delay: 1, ignore_subscription_override: true } };
      const ignoringQueue = { _retry_policy: { retries_with_no_delay: 2, ignore_subscription_override: true } };
      expect(retryPolicyFor(ignoringSub, queue).retries_with_no_delay).to.equal(2);
      expect(retryPolicyFor(sub, ignoringQueue).retries_with_no_delay).to.equal(2);
      // The queue has no policy: the defaults, not the subscription's.
      expect(retryPolicyFor(ignoringSub, {}).retries_with_no_delay).to.equal(3);
      expect(retryPolicyFor(sub, ignoringQueue).ignore_subscription_override).to.equal(true);
    });

    it('missing keys take the defaults; the rest of the chosen policy is not merged with the other', () => {
      const p = retryPolicyFor({ _retry_policy: { minimum_delay: 2, retry_backoff_function: 'geometric' } }, { _retry_policy: { maximum_delay: 99 } });
      expect(p).to.deep.equal({ ...DEFAULT_RETRY_POLICY, minimum_delay: 2, retry_backoff_function: 'geometric' });
    });

    it('Python ints: booleans are 0/1, integral JsonNumbers count', () => {
      const p = retryPolicyFor({ _retry_policy: { retries_with_no_delay: true, minimum_delay_retries: false, maximum_delay: new JsonNumber('9007199254740993') } }, {});
      expect(p.retries_with_no_delay).to.equal(1);
      expect(p.minimum_delay_retries).to.equal(0);
      expect(p.maximum_delay).to.equal(9007199254740992);
    });

    it('ours: values Zaqar would crash on (null, "", 0.0, [], {}) and non-object policies count as absent', () => {
      const falsy = parseJsonText(
        '{"retries_with_no_delay": null, "minimum_delay_retries": "", "minimum_delay": 0.0, "maximum_delay": [], "maximum_delay_retries": {}, "retry_backoff_function": ""}',
      ) as Record<string, unknown>;
      expect(retryPolicyFor({ _retry_policy: { ...falsy, ignore_subscription_override: false } }, {})).to.deep.equal(DEFAULT_RETRY_POLICY);
      expect(retryPolicyFor({ _retry_policy: [1] }, { _retry_policy: 'x' })).to.deep.equal(DEFAULT_RETRY_POLICY);
      expect(retryPolicyFor({ _retry_policy: null }, { _retry_policy: queue._retry_policy }).retries_with_no_delay).to.equal(2);
      expect(retryPolicyFor({ _retry_policy: { retry_backoff_function: 'cubic' } }, {}).retry_backoff_function).to.equal('linear');
    });
  });

  describe('validateRetryPolicy', () => {
    /** Zaqar's `Validator._validate_retry_policy` on each policy (JSON text, so floats stay floats). */
    const PYTHON_VALIDATION: [string, string][] = [
      ['{}', 'ok'],
      ['[]', 'ok'],
      ['0', 'ok'],
      ['""', 'ok'],
      ['"linear"', 'retry_policy must be a dict.'],
      ['[1]', 'retry_policy must be a dict.'],
      ['{"retries_with_no_delay": "3"}', 'Retry policy: retries_with_no_delay must be a integer.'],
      ['{"retries_with_no_delay": 1.5}', 'Retry policy: retries_with_no_delay must be a integer.'],
      ['{"retries_with_no_delay": 0.0}', 'ok'],
      ['{"retries_with_no_delay": true}', 'ok'],
      ['{"retries_with_no_delay": null}', 'ok'],
      ['{"minimum_delay_retries": [1]}', 'Retry policy: minimum_delay_retries must be a integer.'],
      ['{"minimum_delay": "5"}', 'Retry policy: minimum_delay must be a integer.'],
      ['{"maximum_delay": 30.5}', 'Retry policy: maximum_delay must be a integer.'],
      ['{"maximum_delay_retries": {"a": 1}}', 'Retry policy: maximum_delay_retries must be a integer.'],
      ['{"retry_backoff_function": 1}', 'retry_backoff_function must be a string.'],
      ['{"retry_backoff_function": "Linear"}', 'invalid retry_backoff_function.'],
      ['{"retry_backoff_function": ""}', 'ok'],
      ['{"retry_backoff_function": "exponential"}', 'ok'],
      ['{"ignore_subscription_override": 1}', 'ignore_subscription_override must be a boolean.'],
      ['{"ignore_subscription_override": "yes"}', 'ignore_subscription_override must be a boolean.'],
      ['{"ignore_subscription_override": 0}', 'ok'],
      ['{"ignore_subscription_override": true}', 'ok'],
      ['{"retry_backoff_function": 1, "retries_with_no_delay": "x"}', 'Retry policy: retries_with_no_delay must be a integer.'],
      ['{"ignore_subscription_override": 1, "retry_backoff_function": "nope"}', 'invalid retry_backoff_function.'],
      ['{"maximum_delay_retries": "x", "retry_backoff_function": 1}', 'Retry policy: maximum_delay_retries must be a integer.'],
      ['{"minimum_delay": 30, "maximum_delay": 5}', 'minimum_delay must less than maximum_delay.'],
      ['{"minimum_delay": 31}', 'minimum_delay must less than maximum_delay.'],
      ['{"maximum_delay": 4}', 'minimum_delay must less than maximum_delay.'],
      ['{"minimum_delay": 10, "maximum_delay": 19}', 'invalid minimum_delay and maximum_delay.'],
      ['{"minimum_delay": 10, "maximum_delay": 20}', 'ok'],
      ['{"minimum_delay": 0}', 'ok'],
      ['{"minimum_delay": -100, "maximum_delay": -90}', 'ok'],
      ['{"minimum_delay": false, "maximum_delay": true}', 'invalid minimum_delay and maximum_delay.'],
      ['{"minimum_delay": 0.0}', 'ok'],
      ['{"minimum_delay": 20}', 'ok'],
      ['{"minimum_delay": 21}', 'invalid minimum_delay and maximum_delay.'],
    ];

    for (const [text, expected] of PYTHON_VALIDATION) {
      it(`${text} → ${expected}`, () => {
        const value = parseJsonText(text);
        if (expected === 'ok') expect(() => validateRetryPolicy(value)).not.to.throw();
        else expect(() => validateRetryPolicy(value)).to.throw(ValidationFailed, expected);
      });
    }

    it('ours: a non-number minimum_delay / maximum_delay Zaqar answers 500 for (TypeError) is refused as no integer', () => {
      expect(() => validateRetryPolicy({ minimum_delay: null })).to.throw(ValidationFailed, 'Retry policy: minimum_delay must be a integer.');
      expect(() => validateRetryPolicy({ maximum_delay: '' })).to.throw(ValidationFailed, 'Retry policy: maximum_delay must be a integer.');
      expect(() => validateRetryPolicy({ maximum_delay: [] })).to.throw(ValidationFailed, 'Retry policy: maximum_delay must be a integer.');
    });

    it('the validator applies it to queue metadata (PUT, and PATCH through the same check)', () => {
      const v = new Validator(LIMITS);
      expect(() => v.queueMetadataPutting({ _retry_policy: { retry_backoff_function: 'cubic' } })).to.throw('invalid retry_backoff_function.');
      expect(() => v.retryPolicy({ minimum_delay_retries: 'x' })).to.throw('Retry policy: minimum_delay_retries must be a integer.');
    });
  });
});
