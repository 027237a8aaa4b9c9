/**
 * Text → typed value, exactly as oslo.config's types (`oslo_config.types`) do it.
 *
 * This module only PARSES: it turns the (already interpolated) text of one
 * option into a JS value and rejects text that has no meaning for the type
 * ("abc" for an integer, "maybe" for a boolean, a dict pair without ':').
 * Constraints on the parsed value — choices, min/max, the port range, host
 * address syntax — are checked afterwards by the convict formats
 * (convict-formats.ts), which also see values that never were text
 * (code defaults, withOverrides values).
 */
import { isAllowedChoice } from './choices';
import type { OptionSpec, OptionValue } from './options';

/** The text cannot be converted; `reason` is one line, without the location. */
export class OptionValueError extends Error {
  constructor(public readonly reason: string) {
    super(reason);
    this.name = 'OptionValueError';
  }
}

const TRUE_WORDS = ['true', '1', 'on', 'yes'];
const FALSE_WORDS = ['false', '0', 'off', 'no'];

/**
 * Converts the text of a single-valued option. For a multistring option,
 * call it once per assignment: each item is converted like a string.
 */
export function parseOptionText(spec: OptionSpec, text: string): OptionValue {
  switch (spec.type) {
    case 'string':
    case 'multistring':
    case 'host':
      return text;
    case 'boolean':
      return parseBoolean(spec, text);
    case 'integer':
    case 'port':
      return parseInteger(spec, text);
    case 'float':
      return parseFloat(spec, text);
    case 'list':
      return parseList(spec, text);
    case 'dict':
      return parseDict(spec, text);
  }
}

/** How a value appears in an error message; secrets never do. */
export function shown(spec: Pick<OptionSpec, 'secret'>, text: string): string {
  if (spec.secret) return "'****'";
  return `'${text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/'/g, "\\'")}'`;
}

/** Case-insensitive words; no trimming, and the empty value is an error. */
function parseBoolean(spec: OptionSpec, text: string): boolean {
  const word = text.toLowerCase();
  if (TRUE_WORDS.includes(word)) return true;
  if (FALSE_WORDS.includes(word)) return false;
  if (text === '') throw new OptionValueError('empty value is not a valid boolean (use true/false, yes/no, on/off or 1/0)');
  throw new OptionValueError(`invalid boolean ${shown(spec, text)} (use true/false, yes/no, on/off or 1/0)`);
}

/** Python `int()`: surrounding whitespace, a sign, `_` between digits; blank means None. */
function parseInteger(spec: OptionSpec, text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (!/^[+-]?\d+(?:_\d+)*$/.test(trimmed)) throw new OptionValueError(`invalid integer ${shown(spec, text)}`);
  const value = Number(trimmed.replace(/_/g, ''));
  if (!Number.isSafeInteger(value)) throw new OptionValueError(`integer ${shown(spec, text)} is too large`);
  return value;
}

const PY_DIGITS = String.raw`\d(?:_?\d)*`;
const PY_FLOAT = new RegExp(
  String.raw`^[+-]?(?:(?:${PY_DIGITS})?\.${PY_DIGITS}|${PY_DIGITS}\.?)(?:[eE][+-]?${PY_DIGITS})?$`,
);
const PY_FLOAT_SPECIAL = /^([+-]?)(inf|infinity|nan)$/i;

/** Python `float()` syntax, including `inf` and `nan`; blank means None. */
function parseFloat(spec: OptionSpec, text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const special = PY_FLOAT_SPECIAL.exec(trimmed);
  if (special) {
    if (special[2]?.toLowerCase() === 'nan') return Number.NaN;
    return special[1] === '-' ? -Infinity : Infinity;
  }
  if (!PY_FLOAT.test(trimmed)) throw new OptionValueError(`invalid float ${shown(spec, text)}`);
  return Number(trimmed.replace(/_/g, ''));
}

/**
 * Comma-separated items, each trimmed; trailing commas are dropped (oslo
 * uses `rstrip(',')`). No quote stripping per item. An item that fails item
 * validation (here: `choices`) is glued to the next one with its comma, as
 * oslo does; whatever still fails is reported by the convict format.
 */
function parseList(spec: OptionSpec, text: string): string[] {
  const body = text.trim().replace(/,+$/, '');
  if (body === '') return [];
  const parts = body.split(',');
  const items: string[] = [];
  while (parts.length > 0) {
    let item = parts.shift() ?? '';
    while (!isAllowedChoice(spec, item.trim()) && parts.length > 0) item += `,${parts.shift() ?? ''}`;
    items.push(item.trim());
  }
  return items;
}

/**
 * `key:value` pairs separated by commas, split at the first ':' of a pair.
 * A part without ':' is glued to the next part (oslo's retry), so values can
 * never contain a comma: `body:a, b: c` yields the keys `body` and `b`
 * (the trap of the [notification] e-mail templates, whose default bodies
 * contain commas). Duplicate and empty keys are errors; a trailing comma is
 * an error too (unlike lists).
 */
function parseDict(spec: OptionSpec, text: string): Record<string, string> {
  const body = text.trim();
  const result: Record<string, string> = {};
  if (body === '') return result;
  const parts = body.split(',');
  while (parts.length > 0) {
    let pair = parts.shift() ?? '';
    while (!pair.includes(':')) {
      if (parts.length === 0) {
        throw new OptionValueError(`invalid dict ${shown(spec, text)}: expected key:value pairs separated by ','`);
      }
      pair += `,${parts.shift() ?? ''}`;
    }
    const colon = pair.indexOf(':');
    const key = pair.slice(0, colon).trim();
    if (key === '') throw new OptionValueError(`invalid dict ${shown(spec, text)}: empty key`);
    if (Object.prototype.hasOwnProperty.call(result, key)) {
      throw new OptionValueError(`invalid dict ${shown(spec, text)}: duplicate key '${key}'`);
    }
    // defineProperty: a key named `__proto__` must become data, not a prototype.
    Object.defineProperty(result, key, { value: pair.slice(colon + 1).trim(), enumerable: true, writable: true, configurable: true });
  }
  return result;
}
