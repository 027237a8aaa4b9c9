/**
 * auth_token's extra checks of a valid token: application-credential access
 * rules (service type, method, path patterns) and token binding modes.
 */
import { expect } from 'chai';
import { accessRulesRefusal, bindRefusal, pathMatches } from '../../../plugins/auth/keystone/token-rules';
import type { TokenInfo } from '../../../plugins/auth/keystone/token-info';

const token = (extra: Partial<TokenInfo>): TokenInfo => ({ userId: 'u', roles: [], expiresAt: 0, auditIds: [], isAdminProject: true, ...extra });

describe('auth/keystone: access rules and token bind', () => {
  it('matches paths as auth_token does: {tag} and * one segment, ** anything', () => {
    expect(pathMatches('/v2/queues/q1/messages', '/v2/queues/{queue_name}/messages')).to.equal(true);
    expect(pathMatches('/v2/queues/q1/messages', '/v2/queues/*/messages')).to.equal(true);
    expect(pathMatches('/v2/queues/q1/x/messages', '/v2/queues/*/messages')).to.equal(false);
    expect(pathMatches('/v2/queues/q1/messages/m1', '/v2/queues/**')).to.equal(true);
    expect(pathMatches('/v2/queues', '/v2/queues/**')).to.equal(false);
    expect(pathMatches('/v2/queuesX', '/v2/queues')).to.equal(false);
    expect(pathMatches('/v2/a.b', '/v2/a.b')).to.equal(true);
    expect(pathMatches('/v2/aXb', '/v2/a.b')).to.equal(false);
  });

  it('lets a restricted credential do only what its rules name for this service type', () => {
    const restricted = token({ accessRules: [{ method: 'GET', path: '/v2/queues/{q}/messages', service: 'messaging' }] });
    const options = { serviceType: 'messaging', withServiceToken: false };
    expect(accessRulesRefusal(restricted, { method: 'GET', path: '/v2/queues/q/messages' }, options)).to.equal(undefined);
    expect(accessRulesRefusal(restricted, { method: 'POST', path: '/v2/queues/q/messages' }, options)).to.be.a('string');
    expect(accessRulesRefusal(restricted, { method: 'GET', path: '/v2/queues' }, options)).to.be.a('string');
    expect(accessRulesRefusal(restricted, { method: 'GET', path: '/v2/queues/q/messages' }, { serviceType: 'compute', withServiceToken: false })).to.be.a('string');
    expect(accessRulesRefusal(restricted, { method: 'GET', path: '/v2/queues/q/messages' }, { withServiceToken: false }), 'no service_type').to.be.a('string');
    expect(accessRulesRefusal(restricted, { method: 'DELETE', path: '/v2/queues/q' }, { ...options, withServiceToken: true }), 'a chain of services').to.equal(undefined);
    expect(accessRulesRefusal(token({}), { method: 'DELETE', path: '/v2/queues/q' }, { withServiceToken: false }), 'unrestricted').to.equal(undefined);
  });

  it('checks token binds by enforce_token_bind', () => {
    const unbound = token({});
    const kerberos = token({ bind: { kerberos: 'user@REALM' } });
    const other = token({ bind: { x509: 'cn=me' } });
    expect(bindRefusal(kerberos, 'disabled')).to.equal(undefined);
    expect(bindRefusal(unbound, 'permissive')).to.equal(undefined);
    expect(bindRefusal(unbound, 'strict')).to.equal(undefined);
    expect(bindRefusal(unbound, 'required')).to.be.a('string');
    expect(bindRefusal(kerberos, 'permissive'), 'no Kerberos authentication reaches this server').to.be.a('string');
    expect(bindRefusal(other, 'permissive')).to.equal(undefined);
    expect(bindRefusal(other, 'strict')).to.be.a('string');
    expect(bindRefusal(other, 'kerberos'), 'named mode missing').to.be.a('string');
  });
});
