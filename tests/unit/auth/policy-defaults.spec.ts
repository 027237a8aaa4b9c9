import { expect } from 'chai';
import { PolicyEnforcer, ZAQAR_POLICY_DEFAULTS, defaultPolicyRules } from '../../../zaqar/auth/policy';
import { contextCreds } from './policy-helpers';

const ADMIN_ONLY = [
  'health:get',
  'pools:get_all',
  'pools:create',
  'pools:get',
  'pools:delete',
  'pools:update',
  'flavors:create',
  'flavors:delete',
  'flavors:update',
];

const OPEN = [
  'queues:get_all', 'queues:create', 'queues:get', 'queues:delete', 'queues:update', 'queues:stats', 'queues:share', 'queues:purge',
  'messages:get_all', 'messages:create', 'messages:get', 'messages:delete', 'messages:delete_all',
  'claims:create', 'claims:get', 'claims:update', 'claims:delete',
  'subscription:get_all', 'subscription:create', 'subscription:get', 'subscription:delete', 'subscription:update', 'subscription:confirm',
  'topics:get_all', 'topics:create', 'topics:get', 'topics:delete', 'topics:update', 'topics:stats', 'topics:purge',
  'ping:get', 'flavors:get_all', 'flavors:get',
];

describe('policy defaults (Zaqar 15)', () => {
  const enforcer = new PolicyEnforcer();

  it('registers exactly the rules of zaqar.common.policies, in its order', () => {
    // Printed by `zaqar.common.policies.list_rules()` of the installed reference.
    expect(ZAQAR_POLICY_DEFAULTS.map((rule) => rule.name)).to.deep.equal([
      'context_is_admin', 'admin_or_owner',
      'claims:create', 'claims:get', 'claims:delete', 'claims:update',
      'flavors:get_all', 'flavors:create', 'flavors:get', 'flavors:delete', 'flavors:update',
      'ping:get', 'health:get',
      'messages:get_all', 'messages:create', 'messages:get', 'messages:delete', 'messages:delete_all',
      'pools:get_all', 'pools:create', 'pools:get', 'pools:delete', 'pools:update',
      'queues:get_all', 'queues:create', 'queues:get', 'queues:delete', 'queues:update', 'queues:stats', 'queues:share', 'queues:purge',
      'subscription:get_all', 'subscription:create', 'subscription:get', 'subscription:delete', 'subscription:update', 'subscription:confirm',
      'topics:get_all', 'topics:create', 'topics:get', 'topics:delete', 'topics:update', 'topics:stats', 'topics:purge',
    ]);
  });

  it("has the check strings of Zaqar's zaqar.common.policies", () => {
    const rules = defaultPolicyRules();
    expect(rules.context_is_admin).to.equal('role:admin');
    expect(rules.admin_or_owner).to.equal('is_admin:True or project_id:%(project_id)s');
    for (const name of ADMIN_ONLY) expect(rules[name], name).to.equal('role:admin');
    for (const name of OPEN) expect(rules[name], name).to.equal('');
    expect(Object.keys(rules)).to.have.length(2 + ADMIN_ONLY.length + OPEN.length);
  });

  it('documents each API rule with its operation', () => {
    const health = ZAQAR_POLICY_DEFAULTS.find((rule) => rule.name === 'health:get');
    expect(health?.operations).to.deep.equal([{ method: 'GET', path: '/v2/health' }]);
    expect(ZAQAR_POLICY_DEFAULTS.filter((rule) => !rule.operations).map((rule) => rule.name)).to.deep.equal([
      'context_is_admin',
      'admin_or_owner',
    ]);
  });

  it('denies health:get without the admin role and allows it with admin in any case', () => {
    expect(enforcer.enforce('health:get', contextCreds())).to.equal(false);
    expect(enforcer.enforce('health:get', contextCreds(['member', 'reader']))).to.equal(false);
    expect(enforcer.enforce('health:get', contextCreds(['admin']))).to.equal(true);
    expect(enforcer.enforce('health:get', contextCreds(['Admin']))).to.equal(true);
  });

  it('allows queues:get to anyone, even without roles or project', () => {
    expect(enforcer.enforce('queues:get', contextCreds())).to.equal(true);
    expect(enforcer.enforce('queues:get', contextCreds([], { project_id: null, project: null }))).to.equal(true);
  });

  it('leaves flavor reads open and flavor writes to admins', () => {
    expect(enforcer.enforce('flavors:get_all', contextCreds())).to.equal(true);
    expect(enforcer.enforce('flavors:get', contextCreds())).to.equal(true);
    expect(enforcer.enforce('flavors:create', contextCreds())).to.equal(false);
    expect(enforcer.enforce('flavors:create', contextCreds(['admin']))).to.equal(true);
  });

  it('allows every open rule to an anonymous caller', () => {
    for (const name of OPEN) expect(enforcer.enforce(name, contextCreds()), name).to.equal(true);
  });

  it('reserves every admin rule to the admin role', () => {
    for (const name of ADMIN_ONLY) {
      expect(enforcer.enforce(name, contextCreds(['member'])), name).to.equal(false);
      expect(enforcer.enforce(name, contextCreds(['ADMIN'])), name).to.equal(true);
    }
  });

  it("never lets admin_or_owner's project check match with Zaqar's empty target", () => {
    expect(enforcer.enforce('admin_or_owner', contextCreds())).to.equal(false);
    expect(enforcer.enforce('admin_or_owner', contextCreds([], { is_admin: true }))).to.equal(true);
    // Only an explicit target can match the owner half.
    expect(enforcer.enforce('admin_or_owner', contextCreds(), { project_id: 'p1' })).to.equal(true);
    expect(enforcer.enforce('context_is_admin', contextCreds(['admin']))).to.equal(true);
  });

  it('denies rules Zaqar does not define (no "default" rule)', () => {
    expect(enforcer.enforce('queues:frobnicate', contextCreds(['admin']))).to.equal(false);
  });
});
