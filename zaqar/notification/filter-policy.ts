/**
 * Subscription filter policies (ours, beyond Zaqar): a subscription whose
 * options hold `filter_policy` is notified only of the messages whose body
 * matches it. The semantics are those of Amazon SNS filter policies with
 * the MessageBody scope:
 *
 *     {"type": ["order", "refund"],                  key: any of the conditions
 *      "total": [{"numeric": [">", 0, "<=", 500]}],  keys: all of them
 *      "customer": {"tier": [{"anything-but": "trial"}]}}   nested object ↔ nested body object
 *
 * Conditions (each key's array is OR-ed, the keys AND-ed):
 * - a string, number, boolean or null: equal to the value (numbers compare
 *   by value: `5` equals `5.0`, exactly even beyond 2^53);
 * - `{"prefix": "s"}`, `{"suffix": "s"}`: a string starting / ending so;
 * - `{"anything-but": v}`, `v` one of the values above, a non-empty array of
 *   them, or `{"prefix": "s"}` / `{"suffix": "s"}`: a present value that does
 *   not match `v` (a non-string value never has a prefix, so it matches
 *   `{"anything-but": {"prefix": ...}}`);
 * - `{"numeric": [op, n]}` or `{"numeric": [">" | ">=", low, "<" | "<=", high]}`,
 *   op one of `=` `!=` `<` `<=` `>` `>=`: a number compared so;
 * - `{"exists": true}` / `{"exists": false}`: the key is present (any value,
 *   null included) / absent.
 *
 * A body value that is an array matches when one of its elements does (an
 * array of objects, for a nested policy: when one of the objects does). A
 * missing key matches only `{"exists": false}`. A body that is not a JSON
 * object matches no policy that has a key (SNS does not deliver a body it
 * cannot parse as an object); an empty policy `{}` matches every body.
 *
 * Limits (SNS's): keys nest at most 5 levels deep, and the product of the
 * numbers of conditions of all keys is at most 150.
 */
import { isJsonObject, JsonNumber, RawJson } from '../common/json';

export const FILTER_POLICY_MAX_DEPTH = 5;
export const FILTER_POLICY_MAX_COMBINATIONS = 150;

/** An invalid filter policy; the message is meant for the client (a 400). */
export class FilterPolicyError extends Error {
  constructor(message: string) {
    super(`Filter policy: ${message}`);
    this.name = 'FilterPolicyError';
  }
}

const OPERATORS = ['prefix', 'suffix', 'anything-but', 'numeric', 'exists'] as const;
const COMPARISONS = ['=', '!=', '<', '<=', '>', '>='] as const;
type Comparison = (typeof COMPARISONS)[number];
const LOWER: readonly string[] = ['>', '>='];
const UPPER: readonly string[] = ['<', '<='];

const isNumber = (v: unknown): v is number | JsonNumber => typeof v === 'number' || v instanceof JsonNumber;
const isScalar = (v: unknown): boolean => v === null || typeof v === 'string' || typeof v === 'boolean' || isNumber(v);

// ---------------------------------------------------------------------------
// Exact comparison of JSON numbers

/** A number as sign · 0.digits · 10^exponent, digits without leading or trailing zeros. */
interface Decimal {
  sign: -1 | 0 | 1;
  digits: string;
  exponent: number;
}

