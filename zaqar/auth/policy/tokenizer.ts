/**
 * oslo.policy's `_parse_tokenize`: splits a rule on whitespace, then peels
 * parentheses off the start and end of each piece (parentheses inside a check
 * such as `%(project_id)s` stay put — they never start or end a check).
 */

export type TokenType = '(' | ')' | 'and' | 'or' | 'not' | 'check' | 'string';

export interface RawToken {
  readonly type: TokenType;
  /** For `check`: the check text; for `string`: the text between the quotes; else the token as written. */
  readonly text: string;
}

/**
 * Python's `\s` for str patterns (= `str.isspace()`), which differs from
 * JavaScript's: it includes U+001C..U+001F and U+0085 but not U+FEFF.
 */
const PYTHON_WHITESPACE = /[\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

const OPERATORS = new Set(['and', 'or', 'not']);

export function tokenize(rule: string): RawToken[] {
  const tokens: RawToken[] = [];
  for (const piece of rule.split(PYTHON_WHITESPACE)) {
    if (!piece) continue;
    const withoutLeading = piece.replace(/^\(+/, '');
    for (let i = 0; i < piece.length - withoutLeading.length; i++) tokens.push({ type: '(', text: '(' });
    if (!withoutLeading) continue;

    const clean = withoutLeading.replace(/\)+$/, '');
    const trailing = withoutLeading.length - clean.length;
    const lowered = clean.toLowerCase();
    if (OPERATORS.has(lowered)) {
      tokens.push({ type: lowered as TokenType, text: clean });
    } else if (clean) {
      // oslo tests the quotes on the piece *with* its trailing parentheses, so `'x')` is a check, not a string.
      const quote = withoutLeading[0];
      const quoted = withoutLeading.length >= 2 && (quote === '"' || quote === "'") && withoutLeading.endsWith(quote);
      tokens.push(quoted ? { type: 'string', text: withoutLeading.slice(1, -1) } : { type: 'check', text: clean });
    }
    for (let i = 0; i < trailing; i++) tokens.push({ type: ')', text: ')' });
  }
  return tokens;
}
