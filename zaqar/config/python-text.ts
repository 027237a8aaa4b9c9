/**
 * How Python's `str()` renders configuration values.
 *
 * oslo.config substitutes `$name` with `str(value)` of the referenced
 * option (config.md §1.5), and `set_override` turns non-string values into
 * strings the same way. Reproducing it keeps interpolated text identical
 * to the reference: `$debug` gives `True`, a float option 1.0 gives `1.0`,
 * a list gives `['a', 'b']`.
 */
import type { OptionType, OptionValue } from './options';

/** `type` tells a float (`1.0`) from an integer (`1`); JS numbers cannot. */
export function pythonStr(value: OptionValue | undefined, type?: OptionType): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return pythonNumber(value, type === 'float');
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  const entries = Object.entries(value).map(([k, v]) => `${pythonRepr(k)}: ${pythonRepr(v)}`);
  return `{${entries.join(', ')}}`;
}

function pythonNumber(value: number, isFloat: boolean): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const text = String(value);
  return isFloat && Number.isInteger(value) && !text.includes('e') ? `${text}.0` : text;
}

/** `repr()` of a string: single quotes unless the text contains one and no double quote. */
function pythonRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const escaped = text
    .replace(/\\/g, '\\\\')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .split(quote)
    .join(`\\${quote}`);
  return `${quote}${escaped}${quote}`;
}
