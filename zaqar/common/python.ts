/**
 * Python's view of JSON-like JavaScript values, where Zaqar's behaviour
 * depends on it: truthiness (`if metadata.get('_default_message_delay')`),
 * `repr()`/`str()` (error texts, oslo.policy's string comparisons,
 * oslo.config's `$name` substitution) and how `json.dumps` writes floats.
 *
 * JavaScript cannot tell the int `1` from the float `1.0`: integral numbers
 * up to 2^53 are rendered as Python ints, other numbers as floats; callers
 * that know better (an oslo float option) say so.
 */
import { JsonNumber, RawJson } from './json';

/** Python truthiness of a JSON value: 0, "", [], {}, null, false (and undefined) are falsy. */
export function isTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false) return false;
  if (value === 0 || value === '') return false;
  if (value instanceof JsonNumber) return Number(value.text) !== 0;
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof RawJson) return isTruthy(value.value());
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** `repr(float)`: shortest round-trip digits, exponent form below 1e-4 and from 1e16 on; `nan`, `inf`. */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const sign = value < 0 ? '-' : '';
  // toExponential() without an argument yields the shortest round-trip digits, like Python's repr.
  const [mantissa, exponentText] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const magnitude = String(Math.abs(exponent)).padStart(2, '0');
    return `${sign}${digits[0]}${fraction}e${exponent < 0 ? '-' : '+'}${magnitude}`;
  }
  const point = exponent + 1; // digits before the decimal point
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}.0`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** A float as Python's `json.dumps` writes it: `repr()`, but `NaN`, `Infinity`, `-Infinity`. */
export function pythonJsonFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  return pythonFloatRepr(value);
}

/** Characters `str.isprintable()` rejects (categories C* and Z* except the ASCII space). */
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

function escapeCodePoint(codePoint: number): string {
  if (codePoint < 0x100) return `\\x${codePoint.toString(16).padStart(2, '0')}`;
  if (codePoint < 0x10000) return `\\u${codePoint.toString(16).padStart(4, '0')}`;
  return `\\U${codePoint.toString(16).padStart(8, '0')}`;
}

/** `repr(str)` (or `ascii(str)` when `asciiOnly`). */
export function pythonStringRepr(text: string, asciiOnly = false): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    const codePoint = char.codePointAt(0) as number;
    if (char === '\\' || char === quote) out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (char !== ' ' && NON_PRINTABLE.test(char)) out += escapeCodePoint(codePoint);
    else if (asciiOnly && codePoint > 0x7f) out += escapeCodePoint(codePoint);
    else out += char;
  }
  return out + quote;
}

function scalarText(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isSafeInteger(value) ? String(value === 0 ? 0 : value) : pythonFloatRepr(value);
  if (typeof value === 'bigint') return value.toString();
  return String(value);
}

/** `repr(value)` (or `ascii(value)` when `asciiOnly`). */
export function pythonRepr(value: unknown, asciiOnly = false): string {
  if (typeof value === 'string') return pythonStringRepr(value, asciiOnly);
  if (Array.isArray(value)) return `[${value.map((item) => pythonRepr(item, asciiOnly)).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, item]) => `${pythonStringRepr(key, asciiOnly)}: ${pythonRepr(item, asciiOnly)}`);
    return `{${entries.join(', ')}}`;
  }
  return scalarText(value);
}

/** `str(value)`. */
export function pythonStr(value: unknown): string {
  return typeof value === 'string' ? value : pythonRepr(value);
}

/** `repr(set(items))` for strings, in first-seen order: `{'a', 'b'}`. */
export function pythonSetRepr(items: Iterable<string>): string {
  return '{' + [...new Set(items)].map((s) => pythonStringRepr(s)).join(', ') + '}';
}
