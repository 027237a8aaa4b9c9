import { expect } from 'chai';
import {
  HttpCheck,
  MAX_RULE_DEPTH,
  PolicyEvaluationError,
  parseRule,
  type Check,
  type PolicyCredentials,
  type PolicyTarget,
  type RuleResolver,
} from '../../../zaqar/auth/policy';
import { contextCreds, recordingLogger } from './policy-helpers';

function resolverOf(rules: Record<string, string>, defaultRule?: string): RuleResolver {
  const parsed = new Map<string, Check>(Object.entries(rules).map(([name, text]) => [name, parseRule(text)]));
  const fallback = defaultRule ? parsed.get(defaultRule) : undefined;
  return { resolveRule: (name) => parsed.get(name) ?? fallback };
}

const noRules = resolverOf({});

function check(rule: string, creds: PolicyCredentials, target: PolicyTarget = {}, rules: RuleResolver = noRules): boolean {
  return parseRule(rule).evaluate(target, creds, rules, 0);
}

describe('policy checks', () => {
  describe('role:', () => {
    it('matches the roles case-insensitively on both sides', () => {
      expect(check('role:admin', contextCreds(['Admin']))).to.equal(true);
      expect(check('role:ADMIN', contextCreds(['admin']))).to.equal(true);
      expect(check('role:admin', contextCreds(['member', 'ADMIN']))).to.equal(true);
      expect(check('role:admin', contextCreds(['administrator']))).to.equal(false);
      expect(check('role:admin', contextCreds([]))).to.equal(false);
    });

    it('is false without a roles entry', () => {
      const creds = contextCreds();
      delete (creds as Partial<PolicyCredentials>).roles;
      expect(check('role:admin', creds)).to.equal(false);
    });

    it('substitutes the target (role:%(name)s); a missing key is false', () => {
      expect(check('role:%(wanted)s', contextCreds(['Reader']), { wanted: 'reader' })).to.equal(true);
      expect(check('role:%(wanted)s', contextCreds(['reader']), {})).to.equal(false);
    });

    it('fails the evaluation for a non-string role, as oslo (AttributeError on lower())', () => {
      const creds = contextCreds(['admin', 5 as unknown as string]);
      expect(() => check('role:admin', creds)).to.throw(PolicyEvaluationError);
    });
  });

  describe('rule:', () => {
    const rules = resolverOf({
      admin: 'role:admin',
      admin_or_reader: 'rule:admin or role:reader',
      nested: 'rule:admin_or_reader and not role:banned',
      loop_a: 'rule:loop_b',
      loop_b: 'role:z or rule:loop_a',
    });

    it('evaluates the referenced rule, transitively', () => {
      expect(check('rule:admin', contextCreds(['admin']), {}, rules)).to.equal(true);
      expect(check('rule:nested', contextCreds(['reader']), {}, rules)).to.equal(true);
      expect(check('rule:nested', contextCreds(['reader', 'banned']), {}, rules)).to.equal(false);
    });

    it('is false for an unknown rule', () => {
      expect(check('rule:nope', contextCreds(['admin']), {}, rules)).to.equal(false);
      expect(check('not rule:nope', contextCreds([]), {}, rules)).to.equal(true);
    });

    it('falls back to the default rule for an unknown rule, as oslo does', () => {
      expect(check('rule:nope', contextCreds(['x']), {}, resolverOf({ fallback: 'role:x' }, 'fallback'))).to.equal(true);
      expect(check('rule:nope', contextCreds([]), {}, resolverOf({ fallback: 'role:x' }, 'fallback'))).to.equal(false);
    });

    it('evaluates a cyclic definition as long as the cycle is not reached', () => {
      expect(check('rule:loop_a', contextCreds(['z']), {}, rules)).to.equal(true);
    });

    it('fails the evaluation when a cycle is reached (oslo: RecursionError)', () => {
      expect(() => check('rule:loop_a', contextCreds([]), {}, rules)).to.throw(PolicyEvaluationError, /cyclic/);
      // The failure is not a "false" a `not` could invert.
      expect(() => check('not rule:loop_a', contextCreds([]), {}, rules)).to.throw(PolicyEvaluationError);
    });

    it('allows references nested up to MAX_RULE_DEPTH', () => {
      const chain: Record<string, string> = { r0: 'role:x' };
      for (let i = 1; i < MAX_RULE_DEPTH; i++) chain[`r${i}`] = `rule:r${i - 1}`;
      expect(check(`rule:r${MAX_RULE_DEPTH - 1}`, contextCreds(['x']), {}, resolverOf(chain))).to.equal(true);
    });
  });

  describe('generic field:value', () => {
    it("compares the credential's Python str(): is_admin:True", () => {
      expect(check('is_admin:True', contextCreds([], { is_admin: true }))).to.equal(true);
      expect(check('is_admin:True', contextCreds([], { is_admin: false }))).to.equal(false);
      expect(check('is_admin:False', contextCreds([], { is_admin: false }))).to.equal(true);
      expect(check('is_admin:true', contextCreds([], { is_admin: true }))).to.equal(false);
      expect(check('domain:None', contextCreds())).to.equal(true);
    });

    it('substitutes target values and is false when the key is missing', () => {
      expect(check('project_id:%(project_id)s', contextCreds(), { project_id: 'p1' })).to.equal(true);
      expect(check('project_id:%(project_id)s', contextCreds(), { project_id: 'p2' })).to.equal(false);
      expect(check('project_id:%(project_id)s', contextCreds(), {})).to.equal(false);
      expect(check('is_admin:%(flag)s', contextCreds([], { is_admin: true }), { flag: true })).to.equal(true);
    });

    it('compares literals on the left with the (substituted) value', () => {
      expect(check('True:%(enabled)s', contextCreds(), { enabled: true })).to.equal(true);
      expect(check('True:%(enabled)s', contextCreds(), { enabled: false })).to.equal(false);
      expect(check("'Member':%(role.name)s", contextCreds(), { 'role.name': 'Member' })).to.equal(true);
      // %(role.name)s is a flat target key, not a path.
      expect(check("'Member':%(role.name)s", contextCreds(), { role: { name: 'Member' } })).to.equal(false);
      expect(check('1:1', contextCreds())).to.equal(true);
      expect(check('"a b":x', contextCreds())).to.equal(false);
    });

    it('follows dotted paths into the credentials, matching any element of a list', () => {
      const creds = contextCreds([], { token: { user: { domain: 'd1' }, methods: ['password', 'totp'] }, groups: [{ id: 'g1' }, { id: 'g2' }] });
      expect(check('token.user.domain:d1', creds)).to.equal(true);
      expect(check('token.methods:totp', creds)).to.equal(true);
      expect(check('groups.id:g2', creds)).to.equal(true);
      expect(check('groups.id:g3', creds)).to.equal(false);
      expect(check('token.missing:x', creds)).to.equal(false);
      expect(check('roles:admin', contextCreds(['admin']))).to.equal(true);
      // Unlike role:, a generic match is case-sensitive.
      expect(check('roles:Admin', contextCreds(['admin']))).to.equal(false);
    });

    it('ignores inherited JavaScript properties', () => {
      expect(check('constructor:x', contextCreds())).to.equal(false);
      expect(check('toString:x', contextCreds())).to.equal(false);
      expect(check('hasOwnProperty:x', contextCreds())).to.equal(false);
      expect(check('__proto__:x', contextCreds())).to.equal(false);
      expect(check('token.toString:x', contextCreds([], { token: {} }))).to.equal(false);
    });

    it('fails the evaluation where oslo raises', () => {
      // Indexing a str (TypeError), a non-expression kind (SyntaxError), a broken template (ValueError).
      expect(() => check('user.name:x', contextCreds())).to.throw(PolicyEvaluationError);
      expect(() => check('2fa:True', contextCreds())).to.throw(PolicyEvaluationError);
      expect(() => check('a.class:x', contextCreds())).to.throw(PolicyEvaluationError);
      expect(() => check('user:100%', contextCreds())).to.throw(PolicyEvaluationError);
      expect(() => check('not user.name:x', contextCreds())).to.throw(PolicyEvaluationError);
    });

    it('substitutes before looking at the field: a missing key wins over a broken field', () => {
      expect(check('2fa:%(x)s', contextCreds(), {})).to.equal(false);
    });
  });

  describe('http:', () => {
    it('denies, warning once per check', () => {
      const logger = recordingLogger();
      const remote = new HttpCheck('http', '//policy.example.com/check', logger);
      expect(remote.evaluate()).to.equal(false);
      expect(remote.evaluate()).to.equal(false);
      expect(logger.warn.callCount).to.equal(1);
      expect(check('http://example.com or role:a', contextCreds(['a']))).to.equal(true);
    });
  });
});
