/**
 * Turns whatever an option's value came as — file text, a command-line
 * string or flag, a code default, a withOverrides value from JSON — into the
 * option's JS type, the way oslo's `opt.type(value)` does for each source.
 */
import { OptionValueError, parseOptionText } from './oslo-types';
import type { OptionSpec, OptionType, OptionValue } from './options';
import { pythonStr } from './python-text';

/**
 * Strings are parsed as file text (oslo-types.ts). Other values must already
 * have the option's JS type, except that numbers and booleans are accepted
 * as strings (`str(value)` in oslo) and list/dict items are stringified.
 */
export function toOptionValue(spec: OptionSpec, raw: unknown): OptionValue {
  if (raw === null || raw === undefined) return spec.type === 'multistring' ? [] : null;
  if (typeof raw === 'string') return spec.type === 'multistring' ? [raw] : parseOptionText(spec, raw);
  switch (spec.type) {
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      break;
    case 'integer':
    case 'port':
      if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
      break;
    case 'float':
      if (typeof raw === 'number') return raw;
      break;
    case 'string':
    case 'host':
      if (typeof raw === 'number' || typeof raw === 'boolean') return pythonStr(raw);
      break;
    case 'list':
    case 'multistring':
      if (Array.isArray(raw) && raw.every(isScalar)) return raw.map((item) => pythonStr(item));
      break;
    case 'dict':
      if (isPlainObject(raw) && Object.values(raw).every(isScalar)) {
        const result: Record<string, string> = {};
        for (const [key, item] of Object.entries(raw)) {
          Object.defineProperty(result, key, { value: pythonStr(item as Scalar), enumerable: true, writable: true, configurable: true });
        }
        return result;
      }
      break;
  }
  throw new OptionValueError(`expected ${describeType(spec.type)}, got ${spec.secret ? typeof raw : describeJs(raw)}`);
}

/**
 * The option type of a value that has no declared option, e.g. a key of a
 * store's `options` overrides that the store does not declare (Zaqar's
 * `zaqar.storage.utils.dynamic_conf` infers it so for a pool's `options`).
 */
export function inferOptionType(value: unknown): OptionType {
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'float';
  if (Array.isArray(value)) return 'list';
  if (isPlainObject(value)) return 'dict';
  return 'string';
}

type Scalar = string | number | boolean;

function isScalar(value: unknown): value is Scalar {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describeType(type: OptionType): string {
  switch (type) {
    case 'string':
      return 'a string';
    case 'boolean':
      return 'a boolean';
    case 'integer':
      return 'an integer';
    case 'float':
      return 'a number';
    case 'port':
      return 'a port number';
    case 'host':
      return 'a host address';
    case 'list':
      return 'a list of strings';
    case 'dict':
      return 'a dict of strings';
    case 'multistring':
      return 'a list of strings';
  }
}

function describeJs(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
