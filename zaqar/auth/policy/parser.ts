/**
 * The policy language parser, ported from oslo_policy/_parser.py.
 *
 * oslo uses a greedy shift-reduce parser: after every shifted token it
 * applies the first reduction whose token pattern matches the end of the
 * stack, repeatedly. That gives `not` > `and` > `or` precedence, left to
 * right, and a result only when the whole rule reduces to one value. The
 * port keeps the same reductions in the same order, so it accepts and
 * rejects exactly the same rules and builds the same trees (including
 * oslo's flattening of `a or (b and c) and d` into `(a or (b and c and d))`).
 *
 * Failures follow oslo: an unparseable rule becomes FalseCheck (logged), an
 * unknown single check without `:` becomes FalseCheck (logged), and a rule
 * that reduces to a bare token (`"quoted"`, `and`) becomes an
 * UnusableRuleCheck, which fails enforcement like oslo's uncallable string.
 */
import {
  AndCheck,
  Check,
  FalseCheck,
  GenericCheck,
  HttpCheck,
  NotCheck,
  OrCheck,
  RoleCheck,
  RuleCheck,
  TrueCheck,
  UnusableRuleCheck,
} from './checks';
import { tokenize } from './tokenizer';
import { silentLogger, type Logger } from '../../common/logger';

/**
 * A rule as a policy file may hold it: policy-language text, `null` (YAML
 * `name:` with no value — always allowed, like ""), or oslo's legacy
 * list-of-lists form (`[["role:a", "role:b"], ["role:c"]]` = (a and b) or c).
 */
export type PolicyRuleSource = string | null | readonly LegacyRuleEntry[];
export type LegacyRuleEntry = string | null | readonly unknown[];

type StackSymbol = 'check' | 'and_expr' | 'or_expr' | '(' | ')' | 'and' | 'or' | 'not' | 'string';
type StackValue = Check | string;

interface Reduction {
  readonly pattern: readonly StackSymbol[];
  readonly reduce: (values: StackValue[]) => [StackSymbol, StackValue];
}

const asCheck = (value: StackValue): Check => value as Check;

/** oslo's ParseState reducers, in the order its metaclass collects them. */
const REDUCTIONS: readonly Reduction[] = [
  // _wrap_check: a parenthesised expression is a check.
  ...(['or_expr', 'and_expr', 'check'] as const).map(
    (inner): Reduction => ({ pattern: ['(', inner, ')'], reduce: (values) => ['check', values[1]] }),
  ),
  // _make_and_expr
  { pattern: ['check', 'and', 'check'], reduce: (v) => ['and_expr', new AndCheck([asCheck(v[0]), asCheck(v[2])])] },
  // _mix_or_and_expr: `a or b and c` — `and` binds tighter, so it takes the or's last operand.
  {
    pattern: ['or_expr', 'and', 'check'],
    reduce: (v) => {
      const operands = (v[0] as OrCheck).rules;
      const last = operands[operands.length - 1];
      const and = last instanceof AndCheck ? new AndCheck([...last.rules, asCheck(v[2])]) : new AndCheck([last, asCheck(v[2])]);
      return ['or_expr', new OrCheck([...operands.slice(0, -1), and])];
    },
  },
  // _extend_and_expr
  { pattern: ['and_expr', 'and', 'check'], reduce: (v) => ['and_expr', new AndCheck([...(v[0] as AndCheck).rules, asCheck(v[2])])] },
  // _make_or_expr
  { pattern: ['and_expr', 'or', 'check'], reduce: (v) => ['or_expr', new OrCheck([asCheck(v[0]), asCheck(v[2])])] },
  { pattern: ['check', 'or', 'check'], reduce: (v) => ['or_expr', new OrCheck([asCheck(v[0]), asCheck(v[2])])] },
  // _extend_or_expr
  { pattern: ['or_expr', 'or', 'check'], reduce: (v) => ['or_expr', new OrCheck([...(v[0] as OrCheck).rules, asCheck(v[2])])] },
  // _make_not_expr
  { pattern: ['not', 'check'], reduce: (v) => ['check', new NotCheck(asCheck(v[1]))] },
];

