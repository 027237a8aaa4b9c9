/**
 * The check tree of a parsed rule, mirroring oslo_policy/_checks.py.
 *
 * Checks are immutable and built once per rule; `evaluate` only walks the
 * tree. `toString()` renders the tree exactly like the Python classes'
 * `__str__` (`(a or (b and c))`, `not x`, `@`, `!`), which the tests use to
 * compare parse trees with the real oslo.policy.
 *
 * A check that cannot be evaluated throws PolicyEvaluationError (see
 * errors.ts); every place oslo lets an exception escape does so here too.
 */
import { PolicyEvaluationError } from './errors';
import { ABSENT, credentialField, hasKey, isDict, type PolicyCredentials, type PolicyTarget } from './credentials';
import { classifyGenericKind, type GenericKind } from './python-literal';
import { PercentTemplate } from './python-format';
import { pythonStr } from '../../common/python';
import type { Logger } from '../../common/logger';

/** Resolves `rule:name` references (the enforcer, with oslo's default-rule fallback). */
export interface RuleResolver {
  resolveRule(name: string): Check | undefined;
}

/**
 * Nesting limit for `rule:` references. oslo has none of its own: a cyclic
 * definition recurses until Python's RecursionError fails the request. Real
 * policies nest a handful of levels.
 */
export const MAX_RULE_DEPTH = 64;

export abstract class Check {
  /**
   * @param ruleDepth how many `rule:` references led here (cycle guard).
   * @throws PolicyEvaluationError when the check cannot be evaluated.
   */
  abstract evaluate(target: PolicyTarget, creds: PolicyCredentials, rules: RuleResolver, ruleDepth: number): boolean;

  /** oslo's `str(check)`. */
  abstract toString(): string;

  /** Direct sub-checks (for rule analysis). */
  children(): readonly Check[] {
    return [];
  }
}

/** `@` or an empty rule: always allows. */
export class TrueCheck extends Check {
  evaluate(): boolean {
    return true;
  }
  toString(): string {
    return '@';
  }
}

/** `!`, and what every unparseable rule becomes (oslo fails closed). */
export class FalseCheck extends Check {
  evaluate(): boolean {
    return false;
  }
  toString(): string {
    return '!';
  }
}

export class NotCheck extends Check {
  constructor(readonly rule: Check) {
    super();
  }
  evaluate(target: PolicyTarget, creds: PolicyCredentials, rules: RuleResolver, ruleDepth: number): boolean {
    return !this.rule.evaluate(target, creds, rules, ruleDepth);
  }
  toString(): string {
    return `not ${this.rule}`;
  }
  override children(): readonly Check[] {
    return [this.rule];
  }
}

export class AndCheck extends Check {
  constructor(readonly rules: readonly Check[]) {
    super();
  }
  evaluate(target: PolicyTarget, creds: PolicyCredentials, resolver: RuleResolver, ruleDepth: number): boolean {
    for (let i = 0; i < this.rules.length; i++) {
      if (!this.rules[i].evaluate(target, creds, resolver, ruleDepth)) return false;
    }
    return true;
  }
  toString(): string {
    return `(${this.rules.join(' and ')})`;
  }
  override children(): readonly Check[] {
    return this.rules;
  }
}

export class OrCheck extends Check {
  constructor(readonly rules: readonly Check[]) {
    super();
  }
  evaluate(target: PolicyTarget, creds: PolicyCredentials, resolver: RuleResolver, ruleDepth: number): boolean {
    for (let i = 0; i < this.rules.length; i++) {
      if (this.rules[i].evaluate(target, creds, resolver, ruleDepth)) return true;
    }
    return false;
  }
  toString(): string {
    return `(${this.rules.join(' or ')})`;
  }
  override children(): readonly Check[] {
    return this.rules;
  }
}

/** `rule:name`: evaluates another rule; an undefined one falls back to the default rule, else denies. */
export class RuleCheck extends Check {
  constructor(readonly ruleName: string) {
    super();
  }
  evaluate(target: PolicyTarget, creds: PolicyCredentials, rules: RuleResolver, ruleDepth: number): boolean {
    if (ruleDepth >= MAX_RULE_DEPTH) {
      throw new PolicyEvaluationError(`rule:${this.ruleName} nests more than ${MAX_RULE_DEPTH} rule references (cyclic rules?)`);
    }
    const rule = rules.resolveRule(this.ruleName);
    return rule !== undefined && rule.evaluate(target, creds, rules, ruleDepth + 1);
  }
  toString(): string {
    return `rule:${this.ruleName}`;
  }
}

/**
 * `role:name`: the credentials' `roles` contain `name`, compared
 * case-insensitively (oslo lowercases both sides). `name` may use target
 * substitution (`role:%(role)s`); a missing target key makes the check false.
 */
export class RoleCheck extends Check {
  private readonly template: PercentTemplate;
  private readonly constantRole: string | undefined;

