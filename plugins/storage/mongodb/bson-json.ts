/**
 * JSON values (zaqar/common/json: plain values, JsonNumber, RawJson) to BSON
 * and back, so that message bodies and queue metadata are stored as Zaqar
 * stores them (real BSON documents, readable by the Python server and by
 * MongoDB queries) yet round-trip exactly through our API.
 *
 * Numbers follow pymongo: integers are Int32 when they fit, else Int64;
 * floats are doubles and read back in Python's `repr` form (`1.0`, `1e+16`),
 * which is what the reference returns for them.
 *
 * Some JSON does not survive that mapping: a float literal whose text is not
 * Python's repr of its value (`2.50`, `1E5`), non-finite numbers (`1e999`
 * is Python's inf; FerretDB cannot store it and they are stored as null),
 * `-0.0` (not every MongoDB-compatible server keeps the sign), lone
 * surrogates (BSON strings are UTF-8), and object keys MongoDB-compatible
 * servers may refuse (`$` prefix, `.` — MongoDB before 5.0 and FerretDB
 * refuse them — and NUL, which BSON cannot encode). For those the encoder flags the value as
 * inexact, such keys are escaped (the replacements MongoDB's documentation
 * recommends), and the caller keeps the exact JSON text beside the BSON
 * value (see `sidecar.ts`).
 */
import { Binary, Decimal128, Double, Int32, Long, ObjectId, Timestamp } from 'mongodb';
import { JsonNumber, RawJson } from '../../../zaqar/common/json';
import { pythonJsonFloat } from '../../../zaqar/common/python';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;


/** pymongo's integer mapping. */
function integer(value: bigint): Int32 | Long {
  return value >= BigInt(INT32_MIN) && value <= BigInt(INT32_MAX) ? new Int32(Number(value)) : Long.fromBigInt(value);
}

/** A key every MongoDB-compatible server stores as is. */
function safeKey(key: string): boolean {
  return !key.startsWith('$') && !key.includes('.') && !key.includes('\u0000');
}

function escapeKey(key: string): string {
  return key.replace(/^\$/, '\uFF04').replace(/\./g, '\uFF0E').replace(/\u0000/g, '\uFFFD');
}

/** Sets an own property (a `__proto__` key must not touch the prototype). */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export interface Encoded {
  value: unknown;
  /** False when reading `value` back would not give the same JSON text. */
  exact: boolean;
}

/** Encodes a JSON value as BSON. */
export function toBson(input: unknown): Encoded {
  let exact = true;
  const encode = (value: unknown): unknown => {
    if (value === null || value === undefined) return null;
    if (value instanceof RawJson) return encode(value.value());
    if (value instanceof JsonNumber) return encodeNumberText(value.text);
    switch (typeof value) {
      case 'string':
        if (LONE_SURROGATE.test(value)) exact = false;
        return value;
      case 'boolean':
        return value;
      case 'number':
        return encodeNumber(value);
      case 'bigint':
        if (value < INT64_MIN || value > INT64_MAX) {
          exact = false;
          return new Double(Number(value));
        }
        return integer(value);
      case 'object':
        break;
      default:
        return null;
    }
    if (Array.isArray(value)) return value.map(encode);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as object)) {
      const item = (value as Record<string, unknown>)[key];
      if (item === undefined) continue; // dumpJson skips it as well
      if (!safeKey(key)) exact = false;
      define(out, safeKey(key) ? key : escapeKey(key), encode(item));
    }
    return out;
  };

  const encodeNumber = (value: number): unknown => {
    // What dumpJson writes for a JS number: String(value), or null.
    if (!Number.isFinite(value)) return null;
    if (Number.isSafeInteger(value)) return integer(BigInt(value));
    if (pythonJsonFloat(value) !== String(value)) exact = false;
    return new Double(value);
  };

  const encodeNumberText = (text: string): unknown => {
    if (/^-?\d+$/.test(text)) {
      const big = BigInt(text);
      if (big >= INT64_MIN && big <= INT64_MAX) {
        if (big.toString() !== text) exact = false; // e.g. -0
        return integer(big);
      }
    }
    const x = Number(text);
    // `1e999` is Python's inf; not every server stores non-finite doubles
    // (FerretDB drops the connection), so the sidecar carries it.
    if (!Number.isFinite(x)) {
      exact = false;
      return null;
    }
    if (pythonJsonFloat(x) !== text || Object.is(x, -0)) exact = false;
    return new Double(x);
  };

  const value = encode(input);
  return { value, exact };
}

/**
 * Decodes a stored BSON value (read with `promoteValues: false`, so numbers
 * keep their BSON type) into a JSON value: Int32 and safe Int64 as numbers,
 * other Int64 and all doubles as JsonNumber. Types JSON does not have
 * (documents written by other tools) get a readable stand-in.
 */
export function fromBson(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isInteger(value) ? value : new JsonNumber(pythonJsonFloat(value));
    case 'bigint':
      return Number.isSafeInteger(Number(value)) ? Number(value) : new JsonNumber(value.toString());
    case 'object':
      break;
    default:
      return null;
  }
  if (value instanceof Int32) return value.value;
  if (value instanceof Double) return new JsonNumber(pythonJsonFloat(value.value));
  if (value instanceof Long) {
    const text = value.toString();
    return Number.isSafeInteger(Number(text)) ? Number(text) : new JsonNumber(text);
  }
  if (value instanceof Decimal128) return new JsonNumber(value.toString());
  if (value instanceof ObjectId) return value.toHexString();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Binary) return value.toString('base64');
  if (value instanceof Timestamp) return value.toString();
  if (value instanceof JsonNumber || value instanceof RawJson) return value;
  if (Array.isArray(value)) return value.map(fromBson);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value as object)) define(out, key, fromBson((value as Record<string, unknown>)[key]));
  return out;
}

/** A numeric BSON field (counters, markers, times) as a JS number, whatever its BSON type. */
export function bsonNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value instanceof Int32 || value instanceof Double) return value.value;
  if (value instanceof Long) return value.toNumber();
  if (typeof value === 'bigint') return Number(value);
  return undefined;
}

/** An integer for a numeric document field: Int32 when it fits (as pymongo writes it), else Int64. */
export function bsonInteger(value: number): Int32 | Long {
  return Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX ? new Int32(value) : Long.fromNumber(value);
}
