/**
 * Reading Keystone v3 token bodies (what GET /v3/auth/tokens answers) into
 * the identity fields, and refusing bodies that are not tokens.
 */
import { expect } from 'chai';
import { InvalidToken } from '../../../plugins/auth/keystone/errors';
import { expiresWithin, parseKeystoneTime, parseToken } from '../../../plugins/auth/keystone/token-info';

/** A member's token as Debian's Keystone 22 answers it (ids shortened). */
const MEMBER = {
  token: {
    methods: ['password'],
    user: { domain: { id: 'default', name: 'Default' }, id: 'u1', name: 'demo', password_expires_at: null },
    audit_ids: ['8JxoX-PWSl6rZvmdWqN8jg'],
    expires_at: '2026-12-02T04:55:19.000000Z',
    issued_at: '2026-12-02T03:55:19.000000Z',
    project: { domain: { id: 'default', name: 'Default' }, id: 'p1', name: 'demo' },
    is_domain: false,
    roles: [
      { id: 'r1', name: 'member' },
      { id: 'r2', name: 'reader' },
    ],
  },
};

describe('auth/keystone: token bodies', () => {
  it("reads a project-scoped token's user, project, domains, roles and times", () => {
    const info = parseToken(MEMBER);
    expect(info).to.include({
      userId: 'u1',
      userName: 'demo',
      userDomainId: 'default',
      projectId: 'p1',
      projectName: 'demo',
      projectDomainId: 'default',
      projectDomainName: 'Default',
      isAdminProject: true,
    });
    expect(info.domainId).to.equal(undefined);
    expect(info.roles).to.deep.equal(['member', 'reader']);
    expect(info.expiresAt).to.equal(Date.UTC(2026, 11, 2, 4, 55, 19));
    expect(info.issuedAt).to.equal(Date.UTC(2026, 11, 2, 3, 55, 19));
    expect(info.accessRules).to.equal(undefined);
    expect(info.catalog).to.equal(undefined);
  });

  it('reads domain, system and trust scopes, access rules, bind and the catalog', () => {
    const info = parseToken({
      token: {
        ...MEMBER.token,
        project: undefined,
        domain: { id: 'd1', name: 'Dom' },
        system: { all: true },
        is_admin_project: false,
        'OS-TRUST:trust': { id: 't1' },
        application_credential: { id: 'a', access_rules: [{ method: 'GET', path: '/v2/queues', service: 'messaging' }] },
        bind: { kerberos: 'user@REALM' },
        catalog: [{ type: 'identity', name: 'keystone', endpoints: [{ interface: 'public', url: 'http://k/v3', region_id: 'R' }] }],
      },
    });
    expect(info).to.include({ projectId: undefined, domainId: 'd1', domainName: 'Dom', systemScope: 'all', isAdminProject: false, trustId: 't1' });
    expect(info.accessRules).to.deep.equal([{ method: 'GET', path: '/v2/queues', service: 'messaging' }]);
    expect(info.bind).to.deep.equal({ kerberos: 'user@REALM' });
    expect(info.catalog?.[0].endpoints[0]).to.include({ interface: 'public', url: 'http://k/v3', region_id: 'R' });
  });

  it('refuses bodies that are not v3 tokens', () => {
    for (const body of [undefined, {}, { token: {} }, { token: { user: {} } }, { token: { user: { id: 'u' } } }, { token: { user: { id: 'u' }, expires_at: 'soon' } }, { access: { token: {} } }]) {
      expect(() => parseToken(body), JSON.stringify(body)).to.throw(InvalidToken);
    }
  });

  it("reads Keystone's microsecond times and other ISO 8601 forms", () => {
    expect(parseKeystoneTime('2026-12-02T04:55:19.123456Z')).to.equal(Date.UTC(2026, 11, 2, 4, 55, 19, 123));
    expect(parseKeystoneTime('2026-12-02T04:55:19Z')).to.equal(Date.UTC(2026, 11, 2, 4, 55, 19));
    expect(parseKeystoneTime('2026-12-02T04:55:19')).to.equal(Date.UTC(2026, 11, 2, 4, 55, 19));
    expect(parseKeystoneTime('2026-12-02T06:55:19+02:00')).to.equal(Date.UTC(2026, 11, 2, 4, 55, 19));
    expect(parseKeystoneTime(42)).to.be.NaN;
  });

  it('says when a token has less than so many seconds left (0: expired)', () => {
    const info = parseToken(MEMBER);
    expect(expiresWithin(info, 0, info.expiresAt - 1)).to.equal(false);
    expect(expiresWithin(info, 0, info.expiresAt)).to.equal(true);
    expect(expiresWithin(info, 120, info.expiresAt - 121_000)).to.equal(false);
    expect(expiresWithin(info, 120, info.expiresAt - 120_000)).to.equal(true);
  });
});
