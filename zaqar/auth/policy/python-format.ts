/**
 * Python's `template % mapping`, as oslo.policy applies it to the right-hand
 * side of `role:` and generic checks (`self.match % target`).
 *
 * Templates are compiled once when a rule is parsed. Applying one walks the
 * pieces left to right like CPython does, so the first problem wins:
 *
 * - a `%(key)s` whose key is absent from the target yields `undefined`
 *   (oslo catches that KeyError and the check is simply false);
 * - a malformed template (`100%`, `%(a`, `%z`) or a value the conversion
 *   cannot format throws PolicyEvaluationError (oslo lets the ValueError /
 *   TypeError escape and the request fails).
 *
 * Supported conversions: `s`, `r`, `a`, `d`/`i`/`u`, with flags, width and
 * precision; a key-less conversion formats the whole target (Python uses the
 * mapping itself as the single positional argument). The numeric conversions
 * `o x X e E f F g G c` are not implemented and abort the evaluation — the
 * target is always empty in Zaqar, so they are unreachable there.
 */
import { PolicyEvaluationError } from './errors';
import { pythonRepr, pythonStr } from '../../common/python';
import type { PolicyTarget } from './credentials';

type Conversion = 's' | 'r' | 'a' | 'd';

interface FieldPiece {
  readonly kind: 'field';
  /** `null` for a key-less conversion (`%s`). */
  readonly key: string | null;
  readonly conversion: Conversion;
  readonly flags: string;
  readonly width: number;
  readonly precision: number | null;
}

type Piece =
  | { readonly kind: 'text'; readonly text: string }
  | FieldPiece
  | { readonly kind: 'error'; readonly message: string };

const FLAG_CHARS = '-+ #0';
const LENGTH_MODIFIERS = 'hlL';
const CONVERSIONS: ReadonlyMap<string, Conversion> = new Map([
  ['s', 's'],
  ['r', 'r'],
  ['a', 'a'],
  ['d', 'd'],
  ['i', 'd'],
  ['u', 'd'],
]);
const UNIMPLEMENTED_CONVERSIONS = 'oxXeEfFgGc';

export class PercentTemplate {
  /** The result when the template has no conversions (and no errors); applying it is free. */
  readonly constant: string | undefined;

  private constructor(
    readonly source: string,
    private readonly pieces: readonly Piece[],
  ) {
    const onlyText = pieces.every((piece) => piece.kind === 'text');
    this.constant = onlyText ? pieces.map((piece) => (piece.kind === 'text' ? piece.text : '')).join('') : undefined;
  }

  static compile(source: string): PercentTemplate {
    return new PercentTemplate(source, parsePieces(source));
  }

  /** `source % target`; `undefined` when a referenced key is missing from the target. */
  apply(target: PolicyTarget): string | undefined {
    if (this.constant !== undefined) return this.constant;
    let out = '';
    let positionalUsed = false;
    for (const piece of this.pieces) {
      if (piece.kind === 'text') {
        out += piece.text;
      } else if (piece.kind === 'error') {
        throw new PolicyEvaluationError(`cannot format "${this.source}": ${piece.message}`);
      } else if (piece.key === null) {
        // Python passes the mapping itself as the one positional argument.
        if (positionalUsed) throw new PolicyEvaluationError(`cannot format "${this.source}": not enough arguments`);
        positionalUsed = true;
        out += formatField(piece, target, this.source);
      } else {
        if (!Object.prototype.hasOwnProperty.call(target, piece.key)) return undefined;
        out += formatField(piece, target[piece.key], this.source);
      }
    }
    return out;
  }
}

function parsePieces(source: string): Piece[] {
  const pieces: Piece[] = [];
  let text = '';
  let i = 0;
  const fail = (message: string): Piece[] => {
    if (text) pieces.push({ kind: 'text', text });
    pieces.push({ kind: 'error', message });
    return pieces;
  };
  while (i < source.length) {
    const char = source[i++];
    if (char !== '%') {
      text += char;
      continue;
    }
    if (i >= source.length) return fail('incomplete format');
    if (source[i] === '%') {
      text += '%';
      i++;
      continue;
    }
    let key: string | null = null;
    if (source[i] === '(') {
      // Nested parentheses belong to the key, as in CPython.
      let depth = 1;
      const start = ++i;
      while (i < source.length && depth > 0) {
        if (source[i] === '(') depth++;
        else if (source[i] === ')') depth--;
        i++;
      }
      if (depth > 0) return fail('incomplete format key');
      key = source.slice(start, i - 1);
    }
    let flags = '';
    while (i < source.length && FLAG_CHARS.includes(source[i])) flags += source[i++];
    if (source[i] === '*') return fail('* wants int');
    let width = 0;
    while (i < source.length && source[i] >= '0' && source[i] <= '9') width = width * 10 + Number(source[i++]);
    let precision: number | null = null;
    if (source[i] === '.') {
      i++;
      if (source[i] === '*') return fail('* wants int');
      precision = 0;
      while (i < source.length && source[i] >= '0' && source[i] <= '9') precision = precision * 10 + Number(source[i++]);
    }
    if (i < source.length && LENGTH_MODIFIERS.includes(source[i])) i++;
    if (i >= source.length) return fail('incomplete format');
    const conversionChar = source[i++];
    const conversion = CONVERSIONS.get(conversionChar);
    if (!conversion) {
      const reason = UNIMPLEMENTED_CONVERSIONS.includes(conversionChar)
        ? `conversion '%${conversionChar}' is not supported by this implementation`
        : `unsupported format character '${conversionChar}'`;
      return fail(reason);
    }
    if (text) pieces.push({ kind: 'text', text });
    text = '';
    pieces.push({ kind: 'field', key, conversion, flags, width, precision });
  }
  if (text) pieces.push({ kind: 'text', text });
  return pieces;
}

function formatField(piece: FieldPiece, value: unknown, source: string): string {
  if (piece.conversion === 'd') return pad(formatInteger(piece, value, source), piece);
  let text = piece.conversion === 's' ? pythonStr(value) : pythonRepr(value, piece.conversion === 'a');
  if (piece.precision !== null) text = Array.from(text).slice(0, piece.precision).join('');
  return pad(text, piece);
}

function formatInteger(piece: FieldPiece, value: unknown, source: string): string {
  let integer: bigint;
  if (typeof value === 'boolean') integer = value ? 1n : 0n;
  else if (typeof value === 'bigint') integer = value;
  else if (typeof value === 'number' && Number.isFinite(value)) integer = BigInt(Math.trunc(value));
  else throw new PolicyEvaluationError(`cannot format "${source}": %d format: a real number is required`);
  const negative = integer < 0n;
  let digits = (negative ? -integer : integer).toString();
  if (piece.precision !== null) digits = digits.padStart(piece.precision, '0');
  const sign = negative ? '-' : piece.flags.includes('+') ? '+' : piece.flags.includes(' ') ? ' ' : '';
  // Unlike C, Python zero-fills the width even when a precision is given ('%05.3d' % -3 == '-0003').
  if (piece.flags.includes('0') && !piece.flags.includes('-')) {
    digits = digits.padStart(piece.width - sign.length, '0');
  }
  return sign + digits;
}

function pad(text: string, piece: FieldPiece): string {
  const length = Array.from(text).length;
  if (length >= piece.width) return text;
  const fill = ' '.repeat(piece.width - length);
  return piece.flags.includes('-') ? text + fill : fill + text;
}
