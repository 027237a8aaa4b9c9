/**
 * [keystone_authtoken] as the keystone plugin reads it: the service user's
 * login body (keystoneauth1's password plugin, domains and scopes), the
 * defaults, and the configurations refused at start-up.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DEFAULT_TIMEOUT_SECONDS, keystoneSettings, trusteeSettings } from '../../../plugins/auth/keystone/settings';
import { silentLogger } from '../../../zaqar/common/logger';
import { loadConfig } from '../../../zaqar/config/load';

describe('auth/keystone: [keystone_authtoken] settings', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(tmpdir(), 'zaqar-ts-keystone-settings-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  function settingsOf(lines: string) {
    const file = path.join(dir, 'zaqar.conf');
    writeFileSync(file, `[keystone_authtoken]\n${lines}\n`);
    return keystoneSettings(loadConfig(['--config-file', file], { searchDirs: [], onWarning: () => undefined }).config, silentLogger);
  }
  const base = 'auth_type = password\nauth_url = http://ks:5000\npassword = pw\n';

  it("reads Zaqar's usual block: names with domain names, project scope, public interface", () => {
    const s = settingsOf(
      `${base}www_authenticate_uri = http://public:5000\nusername = zaqar\nuser_domain_name = Default\n` +
        'project_name = service\nproject_domain_name = Default\nregion_name = RegionOne\ninterface = public',
    );
    expect(s.auth).to.deep.equal({
      identity: { methods: ['password'], password: { user: { name: 'zaqar', domain: { name: 'Default' }, password: 'pw' } } },
      scope: { project: { name: 'service', domain: { name: 'Default' } } },
    });
    expect(s).to.include({ authUrl: 'http://ks:5000', wwwAuthenticateUri: 'http://public:5000', interface: 'public', regionName: 'RegionOne' });
    expect(s).to.include({ delayAuthDecision: false, tokenCacheTime: 300, serviceTokenRolesRequired: false, enforceTokenBind: 'permissive' });
    expect(s.serviceTokenRoles).to.deep.equal(['service']);
    expect(s.http).to.include({ timeoutSeconds: DEFAULT_TIMEOUT_SECONDS, connectRetries: 3, insecure: false });
  });

  it('takes ids over names, the default domain when none is named, and other scopes', () => {
    expect(settingsOf(`${base}user_id = u1\nproject_id = p1`).auth).to.deep.equal({
      identity: { methods: ['password'], password: { user: { id: 'u1', password: 'pw' } } },
      scope: { project: { id: 'p1' } },
    });
    const defaulted = settingsOf(`${base}username = z\nproject_name = s\ndefault_domain_id = default`).auth;
    expect(defaulted.identity.password.user).to.deep.equal({ name: 'z', domain: { id: 'default' }, password: 'pw' });
    expect(defaulted.scope).to.deep.equal({ project: { name: 's', domain: { id: 'default' } } });
    expect(settingsOf(`${base}user_id = u\ndomain_name = D`).auth.scope).to.deep.equal({ domain: { name: 'D' } });
    expect(settingsOf(`${base}user_id = u\nsystem_scope = all`).auth.scope).to.deep.equal({ system: { all: true } });
    expect(settingsOf(`${base}user_id = u\ntrust_id = t`).auth.scope).to.deep.equal({ 'OS-TRUST:trust': { id: 't' } });
    expect(settingsOf(`${base}user_id = u`).auth.scope).to.equal(undefined);
  });

  it('falls back to auth_url for WWW-Authenticate, reads auth_uri, and the timeouts and cache time', () => {
    expect(settingsOf(`${base}user_id = u`).wwwAuthenticateUri).to.equal('http://ks:5000');
    expect(settingsOf(`${base}user_id = u\nauth_uri = http://old:5000`).wwwAuthenticateUri).to.equal('http://old:5000');
    const s = settingsOf(`${base}user_id = u\nhttp_connect_timeout = 2\nhttp_request_max_retries = 0\ntoken_cache_time = -1\ninsecure = true`);
    expect(s.http).to.include({ timeoutSeconds: 2, connectRetries: 0, insecure: true });
    expect(s.tokenCacheTime).to.equal(-1);
  });

  it('refuses what cannot work, naming the option', () => {
    const refusals: [string, RegExp][] = [
      ['auth_url = http://ks:5000\npassword = pw\nuser_id = u', /\[keystone_authtoken\] auth_type: an empty auth_type/],
      [`${base.replace('password\n', 'token\n')}user_id = u`, /auth_type: 'token' is not supported/],
      ['auth_type = password\npassword = pw\nuser_id = u', /auth_url: the Identity endpoint is required/],
      ['auth_type = password\nauth_url = not a url\npassword = pw\nuser_id = u', /auth_url: not a URL/],
      ['auth_type = password\nauth_url = http://ks:5000\nuser_id = u', /password: the service user needs a password/],
      [base, /username: the service user needs username or user_id/],
      [`${base}username = z`, /user_domain_name: username needs/],
      [`${base}user_id = u\nproject_name = p`, /project_domain_name: project_name needs/],
      [`${base}user_id = u\nauth_section = other`, /auth_section: not supported/],
    ];
    for (const [lines, expected] of refusals) expect(() => settingsOf(lines), lines).to.throw(expected);
  });

  describe('[trustee]', () => {
    function trusteeOf(lines: string) {
      const file = path.join(dir, 'zaqar.conf');
      writeFileSync(file, `[trustee]\n${lines}\n`);
      return trusteeSettings(loadConfig(['--config-file', file], { searchDirs: [], onWarning: () => undefined }).config);
    }

    it('no auth_type: no trustee (trust+http(s) is then not served)', () => {
      expect(trusteeOf('')).to.equal(undefined);
      expect(trusteeOf('auth_url = http://ks:5000\nusername = t')).to.equal(undefined);
    });

    it('reads the password plugin options, the TLS options and the session timeout', () => {
      const s = trusteeOf(`${base}username = trustee\nuser_domain_name = Default\ncafile = /ca.pem\ntimeout = 3`)!;
      expect(s.authUrl).to.equal('http://ks:5000');
      expect(s.auth).to.deep.equal({
        identity: { methods: ['password'], password: { user: { name: 'trustee', domain: { name: 'Default' }, password: 'pw' } } },
      });
      expect(s.http).to.include({ timeoutSeconds: 3, connectRetries: 0, cafile: '/ca.pem', insecure: false });
      expect(trusteeOf(`${base}user_id = u\nproject_id = p`)!.auth.scope).to.deep.equal({ project: { id: 'p' } });
      expect(trusteeOf(`${base}user_id = u`)!.http.timeoutSeconds).to.equal(DEFAULT_TIMEOUT_SECONDS);
    });

    it('refuses what cannot work, naming [trustee] and the option', () => {
      const refusals: [string, RegExp][] = [
        [`${base.replace('password\n', 'token\n')}user_id = u`, /\[trustee\] auth_type: 'token' is not supported/],
        ['auth_type = password\npassword = pw\nuser_id = u', /\[trustee\] auth_url: the Identity endpoint is required/],
        ['auth_type = password\nauth_url = http://ks:5000\nuser_id = u', /\[trustee\] password: the trustee needs a password/],
        [base, /\[trustee\] username: the trustee needs username or user_id/],
        [`${base}username = t`, /\[trustee\] user_domain_name: username needs/],
        [`${base}user_id = u\ntimeout = 0`, /\[trustee\] timeout: must be a positive number of seconds/],
        ['auth_section = other', /\[trustee\] auth_section: not supported/],
      ];
      for (const [lines, expected] of refusals) expect(() => trusteeOf(lines), lines).to.throw(expected);
    });
  });
});