/** Parses a rule in either syntax (oslo's `parse_rule`). */
export function parseRule(source: PolicyRuleSource, logger: Logger = silentLogger): Check {
  if (typeof source === 'string') return parseTextRule(source, logger);
  if (source === null) return new TrueCheck();
  return parseLegacyListRule(source, logger);
}

/** The policy language (oslo's `_parse_text_rule`). */
export function parseTextRule(rule: string, logger: Logger = silentLogger): Check {
  // Only the empty string allows; a whitespace-only rule has no tokens and fails to parse below.
  if (!rule) return new TrueCheck();

  const symbols: StackSymbol[] = [];
  const values: StackValue[] = [];
  for (const token of tokenize(rule)) {
    symbols.push(token.type);
    values.push(token.type === 'check' ? parseSingleCheck(token.text, logger) : token.text);
    reduceGreedily(symbols, values);
  }

  if (values.length !== 1) {
    logger.error({ rule }, `Failed to understand rule ${rule}`);
    return new FalseCheck();
  }
  const [result] = values;
  if (result instanceof Check) return result;
  logger.error({ rule }, `Rule ${rule} is a bare token, not a check; enforcing it will fail`);
  return new UnusableRuleCheck(result);
}

function reduceGreedily(symbols: StackSymbol[], values: StackValue[]): void {
  for (;;) {
    const reduction = REDUCTIONS.find(({ pattern }) => endsWith(symbols, pattern));
    if (!reduction) return;
    const start = symbols.length - reduction.pattern.length;
    const [symbol, value] = reduction.reduce(values.slice(start));
    symbols.splice(start, reduction.pattern.length, symbol);
    values.splice(start, reduction.pattern.length, value);
  }
}

function endsWith(symbols: readonly StackSymbol[], pattern: readonly StackSymbol[]): boolean {
  const offset = symbols.length - pattern.length;
  return offset >= 0 && pattern.every((symbol, i) => symbols[offset + i] === symbol);
}

/** One check without operators (oslo's `_parse_check`): `@`, `!`, `kind:match`. */
export function parseSingleCheck(text: string, logger: Logger = silentLogger): Check {
  if (text === '!') return new FalseCheck();
  if (text === '@') return new TrueCheck();
  const colon = text.indexOf(':');
  if (colon < 0) {
    logger.error({ rule: text }, `Failed to understand rule ${text}`);
    return new FalseCheck();
  }
  const kind = text.slice(0, colon);
  const match = text.slice(colon + 1);
  switch (kind) {
    // oslo finds http/https through its `oslo.policy.rule_checks` entry points.
    case 'http':
    case 'https':
      logger.warn({ rule: text }, 'Remote (http:/https:) policy checks are not supported; this check always denies');
      return new HttpCheck(kind, match, logger);
    case 'rule':
      return new RuleCheck(match);
    case 'role':
      return new RoleCheck(match);
    default:
      return new GenericCheck(kind, match);
  }
}

/**
 * oslo's `_parse_list_rule`: the outer list is or-ed, each inner list and-ed;
 * the items are single checks (no operators). `[]` allows, a list of only
 * empty entries denies.
 */
export function parseLegacyListRule(rule: readonly LegacyRuleEntry[], logger: Logger = silentLogger): Check {
  if (rule.length === 0) return new TrueCheck();
  const alternatives: Check[] = [];
  for (const entry of rule) {
    // Python skips falsy entries: None, '' and [].
    if (entry === null || entry.length === 0) continue;
    const items: readonly unknown[] = typeof entry === 'string' ? [entry] : entry;
    const checks = items.map((item) => {
      if (typeof item === 'string') return parseSingleCheck(item, logger);
      // oslo's `rule.split(':', 1)` raises on a non-string and the check fails closed.
      logger.error({ rule: item }, `Failed to understand rule ${JSON.stringify(item)}`);
      return new FalseCheck();
    });
    alternatives.push(checks.length === 1 ? checks[0] : new AndCheck(checks));
  }
  if (alternatives.length === 0) return new FalseCheck();
  return alternatives.length === 1 ? alternatives[0] : new OrCheck(alternatives);
}
