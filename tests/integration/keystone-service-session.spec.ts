/**
 * The service user's session against a real Keystone: it logs in again
 * before its token runs out (less than keystoneauth's two minutes left; the
 * clock is the only thing faked here), concurrent callers share one login,
 * a token Keystone refuses is replaced (a zaqar-server whose service user
 * was disabled and enabled again keeps validating), and the identity's
 * handle gives later plugins the user's token and a working service
 * session, as trusts need.
 *
 * Needs python3-keystone, uwsgi-core and uwsgi-plugin-python3 (skips with
 * a reason otherwise; fails under CI=true).
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Discovery } from '../../plugins/auth/keystone/discovery';
import { keystoneHandle } from '../../plugins/auth/keystone/handle';
import { KeystoneHttp } from '../../plugins/auth/keystone/http';
import { keystoneStrategyFactory } from '../../plugins/auth/keystone/module';
import { MIN_TOKEN_LIFE_SECONDS, ServiceSession } from '../../plugins/auth/keystone/service-session';
import { keystoneSettings, type KeystoneSettings } from '../../plugins/auth/keystone/settings';
import type { Identity } from '../../zaqar/auth/strategy';
import { silentLogger } from '../../zaqar/common/logger';
import { loadConfig } from '../../zaqar/config/load';
import type { Config } from '../../zaqar/config/options';
import { KeystoneServer, keystoneMissing } from '../../tools/services/keystone';
import { skipUnlessAvailable } from '../../tools/services/process';
import { sleep, startKeystoneZaqar, TokenClient } from './keystone-setup';

describe('integration: the service user session against a real Keystone', function () {
  this.timeout(180_000);
  let keystone: KeystoneServer | undefined;
  let dir: string;
  let config: Config;
  let settings: KeystoneSettings;

  before(async function () {
    skipUnlessAvailable(this, keystoneMissing());
    keystone = await KeystoneServer.start();
    dir = mkdtempSync(path.join(tmpdir(), 'zaqar-ts-keystone-session-'));
    const file = path.join(dir, 'zaqar.conf');
    writeFileSync(file, `[DEFAULT]\nauth_strategy = keystone\n${keystone.authtokenConfig()}`);
    config = loadConfig(['--config-file', file], { searchDirs: [] }).config;
    settings = keystoneSettings(config, silentLogger);
  });
  after(async () => {
    await keystone?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A session on a clock the test moves, counting its logins. */
  function session(clock: { now: number }): { session: ServiceSession; logins: () => number; http: KeystoneHttp } {
    const http = new KeystoneHttp(settings.http);
    let logins = 0;
    const send = http.request.bind(http);
    http.request = (method, url, options) => {
      if (method === 'POST' && url.endsWith('/auth/tokens')) logins++;
      return send(method, url, options);
    };
    return { session: new ServiceSession(http, new Discovery(http), settings, silentLogger, () => clock.now), logins: () => logins, http };
  }

  it('logs in again once less than two minutes of its token are left, and shares a login among concurrent callers', async () => {
    const clock = { now: Date.now() };
    const { session: s, logins, http } = session(clock);
    try {
      const tokens = await Promise.all(Array.from({ length: 5 }, () => s.token()));
      expect(new Set(tokens).size).to.equal(1);
      expect(logins()).to.equal(1);
      const first = tokens[0];
      const validation = await keystone!.api('GET', '/auth/tokens?nocatalog', { token: first, headers: { 'X-Subject-Token': first } });
      const expiresAt = Date.parse(validation.json.token.expires_at);

      clock.now = expiresAt - (MIN_TOKEN_LIFE_SECONDS + 5) * 1000;
      expect(await s.token(), 'still more than two minutes left').to.equal(first);
      expect(logins()).to.equal(1);

      clock.now = expiresAt - (MIN_TOKEN_LIFE_SECONDS - 5) * 1000;
      await sleep(1100); // Keystone's token times have one-second resolution
      const second = await s.token();
      expect(second, 'less than two minutes left: a new login').not.to.equal(first);
      expect(logins()).to.equal(2);
      expect(await s.identityUrl()).to.equal(`${keystone!.url}/v3`);
    } finally {
      http.close();
    }
  });

  it('keeps validating after Keystone revoked its token (the service user disabled and enabled again)', async () => {
    const zaqar = await startKeystoneZaqar(keystone!);
    try {
      const url = zaqar.server.url;
      expect((await new TokenClient(url, await keystone!.token('demo')).get('/v2/queues')).status).to.equal(200);
      await keystone!.setUserEnabled(keystone!.accounts.zaqar.userId, false);
      await keystone!.setUserEnabled(keystone!.accounts.zaqar.userId, true);
      await sleep(1100); // a token issued within the revocation's second counts as revoked
      // An uncached token: the validation meets a 401 for the old service token, logs in again and succeeds.
      expect((await new TokenClient(url, await keystone!.token('alt')).get('/v2/queues')).status).to.equal(200);
      expect(zaqar.server.stderr()).to.contain('Keystone refused the service token; logging in again');
    } finally {
      await zaqar.cleanup();
    }
  });

  it("hands later plugins the user's token and the service session (what trusts need)", async () => {
    const strategy = await keystoneStrategyFactory({ config, logger: silentLogger });
    try {
      await keystone!.setMessagingEndpoint('http://127.0.0.1:8888');
      const userToken = await keystone!.token('demo');
      const identity: Identity = await strategy.authenticate({ header: (name) => (name === 'x-auth-token' ? userToken : undefined) });
      expect(identity.projectId).to.equal(keystone!.accounts.demo.projectId);
      expect(identity.userId).to.equal(keystone!.accounts.demo.userId);
      expect(identity.roles).to.include('member');
      expect(identity.authToken).to.equal(userToken);
      expect(identity.expiresAt).to.be.above(Date.now());
      const handle = keystoneHandle(identity.handle)!;
      expect(handle.status).to.equal('Confirmed');
      expect(handle.userToken).to.equal(userToken);
      expect(handle.user?.projectName).to.equal('demo');
      expect(await handle.session.endpoint({ type: 'messaging' })).to.equal('http://127.0.0.1:8888');
      // The session's token works for calls as the service: here, reading the user's token.
      const asService = await keystone!.api('GET', '/auth/tokens?nocatalog', { token: await handle.session.token(), headers: { 'X-Subject-Token': userToken } });
      expect(asService.status).to.equal(200);
      expect(`${await handle.session.identityUrl()}`).to.equal(`${keystone!.url}/v3`);
    } finally {
      await strategy.close?.();
    }
  });
});
