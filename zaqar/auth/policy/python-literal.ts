/**
 * How oslo.policy's GenericCheck reads the left-hand side (`kind`) of a
 * `kind:match` check:
 *
 *     try:
 *         test_value = ast.literal_eval(self.kind)   # a constant?
 *         return match == str(test_value)
 *     except ValueError:
 *         pass                                        # no: a path into creds
 *
 * So `True:%(enabled)s`, `'Member':%(role.name)s` and `1:1` compare constants,
 * while `is_admin:True` or `user.enabled:True` look the kind up in the
 * credentials. A kind that is not even a Python expression (`2fa`, `a..b`,
 * `class`) raises SyntaxError, which oslo does not catch: the enforcement
 * fails.
 *
 * Python literals handled: str (with `r`/`u` prefixes, escapes and implicit
 * concatenation), int (decimal, hex, octal, binary, underscores), float,
 * imaginary numbers, a single leading sign on numbers, True/False/None/`...`.
 * Bytes and containers are not recognised and are treated as
 * credential paths (they can never match there). SyntaxErrors are recognised
 * for kinds made only of identifier characters and dots (empty kinds,
 * digit-led non-numbers, keyword segments) and for unbalanced brackets; any
 * other punctuation is assumed to form a valid non-literal expression
 * (`foo-bar` is `foo - bar` to Python), i.e. a credential path, as in oslo.
 */
import { pythonFloatRepr } from '../../common/python';

export type GenericKind =
  | { readonly type: 'literal'; readonly text: string }
  | { readonly type: 'path'; readonly segments: readonly string[] }
  | { readonly type: 'invalid'; readonly reason: string };

const DIGITS = String.raw`\d(?:_?\d)*`;
const EXPONENT = String.raw`[eE][+-]?${DIGITS}`;
const INTEGER = new RegExp(
  String.raw`^(?:[1-9](?:_?\d)*|0+(?:_?0)*|0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+)$`,
);
const FLOAT = new RegExp(
  String.raw`^(?:(?:${DIGITS})?\.${DIGITS}(?:${EXPONENT})?|${DIGITS}\.(?:${EXPONENT})?|${DIGITS}${EXPONENT})$`,
);
const IMAGINARY = new RegExp(String.raw`^(?:${FLOAT.source.slice(1, -1)}|${DIGITS})[jJ]$`);
const IDENTIFIER_CHARS_ONLY = /^[A-Za-z0-9_.]*$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PYTHON_KEYWORDS = new Set(
  ('False None True and as assert async await break class continue def del elif else except finally for ' +
    'from global if import in is lambda nonlocal not or pass raise return try while with yield').split(' '),
);
const CHAIN_STARTING_KEYWORDS = new Set(['True', 'False', 'None']);
const CONSTANTS: ReadonlyMap<string, string> = new Map([
  ['True', 'True'],
  ['False', 'False'],
  ['None', 'None'],
  ['...', 'Ellipsis'],
]);
const SIMPLE_ESCAPES: ReadonlyMap<string, string> = new Map([
  ['\\', '\\'], ["'", "'"], ['"', '"'], ['a', '\x07'], ['b', '\b'], ['f', '\f'], ['n', '\n'], ['r', '\r'], ['t', '\t'], ['v', '\v'],
]);

export function classifyGenericKind(kind: string): GenericKind {
  const literal = literalEvalToStr(kind);
  if (literal !== undefined) return { type: 'literal', text: literal };
  if ((IDENTIFIER_CHARS_ONLY.test(kind) && !isDottedName(kind)) || hasUnbalancedBrackets(kind)) {
    return { type: 'invalid', reason: `"${kind}" is not a valid Python expression` };
  }
  return { type: 'path', segments: kind.split('.') };
}

const CLOSING_BRACKETS: ReadonlyMap<string, string> = new Map([
  [')', '('],
  [']', '['],
  ['}', '{'],
]);

