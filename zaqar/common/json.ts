/**
 * JSON as Zaqar (Python) sees it.
 *
 * Python's json module keeps information that JavaScript's JSON.parse drops:
 * `60.0` is a float (and fails Zaqar's "must be a int" checks), integers are
 * exact at any size (Zaqar rejects those outside signed 64 bits), and
 * `json.dumps` writes `", "` / `": "` separators. This module is the one
 * place that reproduces those rules, so every transport and driver agrees.
 *
 * - `parseJson` returns plain JS values, except that a number literal which a
 *   JS number cannot represent faithfully (a float literal, or an integer
 *   outside the safe range) becomes a `JsonNumber` that keeps its text.
 * - `RawJson` wraps already-serialised JSON text so stored message bodies can
 *   be spliced into responses without a parse/serialise round trip.
 * - `dumpJson` serialises like Python's `json.dumps(obj, ensure_ascii=False)`;
 *   `dumpJsonAscii` like `json.dumps(obj)` (used for checksums).
 */
import { parse as losslessParse } from 'lossless-json';

/** A JSON number kept as its literal text (floats and big integers). */
export class JsonNumber {
  constructor(public readonly text: string) {}
  /** True when the literal is an integer (no fraction, no exponent). */
  get isInteger(): boolean {
    return /^-?\d+$/.test(this.text);
  }
  valueOf(): number {
    return Number(this.text);
  }
  toJSON(): number {
    return Number(this.text);
  }
}

/** Serialised JSON text, embedded verbatim by `dumpJson`. */
export class RawJson {
  constructor(public readonly text: string) {}
  /** The parsed value (for code that needs to look inside). */
  value(): unknown {
    return parseJsonText(this.text);
  }
}

/** Raised when a request body is not acceptable JSON. */
export class JsonParseError extends Error {
  constructor(
    message: string,
    /** True when the only problem is an integer outside signed 64 bits. */
    public readonly integerTooLarge = false,
  ) {
    super(message);
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/**
 * Text that may hold a number JSON.parse would change: a digit followed by
 * a fraction or an exponent, or 16+ digits. Matches inside strings only cost
 * the slower parser, never correctness.
 */
const NEEDS_LOSSLESS = /\d[.eE]|\d{16}/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseNumberLiteral(text: string): number | JsonNumber {
  if (/^-?\d+$/.test(text)) {
    const n = Number(text);
    if (Number.isSafeInteger(n)) return n;
    const big = BigInt(text);
    if (big < INT64_MIN || big > INT64_MAX) {
      throw new JsonParseError('JSON contains integer that is too large.', true);
    }
  }
  return new JsonNumber(text);
}

/** A float written in plain decimal notation: in [1e-4, 1e16) JavaScript and Python print those alike. */
const PLAIN_DECIMAL = /^-?\d+\.\d+$/;

/** Whether a number literal comes back from JSON.parse as a value that prints exactly as written, in Python's spelling. */
function literalSurvives(literal: string): boolean {
  const n = Number(literal);
  if (String(n) !== literal) return false;
  if (Number.isSafeInteger(n)) return true;
  const size = Math.abs(n);
  return !Number.isInteger(n) && PLAIN_DECIMAL.test(literal) && size >= 1e-4 && size < 1e16;
}

/**
 * Whether every number in `text` (valid JSON) survives JSON.parse (see
 * literalSurvives): safe integers, and non-integral floats in plain decimal
 * notation already in shortest form. Then JSON.parse loses nothing and the
 * slower lossless parser is not needed (`1.0`, `2.50`, `1e5`, big integers:
 * it is). A character walk that skips strings whole and allocates only the
 * number literals (a regex walk allocated a match per string and doubled
 * the garbage collector's share of a post).
 */
function numbersSurviveJsonParse(text: string): boolean {
  const end = text.length;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < end; i++) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i++;
        else if (d === 34) break;
      }
    } else if (c === 45 /* - */ || (c >= 48 && c <= 57)) {
      let j = i + 1;
      for (; j < end; j++) {
        const d = text.charCodeAt(j);
        // digits, '.', 'e', 'E', '+', '-'
        if (!((d >= 48 && d <= 57) || d === 46 || d === 101 || d === 69 || d === 43 || d === 45)) break;
      }
      if (!literalSurvives(text.slice(i, j))) return false;
      i = j - 1;
    }
  }
  return true;
}

/** Parse JSON text (any top-level value). Throws JsonParseError. */
export function parseJsonText(text: string): unknown {
  try {
    if (!NEEDS_LOSSLESS.test(text)) return JSON.parse(text);
    const fast = JSON.parse(text) as unknown;
    if (numbersSurviveJsonParse(text)) return fast;
    return losslessParse(text, null, parseNumberLiteral);
  } catch (err) {
    if (err instanceof JsonParseError) throw err;
    throw new JsonParseError('Request body could not be parsed.');
  }
}

/**
 * Parse a request body the way Zaqar's transport does: UTF-8, and the top
 * level must be an object or an array.
 */
export function parseJsonBody(body: Buffer | string): unknown {
  let text: string;
  try {
    text = typeof body === 'string' ? body : utf8.decode(body);
  } catch {
    throw new JsonParseError('Request body could not be parsed.');
  }
  const value = parseJsonText(text);
  if (value === null || typeof value !== 'object') {
    throw new JsonParseError('Request body could not be parsed.');
  }
  return value;
}

// ---------------------------------------------------------------------------
// Serialisation

// Python's ensure_ascii escapes every non-ASCII code unit as \uXXXX.
const NON_ASCII = /[\u0080-\uffff]/g;
function asciiEscape(s: string): string {
  return s.replace(NON_ASCII, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

function dumpString(s: string, ascii: boolean): string {
  const quoted = JSON.stringify(s);
  return ascii ? asciiEscape(quoted) : quoted;
}

function dumpValue(value: unknown, ascii: boolean): string {
  switch (typeof value) {
    case 'string':
      return dumpString(value, ascii);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'undefined':
      return 'null';
    case 'object':
      break;
    default:
      return 'null';
  }
  if (value === null) return 'null';
  if (value instanceof RawJson) return ascii ? asciiEscape(value.text) : value.text;
  if (value instanceof JsonNumber) return value.text;
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ', ';
      out += dumpValue(value[i], ascii);
    }
    return out + ']';
  }
  let out = '{';
  let first = true;
  for (const key of Object.keys(value as object)) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined) continue;
    if (!first) out += ', ';
    first = false;
    out += dumpString(key, ascii) + ': ' + dumpValue(v, ascii);
  }
  return out + '}';
}

/** Python `json.dumps(value, ensure_ascii=False)`. */
export function dumpJson(value: unknown): string {
  return dumpValue(value, false);
}

/** Python `json.dumps(value)` (ASCII-escaped); used for message checksums. */
export function dumpJsonAscii(value: unknown): string {
  return dumpValue(value, true);
}

/** Python `isinstance(v, int)`: integers and booleans, never floats. */
export function isPyInt(value: unknown): boolean {
  if (typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isInteger(value);
  return value instanceof JsonNumber && value.isInteger;
}

/** The numeric value of a Python int-like JSON value (booleans are 0/1). */
export function pyIntValue(value: unknown): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  return Number(value);
}

/** A plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof JsonNumber) &&
    !(value instanceof RawJson)
  );
}

/** The JSON body of an HTTP answer, as JSON.parse reads it; undefined when the text is empty or not JSON. */
export function jsonOrUndefined(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
