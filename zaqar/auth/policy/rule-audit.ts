/**
 * oslo's `Enforcer.check_rules`: finds rules that reference an undefined
 * rule, or that lead into a cycle of `rule:` references. oslo only logs
 * these (an undefined reference is false, or the default rule; a cycle fails
 * the requests that reach it), and so does the enforcer.
 *
 * Unlike oslo's walk, this one also looks below `not` (oslo's only descends
 * into and/or), so `a: not rule:a` is reported too.
 */
import { RuleCheck, type Check } from './checks';

export interface RuleAudit {
  /** Rules referencing a rule that is not defined (default-rule fallback not considered, as in oslo). */
  readonly undefinedReferences: string[];
  /** Rules from which a cycle of references can be reached. */
  readonly cyclicReferences: string[];
}

export function auditRules(rules: ReadonlyMap<string, Check>): RuleAudit {
  const undefinedReferences: string[] = [];
  const cyclicReferences: string[] = [];
  for (const [name, check] of rules) {
    if (referencesUndefined(check, rules)) undefinedReferences.push(name);
    if (reachesCycle(check, rules, new Set())) cyclicReferences.push(name);
  }
  return { undefinedReferences, cyclicReferences };
}

function referencesUndefined(check: Check, rules: ReadonlyMap<string, Check>): boolean {
  if (check instanceof RuleCheck) return !rules.has(check.ruleName);
  return check.children().some((child) => referencesUndefined(child, rules));
}

/** `onPath`: the rule names referenced on the way here (oslo's per-branch `seen`). */
function reachesCycle(check: Check, rules: ReadonlyMap<string, Check>, onPath: ReadonlySet<string>): boolean {
  if (check instanceof RuleCheck) {
    if (onPath.has(check.ruleName)) return true;
    const referenced = rules.get(check.ruleName);
    return referenced !== undefined && reachesCycle(referenced, rules, new Set([...onPath, check.ruleName]));
  }
  return check.children().some((child) => reachesCycle(child, rules, onPath));
}
