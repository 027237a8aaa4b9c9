/**
 * Exact JSON beside its BSON form. A message body is stored in `b` and queue
 * metadata in `m` as BSON (Zaqar's layout); when that BSON would not read
 * back as the same JSON text (see bson-json.ts: `2.50`, `-0.0`, keys with
 * `$` or `.`), the exact text is kept in a sidecar field (`bj` / `mj`) that
 * the Python server ignores.
 *
 * A sidecar is only trusted while it still describes the BSON value beside
 * it: if another writer (the Python server updating queue metadata, say)
 * replaced the BSON but not the sidecar, the BSON wins.
 */
import { Double, Int32, Long } from 'mongodb';
import { dumpJson, parseJsonText } from '../../../zaqar/common/json';
import { fromBson, toBson } from './bson-json';

export interface StoredJson {
  bson: unknown;
  /** Present only when `bson` alone would not give the JSON text back. */
  text?: string;
}

/** What to store for a JSON value. */
export function encodeJson(value: unknown): StoredJson {
  const { value: bson, exact } = toBson(value);
  return exact ? { bson } : { bson, text: dumpJson(value) };
}

/** The JSON text of a stored value (bodies: spliced verbatim into responses). */
export function storedJsonText(bson: unknown, text: unknown): string {
  return trustedSidecar(bson, text) ?? dumpJson(fromBson(bson));
}

/** The JSON value of a stored value (metadata: read by the API). */
export function storedJsonValue(bson: unknown, text: unknown): unknown {
  const exact = trustedSidecar(bson, text);
  return exact === undefined ? fromBson(bson) : parseJsonText(exact);
}

function trustedSidecar(bson: unknown, text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    return equivalent(bson, toBson(parseJsonText(text)).value) ? text : undefined;
  } catch {
    return undefined;
  }
}

const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Whether a stored BSON value is what encoding the sidecar gives, up to what
 * storage legitimately changes: the sign of zero, integer widths, and lone
 * surrogates (replaced by U+FFFD in UTF-8).
 */
function equivalent(stored: unknown, encoded: unknown): boolean {
  const a = numeric(stored);
  const b = numeric(encoded);
  if (a !== undefined || b !== undefined) {
    if (a === undefined || b === undefined) return false;
    if (typeof a === 'bigint' && typeof b === 'bigint') return a === b;
    const x = Number(a);
    const y = Number(b);
    return x === y || (Number.isNaN(x) && Number.isNaN(y));
  }
  if (typeof stored === 'string' && typeof encoded === 'string') {
    return stored.replace(LONE_SURROGATES, '\uFFFD') === encoded.replace(LONE_SURROGATES, '\uFFFD');
  }
  if (Array.isArray(stored) || Array.isArray(encoded)) {
    return (
      Array.isArray(stored) &&
      Array.isArray(encoded) &&
      stored.length === encoded.length &&
      stored.every((item, i) => equivalent(item, encoded[i]))
    );
  }
  if (isDocument(stored) && isDocument(encoded)) {
    const keys = Object.keys(stored);
    const otherKeys = Object.keys(encoded);
    return keys.length === otherKeys.length && keys.every((key, i) => key === otherKeys[i] && equivalent(stored[key], encoded[key]));
  }
  return (stored ?? null) === (encoded ?? null);
}

/** Integers as bigint (exact), doubles as number; undefined for non-numbers. */
function numeric(value: unknown): bigint | number | undefined {
  if (value instanceof Int32) return BigInt(value.value);
  if (value instanceof Long) return BigInt(value.toString());
  if (value instanceof Double) return value.value;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (typeof value === 'bigint') return value;
  return undefined;
}

function isDocument(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && numeric(value) === undefined;
}
