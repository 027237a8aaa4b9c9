/**
 * Python's `str()` / `repr()` / `ascii()` of JSON-like JavaScript values.
 *
 * oslo.policy compares strings produced by Python: a generic check such as
 * `is_admin:True` matches because `str(True) == 'True'`, and `%(key)s`
 * substitutes `str(target[key])`. These helpers reproduce those texts.
 *
 * JavaScript cannot tell the int `1` from the float `1.0`: integral numbers
 * up to 2^53 are rendered as Python ints, others as floats.
 */

/** Characters `str.isprintable()` rejects (categories C* and Z* except the ASCII space). */
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** Python truthiness of a JSON-like value. */
export function pythonTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value !== null && typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

/** `repr(float)`: shortest round-trip digits, exponent form below 1e-4 and from 1e16 on. */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  // toExponential() without an argument yields the shortest round-trip digits, like Python's repr.
  const [mantissa, exponentText] = value.toExponential().split('e');
  const sign = mantissa.startsWith('-') ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const head = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const magnitude = String(Math.abs(exponent)).padStart(2, '0');
    return `${sign}${head}e${exponent < 0 ? '-' : '+'}${magnitude}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const integerPart = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  return `${sign}${integerPart}.${digits.slice(exponent + 1) || '0'}`;
}

/** Integral numbers within 2^53 print as Python ints; anything else as a float (a JS number beyond that is not an exact int anyway). */
function numberText(value: number): string {
  return Number.isSafeInteger(value) ? String(value === 0 ? 0 : value) : pythonFloatRepr(value);
}

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

/** `repr(value)` (or `ascii(value)` when `asciiOnly`). */
export function pythonRepr(value: unknown, asciiOnly = false): string {
  if (typeof value === 'string') return pythonStringRepr(value, asciiOnly);
  if (Array.isArray(value)) return `[${value.map((item) => pythonRepr(item, asciiOnly)).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(
      ([key, item]) => `${pythonStringRepr(key, asciiOnly)}: ${pythonRepr(item, asciiOnly)}`,
    );
    return `{${entries.join(', ')}}`;
  }
  return pythonScalarText(value);
}

/** `str(value)`. */
export function pythonStr(value: unknown): string {
  return typeof value === 'string' ? value : pythonRepr(value);
}

function pythonScalarText(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'bigint') return value.toString();
  return String(value);
}