/** `a)`, `)(x`, `[a`: unbalanced brackets never parse (kinds with quotes are not examined). */
function hasUnbalancedBrackets(kind: string): boolean {
  if (/['"]/.test(kind)) return false;
  const open: string[] = [];
  for (const char of kind) {
    if (char === '(' || char === '[' || char === '{') open.push(char);
    else if (CLOSING_BRACKETS.has(char) && open.pop() !== CLOSING_BRACKETS.get(char)) return true;
  }
  return open.length > 0;
}

/** `a.b.c`, where `True`/`False`/`None` may only start the chain (`True.real` is valid Python, `a.True` is not). */
function isDottedName(kind: string): boolean {
  return kind.split('.').every((segment, index) => {
    if (!IDENTIFIER.test(segment)) return false;
    return !PYTHON_KEYWORDS.has(segment) || (index === 0 && CHAIN_STARTING_KEYWORDS.has(segment));
  });
}

/** `str(ast.literal_eval(expression))` for the literals listed above, else `undefined`. */
export function literalEvalToStr(expression: string): string | undefined {
  const constant = CONSTANTS.get(expression);
  if (constant !== undefined) return constant;
  const sign = expression[0] === '-' || expression[0] === '+' ? expression[0] : '';
  const number = numberLiteralToStr(expression.slice(sign.length), sign === '-');
  if (number !== undefined) return number;
  return sign ? undefined : stringLiteralsValue(expression);
}

function numberLiteralToStr(text: string, negate: boolean): string | undefined {
  if (INTEGER.test(text)) {
    const body = text.replace(/_/g, '');
    const prefixed = /^0[xob]/i.test(body) ? body.slice(0, 2).toLowerCase() + body.slice(2) : body.replace(/^0+(?=\d)/, '');
    const value = BigInt(prefixed);
    return (negate ? -value : value).toString();
  }
  if (FLOAT.test(text)) {
    const value = Number(text.replace(/_/g, ''));
    return pythonFloatRepr(negate ? -value : value);
  }
  if (IMAGINARY.test(text)) {
    const magnitude = Number(text.slice(0, -1).replace(/_/g, ''));
    // repr(complex) drops the ".0" of integral parts; -(0+xj) is (-0-xj).
    const imaginary = `${pythonFloatRepr(magnitude).replace(/\.0$/, '')}j`;
    return negate ? `(-0-${imaginary})` : imaginary;
  }
  return undefined;
}

/** The value of one or more adjacent str literals (`'a' "b"` without spaces, as tokens have none). */
function stringLiteralsValue(text: string): string | undefined {
  let value = '';
  let i = 0;
  if (!text) return undefined;
  while (i < text.length) {
    const literal = readStringLiteral(text, i);
    if (!literal) return undefined;
    value += literal.value;
    i = literal.end;
  }
  return value;
}

function readStringLiteral(text: string, start: number): { value: string; end: number } | undefined {
  let i = start;
  let raw = false;
  if (/[rRuU]/.test(text[i] ?? '')) {
    raw = text[i] === 'r' || text[i] === 'R';
    i++;
  }
  const quote = text[i];
  if (quote !== "'" && quote !== '"') return undefined;
  i++;
  let value = '';
  while (i < text.length && text[i] !== quote) {
    if (text[i] === '\n') return undefined;
    if (text[i] !== '\\') {
      value += text[i++];
      continue;
    }
    if (i + 1 >= text.length) return undefined;
    if (raw) {
      // In a raw string a backslash only stops the next character from ending the literal.
      value += text.slice(i, i + 2);
      i += 2;
      continue;
    }
    const escape = readEscape(text, i + 1);
    if (!escape) return undefined;
    value += escape.value;
    i = escape.end;
  }
  if (i >= text.length) return undefined;
  return { value, end: i + 1 };
}

function readEscape(text: string, start: number): { value: string; end: number } | undefined {
  const char = text[start];
  const simple = SIMPLE_ESCAPES.get(char);
  if (simple !== undefined) return { value: simple, end: start + 1 };
  const octal = /^[0-7]{1,3}/.exec(text.slice(start, start + 3));
  if (octal) return { value: String.fromCodePoint(parseInt(octal[0], 8)), end: start + octal[0].length };
  const hexLength = char === 'x' ? 2 : char === 'u' ? 4 : char === 'U' ? 8 : 0;
  if (hexLength) {
    const hex = text.slice(start + 1, start + 1 + hexLength);
    if (!new RegExp(`^[0-9a-fA-F]{${hexLength}}$`).test(hex)) return undefined;
    const codePoint = parseInt(hex, 16);
    if (codePoint > 0x10ffff) return undefined;
    return { value: String.fromCodePoint(codePoint), end: start + 1 + hexLength };
  }
  // \N{name} needs the Unicode name database: not recognised (treated as a path).
  if (char === 'N') return undefined;
  // Unknown escapes keep their backslash.
  return { value: `\\${char}`, end: start + 1 };
}