  constructor(readonly match: string) {
    super();
    this.template = PercentTemplate.compile(match);
    this.constantRole = this.template.constant?.toLowerCase();
  }

  evaluate(target: PolicyTarget, creds: PolicyCredentials): boolean {
    const wanted = this.constantRole ?? this.template.apply(target)?.toLowerCase();
    if (wanted === undefined || !hasKey(creds, 'roles')) return false;
    const roles: unknown = creds.roles;
    // Python iterates whatever `roles` is: a str yields its characters.
    const candidates: ArrayLike<unknown> | undefined = Array.isArray(roles) || typeof roles === 'string' ? roles : undefined;
    if (candidates === undefined) throw new PolicyEvaluationError(`credential "roles" is not a list: ${pythonStr(roles)}`);
    let found = false;
    for (let i = 0; i < candidates.length; i++) {
      const role = candidates[i];
      // oslo lowercases every role before searching, so any non-string role fails the check.
      if (typeof role !== 'string') throw new PolicyEvaluationError(`credential "roles" holds a non-string: ${pythonStr(role)}`);
      if (!found && role.toLowerCase() === wanted) found = true;
    }
    return found;
  }

  toString(): string {
    return `role:${this.match}`;
  }
}

/**
 * `field:value` (any other kind). The value may substitute target fields
 * (`project_id:%(project_id)s`). The field is either a Python literal, whose
 * `str()` must equal the value (`True:%(enabled)s`), or a dotted path into
 * the credentials (`user.domain:x`); along the path, a list matches when any
 * element does (`roles:admin`, case-sensitive). Values compare as Python
 * `str()` texts, so `is_admin:True` matches a boolean true.
 */
export class GenericCheck extends Check {
  private readonly template: PercentTemplate;
  private readonly field: GenericKind;
  /** The credential path when the field is not a literal. */
  private readonly path: readonly string[];

  constructor(
    readonly kind: string,
    readonly match: string,
  ) {
    super();
    this.template = PercentTemplate.compile(match);
    this.field = classifyGenericKind(kind);
    this.path = this.field.type === 'path' ? this.field.segments : [];
  }

  evaluate(target: PolicyTarget, creds: PolicyCredentials): boolean {
    // oslo substitutes first: a missing target key makes the check false before the field is even looked at.
    const wanted = this.template.constant ?? this.template.apply(target);
    if (wanted === undefined) return false;
    switch (this.field.type) {
      case 'literal':
        return wanted === this.field.text;
      case 'invalid':
        throw new PolicyEvaluationError(this.field.reason);
      case 'path': {
        const first = credentialField(creds, this.path[0]);
        return first !== ABSENT && this.matchAlong(first, 1, wanted);
      }
    }
  }

  /** oslo's `GenericCheck._find_in_dict`, starting from the value at `segments[index - 1]`. */
  private matchAlong(value: unknown, index: number, wanted: string): boolean {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        if (this.matchAt(value[i], index, wanted)) return true;
      }
      return false;
    }
    return this.matchAt(value, index, wanted);
  }

  private matchAt(value: unknown, index: number, wanted: string): boolean {
    if (index === this.path.length) return wanted === pythonStr(value);
    const key = this.path[index];
    // Python indexes whatever it reached; only a dict has string keys (a str or None raises TypeError).
    if (!isDict(value)) throw new PolicyEvaluationError(`cannot look up "${key}" in ${pythonStr(value)} (rule field ${this.kind})`);
    return hasKey(value, key) && this.matchAlong(value[key], index + 1, wanted);
  }

  toString(): string {
    return `${this.kind}:${this.match}`;
  }
}

/**
 * `http:` / `https:` remote checks. oslo POSTs the target and credentials to
 * the URL and allows on a `True` reply. Zaqar's policies do not use them and
 * this implementation has no HTTP client for policy: they parse, but always
 * deny, with a warning (once per check).
 */
export class HttpCheck extends Check {
  private warned = false;

  constructor(
    readonly kind: 'http' | 'https',
    readonly match: string,
    private readonly logger: Logger,
  ) {
    super();
  }

  evaluate(): boolean {
    if (!this.warned) {
      this.warned = true;
      this.logger.warn({ check: this.toString() }, 'Remote (http:/https:) policy checks are not supported; denying');
    }
    return false;
  }

  toString(): string {
    return `${this.kind}:${this.match}`;
  }
}

/**
 * A rule whose parse result is a bare token rather than a check (`"quoted"`,
 * `and`, `(`): oslo's parser returns the raw string, and enforcing it raises
 * because a string is not callable. Evaluating it fails the enforcement.
 */
export class UnusableRuleCheck extends Check {
  constructor(readonly text: string) {
    super();
  }
  evaluate(): boolean {
    throw new PolicyEvaluationError(`rule "${this.text}" is not a check`);
  }
  toString(): string {
    return this.text;
  }
}