const NUMBER_TEXT = /^(-?)(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

function decimal(value: number | JsonNumber): Decimal {
  // String(number) is the shortest text that reads back as the same double.
  const text = value instanceof JsonNumber ? value.text : String(value);
  const m = NUMBER_TEXT.exec(text);
  if (!m) return { sign: 0, digits: '', exponent: 0 }; // not produced by JSON (NaN, Infinity)
  const [, minus, whole, fraction = '', exp = '0'] = m;
  const all = whole + fraction;
  const leading = all.length - all.replace(/^0+/, '').length;
  const digits = all.slice(leading).replace(/0+$/, '');
  if (digits === '') return { sign: 0, digits: '', exponent: 0 };
  return { sign: minus ? -1 : 1, digits, exponent: whole.length - leading + Number(exp) };
}

/** −1, 0 or 1 as a <, = or > b, exactly (no rounding to doubles). */
export function compareJsonNumbers(a: number | JsonNumber, b: number | JsonNumber): number {
  const x = decimal(a);
  const y = decimal(b);
  if (x.sign !== y.sign) return x.sign < y.sign ? -1 : 1;
  if (x.sign === 0) return 0;
  let magnitude: number;
  if (x.exponent !== y.exponent) magnitude = x.exponent < y.exponent ? -1 : 1;
  else {
    const width = Math.max(x.digits.length, y.digits.length);
    const dx = x.digits.padEnd(width, '0');
    const dy = y.digits.padEnd(width, '0');
    magnitude = dx === dy ? 0 : dx < dy ? -1 : 1;
  }
  return magnitude * x.sign;
}

function compares(value: number | JsonNumber, op: Comparison, operand: number | JsonNumber): boolean {
  const c = compareJsonNumbers(value, operand);
  switch (op) {
    case '=':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
  }
}

// ---------------------------------------------------------------------------
// Validation

/** Where in the policy: `"a.b"`. */
const where = (path: readonly string[]): string => JSON.stringify(path.join('.'));

function validateNumeric(operands: unknown, at: string): void {
  const shape = `${at}: numeric must be [operator, number] or [">" or ">=", number, "<" or "<=", number].`;
  if (!Array.isArray(operands) || (operands.length !== 2 && operands.length !== 4)) throw new FilterPolicyError(shape);
  for (let i = 0; i < operands.length; i += 2) {
    if (!(COMPARISONS as readonly unknown[]).includes(operands[i])) {
      throw new FilterPolicyError(`${at}: unknown numeric operator ${JSON.stringify(operands[i])} (known: ${COMPARISONS.join(' ')}).`);
    }
    if (!isNumber(operands[i + 1])) throw new FilterPolicyError(`${at}: numeric operands must be numbers.`);
  }
  if (operands.length === 4) {
    if (!LOWER.includes(operands[0] as string) || !UPPER.includes(operands[2] as string)) throw new FilterPolicyError(shape);
    const c = compareJsonNumbers(operands[1] as number, operands[3] as number);
    if (c > 0 || (c === 0 && (operands[0] === '>' || operands[2] === '<'))) {
      throw new FilterPolicyError(`${at}: the numeric range is empty (its lower bound is not below its upper bound).`);
    }
  }
}

function validateStringOperand(operator: string, operand: unknown, at: string): void {
  if (typeof operand !== 'string') throw new FilterPolicyError(`${at}: ${operator} must be a string.`);
}

/** The one operator of a condition object, or a FilterPolicyError. */
function operatorOf(condition: Record<string, unknown>, at: string): string {
  const keys = Object.keys(condition);
  if (keys.length !== 1) throw new FilterPolicyError(`${at}: a condition object must have exactly one operator (${OPERATORS.join(', ')}).`);
  if (!(OPERATORS as readonly string[]).includes(keys[0])) {
    throw new FilterPolicyError(`${at}: unknown operator ${JSON.stringify(keys[0])} (known: ${OPERATORS.join(', ')}).`);
  }
  return keys[0];
}

function validateAnythingBut(operand: unknown, at: string): void {
  const shape = `${at}: anything-but must be a string, number, boolean or null, a non-empty array of them, or {"prefix": ...} or {"suffix": ...}.`;
  if (isScalar(operand)) return;
  if (Array.isArray(operand)) {
    if (operand.length === 0 || !operand.every(isScalar)) throw new FilterPolicyError(shape);
    return;
  }
  if (!isJsonObject(operand)) throw new FilterPolicyError(shape);
  const keys = Object.keys(operand);
  if (keys.length !== 1 || (keys[0] !== 'prefix' && keys[0] !== 'suffix')) throw new FilterPolicyError(shape);
  validateStringOperand(`anything-but ${keys[0]}`, operand[keys[0]], at);
}

function validateCondition(condition: unknown, at: string): void {
  if (isScalar(condition)) return;
  if (Array.isArray(condition)) throw new FilterPolicyError(`${at}: a condition may not be an array.`);
  if (!isJsonObject(condition)) throw new FilterPolicyError(`${at}: a condition must be a string, number, boolean, null or an operator object.`);
  const operator = operatorOf(condition, at);
  const operand = condition[operator];
  switch (operator) {
    case 'prefix':
    case 'suffix':
      return validateStringOperand(operator, operand, at);
    case 'anything-but':
      return validateAnythingBut(operand, at);
    case 'numeric':
      return validateNumeric(operand, at);
    case 'exists':
      if (typeof operand !== 'boolean') throw new FilterPolicyError(`${at}: exists must be true or false.`);
  }
}

/** Validates one level; returns the number of combinations below it. */
function validateLevel(policy: Record<string, unknown>, path: string[]): number {
  if (path.length >= FILTER_POLICY_MAX_DEPTH) {
    throw new FilterPolicyError(`keys may nest at most ${FILTER_POLICY_MAX_DEPTH} levels deep (${where(path)} goes deeper).`);
  }
  let combinations = 1;
  for (const [key, value] of Object.entries(policy)) {
    const keyPath = [...path, key];
    const at = where(keyPath);
    if (Array.isArray(value)) {
      if (value.length === 0) throw new FilterPolicyError(`${at} must not be an empty array.`);
      for (const condition of value) validateCondition(condition, at);
      combinations *= value.length;
    } else if (isJsonObject(value)) {
      if (Object.keys(value).length === 0) throw new FilterPolicyError(`${at} must not be an empty object.`);
      combinations *= validateLevel(value, keyPath);
    } else {
      throw new FilterPolicyError(`${at} must be an array of conditions or an object of nested keys.`);
    }
    if (combinations > FILTER_POLICY_MAX_COMBINATIONS) {
      throw new FilterPolicyError(
        `more than ${FILTER_POLICY_MAX_COMBINATIONS} combinations (the product of the numbers of conditions of all keys).`,
      );
    }
  }
  return combinations;
}

/** Throws FilterPolicyError (message `Filter policy: ...`) unless `value` is a valid filter policy. */
export function validateFilterPolicy(value: unknown): void {
  if (!isJsonObject(value)) throw new FilterPolicyError('must be an object.');
  validateLevel(value, []);
}

// ---------------------------------------------------------------------------
// Matching

/** A stored body may hold serialised JSON (RawJson): look inside. */
function unwrap(value: unknown): unknown {
  return value instanceof RawJson ? value.value() : value;
}

function equals(condition: unknown, value: unknown): boolean {
  if (isNumber(condition)) return isNumber(value) && compareJsonNumbers(condition, value) === 0;
  return condition === value;
}

/** Does the present, single (non-array) `value` match `condition`? */
function matchesOne(condition: unknown, value: unknown): boolean {
  if (!isJsonObject(condition)) return equals(condition, value);
  const [operator] = Object.keys(condition);
  const operand = condition[operator];
  switch (operator) {
    case 'prefix':
      return typeof value === 'string' && value.startsWith(operand as string);
    case 'suffix':
      return typeof value === 'string' && value.endsWith(operand as string);
    case 'anything-but':
      if (Array.isArray(operand)) return !operand.some((v) => equals(v, value));
      return !matchesOne(operand, value);
    case 'numeric': {
      if (!isNumber(value)) return false;
      const ops = operand as unknown[];
      for (let i = 0; i < ops.length; i += 2) {
        if (!compares(value, ops[i] as Comparison, ops[i + 1] as number | JsonNumber)) return false;
      }
      return true;
    }
    case 'exists':
      return operand === true;
    default:
      return false;
  }
}

function matchesConditions(conditions: readonly unknown[], present: boolean, raw: unknown): boolean {
  if (!present) return conditions.some((c) => isJsonObject(c) && c.exists === false);
  const value = unwrap(raw);
  const candidates = Array.isArray(value) ? value.map(unwrap) : [value];
  return conditions.some((condition) => {
    // `exists` speaks of the key, not of each element of an array.
    if (isJsonObject(condition) && 'exists' in condition) return condition.exists === true;
    return candidates.some((candidate) => matchesOne(condition, candidate));
  });
}

function matchesLevel(policy: Record<string, unknown>, body: Record<string, unknown> | undefined): boolean {
  for (const [key, rule] of Object.entries(policy)) {
    const present = body !== undefined && Object.prototype.hasOwnProperty.call(body, key);
    const raw = present ? body[key] : undefined;
    if (Array.isArray(rule)) {
      if (!matchesConditions(rule, present, raw)) return false;
      continue;
    }
    const nested = rule as Record<string, unknown>;
    const value = unwrap(raw);
    const objects = (Array.isArray(value) ? value.map(unwrap) : [value]).filter(isJsonObject);
    const ok = objects.length ? objects.some((o) => matchesLevel(nested, o)) : matchesLevel(nested, undefined);
    if (!ok) return false;
  }
  return true;
}

/**
 * Whether a message `body` passes a (valid) filter `policy`. `body` as
 * stored or posted: RawJson and JsonNumber values are understood.
 */
export function matchesFilterPolicy(policy: Record<string, unknown>, body: unknown): boolean {
  if (Object.keys(policy).length === 0) return true;
  const value = unwrap(body);
  return isJsonObject(value) && matchesLevel(policy, value);
}
