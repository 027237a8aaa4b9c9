/**
 * The policy enforcer: oslo.policy's `Enforcer` as Zaqar uses it
 * (zaqar/transport/acl.py): the in-code defaults registered, operator
 * overrides layered on top, `enforce(rule, {}, ctx.to_dict())` per request.
 *
 * Rules are parsed once, here. `enforce` resolves the rule and walks its
 * check tree, nothing else.
 */
import type { Check, RuleResolver } from './checks';
import { EMPTY_TARGET, type PolicyCredentials, type PolicyTarget } from './credentials';
import { defaultPolicyRules } from './defaults';
import { PolicyEvaluationError } from './errors';
import { loadPolicyFiles, type PolicyFileOptions } from './loader';
import { parseRule, type PolicyRuleSource } from './parser';
import { auditRules } from './rule-audit';
import { silentLogger, type Logger } from '../../common/logger';

/** `[oslo_policy] policy_default_rule`'s default. */
export const DEFAULT_RULE_NAME = 'default';

export interface PolicyEnforcerOptions {
  /** Overrides (e.g. from policy files), replacing defaults of the same name. */
  rules?: Readonly<Record<string, PolicyRuleSource>>;
  /** The registered in-code rules; Zaqar's by default. `{}` registers none. */
  defaults?: Readonly<Record<string, string>>;
  /**
   * The rule used for names that are not defined (also by `rule:name`
   * references), when it is itself defined; otherwise those names deny.
   * Default `default` — which Zaqar does not define. `''` disables it.
   */
  defaultRule?: string;
  logger?: Logger;
}

/** Plain `[oslo_policy]` values for `PolicyEnforcer.fromConfig` (see loader.ts for the search rules). */
export interface PolicyConfigValues extends Omit<PolicyFileOptions, 'logger'> {
  /** `[oslo_policy] policy_default_rule`. */
  defaultRule: string;
}

export class PolicyEnforcer implements RuleResolver {
  private readonly rules = new Map<string, Check>();
  /** The check `resolveRule` falls back to, resolved once (oslo's `Rules.__missing__`). */
  private readonly fallback: Check | undefined;
  private readonly logger: Logger;

  constructor(options: PolicyEnforcerOptions = {}) {
    this.logger = options.logger ?? silentLogger;
    const sources: Array<[string, PolicyRuleSource]> = [
      ...Object.entries(options.defaults ?? defaultPolicyRules()),
      ...Object.entries(options.rules ?? {}),
    ];
    for (const [name, source] of sources) {
      this.rules.set(name, parseRule(source, this.logger.child({ policy: name })));
    }
    const defaultRule = options.defaultRule ?? DEFAULT_RULE_NAME;
    this.fallback = defaultRule ? this.rules.get(defaultRule) : undefined;
    this.warnAboutSuspiciousRules();
  }

  /**
   * Builds an enforcer from `[oslo_policy]` values: Zaqar's defaults, then
   * the policy file, then the policy directories' files.
   *
   * @throws PolicyFileError when a policy file exists but cannot be used.
   */
  static fromConfig(values: PolicyConfigValues, logger: Logger = silentLogger): PolicyEnforcer {
    const { rules, files } = loadPolicyFiles({ ...values, logger });
    if (files.length > 0) logger.info({ files }, 'Loaded policy overrides');
    return new PolicyEnforcer({ rules, defaultRule: values.defaultRule, logger });
  }

  /**
   * Whether `creds` may perform `rule` on `target` (Zaqar always passes an
   * empty target, so `%(...)s` substitutions never match).
   *
   * An undefined rule uses the default rule, else denies. A rule that cannot
   * be evaluated (oslo would raise and fail the request) denies and is logged.
   */
  enforce(rule: string, creds: PolicyCredentials, target: PolicyTarget = EMPTY_TARGET): boolean {
    const check = this.resolveRule(rule);
    if (check === undefined) {
      this.logger.debug({ rule }, `Rule [${rule}] does not exist`);
      return false;
    }
    try {
      return check.evaluate(target, creds, this, 0);
    } catch (error) {
      if (!(error instanceof PolicyEvaluationError)) throw error;
      this.logger.error({ rule, reason: error.message }, `Policy rule ${rule} cannot be evaluated; denying`);
      return false;
    }
  }

  /** The check for `name`, or the default rule's, or `undefined` (oslo's `Rules.__missing__`). */
  resolveRule(name: string): Check | undefined {
    return this.rules.get(name) ?? this.fallback;
  }

  hasRule(name: string): boolean {
    return this.rules.has(name);
  }

  ruleNames(): string[] {
    return [...this.rules.keys()];
  }

  /** A rule as oslo prints it (`(role:a or not role:b)`, `@`, `!`), or `undefined`. */
  describeRule(name: string): string | undefined {
    return this.rules.get(name)?.toString();
  }

  private warnAboutSuspiciousRules(): void {
    const { undefinedReferences, cyclicReferences } = auditRules(this.rules);
    if (undefinedReferences.length > 0) {
      this.logger.warn({ policies: undefinedReferences }, `Policies ${JSON.stringify(undefinedReferences)} reference a rule that is not defined.`);
    }
    if (cyclicReferences.length > 0) {
      this.logger.warn({ policies: cyclicReferences }, `Policies ${JSON.stringify(cyclicReferences)} are part of a cyclical reference.`);
    }
  }
}
