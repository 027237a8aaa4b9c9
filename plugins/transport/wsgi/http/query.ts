/**
 * Query strings as Zaqar reads them (falcon with `auto_parse_qs_csv = True`
 * and `keep_blank_qs_values = False`):
 *
 * - `?limit=` (blank) counts as absent;
 * - a comma splits a value into a list *before* percent-decoding, so `%2C`
 *   stays inside a value; blank list elements are dropped;
 * - a repeated name accumulates a list (`ids=a&ids=b`).
 */
import { invalidParameter } from './errors';

export type QueryValue = string | string[];

const TRUE_WORDS = new Set(['true', 'True', 't', 'yes', 'y', '1', 'on']);
const FALSE_WORDS = new Set(['false', 'False', 'f', 'no', 'n', '0', 'off']);

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

export class QueryParams {
  private constructor(private readonly params: Map<string, QueryValue>) {}

  static parse(queryString: string): QueryParams {
    const params = new Map<string, QueryValue>();
    if (!queryString) return new QueryParams(params);
    for (const field of queryString.split('&')) {
      const eq = field.indexOf('=');
      const rawKey = eq < 0 ? field : field.slice(0, eq);
      const rawValue = eq < 0 ? '' : field.slice(eq + 1);
      if (!rawValue) continue;
      const key = decode(rawKey);
      const value: QueryValue = rawValue.includes(',')
        ? rawValue.split(',').filter((e) => e !== '').map(decode)
        : decode(rawValue);
      const old = params.get(key);
      if (old === undefined) {
        params.set(key, value);
      } else {
        const list = Array.isArray(old) ? old : [old];
        params.set(key, list.concat(value));
      }
    }
    return new QueryParams(params);
  }

  has(name: string): boolean {
    return this.params.has(name);
  }

  names(): string[] {
    return [...this.params.keys()];
  }

  /** The raw value: a string, or a list when commas or repeats made one. */
  raw(name: string): QueryValue | undefined {
    return this.params.get(name);
  }

  /** A single string (falcon `get_param`: the last element of a list). */
  getString(name: string): string | undefined {
    const value = this.params.get(name);
    if (Array.isArray(value)) return value[value.length - 1];
    return value;
  }

  /** falcon `get_param_as_int`; throws 400 "Invalid parameter". */
  getInt(name: string): number | undefined {
    const value = this.getString(name);
    if (value === undefined) return undefined;
    const trimmed = value.trim();
    if (!/^[+-]?\d+$/.test(trimmed)) {
      throw invalidParameter(name, 'The value must be an integer.');
    }
    return Number(trimmed);
  }

  /** falcon `get_param_as_bool`; throws 400 "Invalid parameter". */
  getBool(name: string): boolean | undefined {
    const value = this.getString(name);
    if (value === undefined) return undefined;
    if (TRUE_WORDS.has(value)) return true;
    if (FALSE_WORDS.has(value)) return false;
    throw invalidParameter(name, 'The value of the parameter must be "true" or "false".');
  }

  /** falcon `get_param_as_list`. */
  getList(name: string): string[] | undefined {
    const value = this.params.get(name);
    if (value === undefined) return undefined;
    return Array.isArray(value) ? value : [value];
  }
}

/** Python `urllib.parse.quote(s, safe='')` as falcon's `to_query_str` uses it. */
function quote(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/**
 * falcon `to_query_str`: `?k=v&...` in insertion order; booleans as
 * `true`/`false`, lists comma-joined with each element quoted; undefined
 * values skipped. Returns '' for no parameters.
 */
export function toQueryString(params: Record<string, string | number | boolean | string[] | undefined>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    let text: string;
    if (typeof value === 'boolean') text = value ? 'true' : 'false';
    else if (Array.isArray(value)) text = value.map(quote).join(',');
    else text = quote(String(value));
    parts.push(`${key}=${text}`);
  }
  return parts.length ? '?' + parts.join('&') : '';
}
