/**
 * `$name` / `${name}` / `${group.name}` substitution, the
 * `string.Template.safe_substitute` that oslo.config runs on every raw value
 * before converting it.
 *
 * Rules reproduced here:
 *   - `\$` is first rewritten to `$$`; `$$` yields a literal `$`;
 *   - an identifier is `[_a-z][._a-z0-9]*` (greedy, so `$a.b` means `a.b`);
 *   - a `$` not followed by an identifier or `{identifier}` is left alone;
 *   - resolving the identifier (and failing for unknown ones) is the
 *     caller's job: see OsloConfig.
 */
/** Returns the replacement text for `name` (`option` or `group.option`); throws if unknown. */
export type ReferenceResolver = (name: string) => string;

const IDENTIFIER = '[_a-z][._a-z0-9]*';
const TEMPLATE = new RegExp(String.raw`\$(?:(\$)|(${IDENTIFIER})|\{(${IDENTIFIER})\})`, 'g');

export function interpolate(text: string, resolve: ReferenceResolver): string {
  if (!text.includes('$')) return text;
  return text
    .split('\\$')
    .join('$$')
    .replace(TEMPLATE, (match, escaped?: string, named?: string, braced?: string) => {
      if (escaped) return '$';
      const name = named ?? braced;
      return name ? resolve(name) : match;
    });
}

/**
 * Substitution of a value that is not plain text (code defaults, option
 * overrides): each string, list item, dict key and dict value is
 * substituted, as oslo does; anything else is returned unchanged.
 */
export function interpolateValue(value: unknown, resolve: ReferenceResolver): unknown {
  const substitute = (item: unknown): unknown => (typeof item === 'string' ? interpolate(item, resolve) : item);
  if (typeof value === 'string') return interpolate(value, resolve);
  if (Array.isArray(value)) return value.map(substitute);
  if (value !== null && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      // defineProperty: a key named `__proto__` must stay data.
      Object.defineProperty(result, interpolate(key, resolve), {
        value: substitute(item),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return result;
  }
  return value;
}
