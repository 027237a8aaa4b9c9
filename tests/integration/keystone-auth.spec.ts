/**
 * `auth_strategy = keystone` against a real Keystone (Debian's, started by
 * tools/services/keystone.ts): tokens validated with the service user of
 * [keystone_authtoken], the identity taken only from the token, and the
 * policy deciding every action on v2 and v1.1.
 *
 * Cache semantics (token_cache_time) as asserted here: a validation is
 * kept for token_cache_time seconds, never past the token's expiry; so a
 * token revoked (or whose user is deleted) after its first use keeps
 * working until its cache entry ages out, while one never seen before is
 * refused at once.
 *
 * Needs python3-keystone, uwsgi-core and uwsgi-plugin-python3 (skips with
 * a reason otherwise; fails under CI=true).
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { KeystoneServer, keystoneMissing } from '../../tools/services/keystone';
import { skipUnlessAvailable } from '../../tools/services/process';
import { shortLivedToken, sleep, startKeystoneZaqar, TokenClient, type KeystoneZaqar } from './keystone-setup';

const CACHE_SECONDS = 3;
/** keystonemiddleware's 401 body, as Zaqar behind auth_token answers. */
const UNAUTHORIZED = { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } };
const FORBIDDEN = { title: 'Not authorized', description: 'You are not authorized to complete this action.' };

describe('integration: Keystone authentication against a real Keystone', function () {
  this.timeout(180_000);
  let keystone: KeystoneServer | undefined;
  /** token_cache_time = 3 */
  let zaqar: KeystoneZaqar | undefined;
  /** token_cache_time = 300 (the default) */
  let longCache: KeystoneZaqar | undefined;
  let poolDir: string;
  let url: string;
  let member: TokenClient;
  let admin: TokenClient;

  before(async function () {
    skipUnlessAvailable(this, keystoneMissing());
    keystone = await KeystoneServer.start();
    zaqar = await startKeystoneZaqar(keystone, {
      authtoken: { token_cache_time: CACHE_SECONDS },
      extraConfig: '\n[cors]\nallowed_origin = https://horizon.example.com\n',
    });
    longCache = await startKeystoneZaqar(keystone);
    url = zaqar.server.url;
    member = new TokenClient(url, await keystone.token('demo'));
    admin = new TokenClient(url, await keystone.token('admin'));
    poolDir = mkdtempSync(path.join(tmpdir(), 'zaqar-ts-keystone-pool-'));
  });
  after(async () => {
    await zaqar?.cleanup();
    await longCache?.cleanup();
    await keystone?.close();
    if (poolDir) rmSync(poolDir, { recursive: true, force: true });
  });

  const expect401 = (reply: { status: number; headers: Headers; json: unknown }, what: string): void => {
    expect(reply.status, what).to.equal(401);
    expect(reply.json, what).to.deep.equal(UNAUTHORIZED);
    expect(reply.headers.get('www-authenticate'), what).to.equal(`Keystone uri="${keystone!.url}"`);
    expect(reply.headers.get('x-openstack-request-id'), what).to.match(/^req-[0-9a-f-]{36}$/);
  };

  describe('tokens', () => {
    it('answers 401 with WWW-Authenticate, Zaqar\'s body and a request id when there is no token', async () => {
      expect401(await new TokenClient(url, undefined).get('/v2/queues'), 'no token');
      expect401(await new TokenClient(url, undefined).get('/v2/queues', { headers: { 'X-Auth-Token': '   ' } }), 'blank token');
      expect401(await new TokenClient(url, undefined).get('/v1.1/queues'), 'no token on v1.1');
      expect401(await new TokenClient(url, undefined).get('/v2/'), 'the home document needs a token too');
      // The versions document is public, as in Zaqar.
      expect((await new TokenClient(url, undefined).get('/')).status).to.equal(300);
    });

    it('answers 401 to malformed and unknown tokens', async () => {
      const real = member.token!;
      for (const bad of ['garbage', 'gAAAAAB' + 'x'.repeat(180), real.slice(0, -4) + 'AAAA', 'x'.repeat(4000), real + 'x']) {
        expect401(await new TokenClient(url, bad).get('/v2/queues'), `token ${bad.slice(0, 20)}...`);
      }
    });

    it('answers 401 to an expired token, also when its validation is still cached', async () => {
      const expiresAt = new Date(Date.now() + 4000);
      const token = await shortLivedToken(keystone!, 'demo', expiresAt);
      const cached = new TokenClient(longCache!.server.url, token);
      expect((await cached.get('/v2/queues')).status, 'before expiry').to.equal(200);
      await sleep(expiresAt.getTime() - Date.now() + 1100);
      expect401(await cached.get('/v2/queues'), 'expired, validation cached for 300 s');
      expect401(await new TokenClient(url, token).get('/v2/queues'), 'expired, never seen by this server');
    });

    it('answers 401 to a revoked token at once when uncached, and after token_cache_time when cached', async () => {
      const seen = new TokenClient(url, await keystone!.token('demo'));
      const unseen = new TokenClient(url, await keystone!.token('demo'));
      expect((await seen.get('/v2/queues')).status).to.equal(200);
      const revokedAt = Date.now();
      await keystone!.revoke(seen.token!);
      await keystone!.revoke(unseen.token!);
      expect401(await unseen.get('/v2/queues'), 'revoked, never validated here');
      expect((await seen.get('/v2/queues')).status, 'revoked, validation still cached').to.equal(200);
      await sleep(revokedAt + CACHE_SECONDS * 1000 + 500 - Date.now());
      expect401(await seen.get('/v2/queues'), 'revoked, cache entry aged out');
    });

    it('answers 401 to the token of a deleted user, likewise', async () => {
      const account = await keystone!.createUser(`doomed-${Date.now()}`);
      const seen = new TokenClient(url, await keystone!.token(account));
      const unseen = new TokenClient(url, await keystone!.token(account));
      expect((await seen.put('/v2/queues/doomed')).status).to.equal(201);
      const deletedAt = Date.now();
      await keystone!.deleteUser(account.userId);
      expect401(await unseen.get('/v2/queues'), 'deleted user, token never validated here');
      expect((await seen.get('/v2/queues/doomed/stats')).status, 'deleted user, validation still cached').to.equal(200);
      await sleep(deletedAt + CACHE_SECONDS * 1000 + 500 - Date.now());
      expect401(await seen.get('/v2/queues/doomed/stats'), 'deleted user, cache entry aged out');
    });

    it('accepts X-Storage-Token as auth_token does', async () => {
      const reply = await new TokenClient(url, undefined).get('/v2/queues', { headers: { 'X-Storage-Token': member.token! } });
      expect(reply.status).to.equal(200);
    });
  });

  describe('a member', () => {
    it('works with its own queues end to end', async () => {
      expect((await member.put('/v2/queues/orders', { body: { _max_messages_post_size: 65536, owner: 'demo' } })).status).to.equal(201);
      const posted = await member.post('/v2/queues/orders/messages', { body: { messages: [{ ttl: 300, body: { n: 1 } }, { ttl: 300, body: { n: 2 } }] } });
      expect(posted.status).to.equal(201);
      expect(posted.json.resources).to.have.length(2);
      const listed = await member.get('/v2/queues/orders/messages?echo=true');
      expect(listed.json.messages.map((m: { body: unknown }) => m.body)).to.deep.equal([{ n: 1 }, { n: 2 }]);
      const claim = await member.post('/v2/queues/orders/claims?limit=1', { body: { ttl: 60, grace: 60 } });
      expect(claim.status).to.equal(201);
      const claimed = claim.json.messages[0];
      expect((await member.delete(`${claimed.href}`)).status).to.equal(204);
      const stats = await member.get('/v2/queues/orders/stats');
      expect(stats.json.messages.total).to.equal(1);
      expect((await member.get('/v2/queues')).json.queues.map((q: { name: string }) => q.name)).to.include('orders');
      expect((await member.get('/v2/queues/orders')).json.owner).to.equal('demo');
      expect((await member.get('/v1.1/queues/orders/stats')).json.messages.total, 'v1.1 sees the same project').to.equal(1);
      expect((await member.delete('/v2/queues/orders')).status).to.equal(204);
    });

    it('acts in its token\'s project whatever identity headers it sends', async () => {
      const altProject = keystone!.accounts.alt.projectId;
      const spoof = { 'X-Project-ID': altProject, 'X-Roles': 'admin', 'X-Identity-Status': 'Confirmed', 'X-User-ID': 'someone', 'X-Tenant-Id': altProject };
      const alt = new TokenClient(url, await keystone!.token('alt'));
      expect((await alt.put('/v2/queues/alt-only')).status).to.equal(201);
      const listed = await member.get('/v2/queues', { headers: spoof });
      expect(listed.status).to.equal(200);
      expect(listed.json.queues.map((q: { name: string }) => q.name)).not.to.include('alt-only');
      expect((await member.get('/v2/health', { headers: spoof })).status, 'X-Roles: admin is not believed').to.equal(403);
      expect((await alt.get('/v2/queues')).json.queues.map((q: { name: string }) => q.name)).to.include('alt-only');
    });
  });

  describe('admin-only operations', () => {
    it('refuses detailed health, pools and flavors to a member, on v2 and v1.1', async () => {
      for (const [method, target] of [
        ['GET', '/v2/health'],
        ['GET', '/v2/pools'],
        ['PUT', '/v2/pools/p-member'],
        ['PUT', '/v2/flavors/f-member'],
        ['PATCH', '/v2/flavors/f-member'],
        ['DELETE', '/v2/flavors/f-member'],
        ['GET', '/v1.1/health'],
        ['GET', '/v1.1/pools'],
        ['PUT', '/v1.1/pools/p-member'],
        ['DELETE', '/v1.1/pools/p-member'],
      ] as const) {
        const body = method === 'PUT' ? { weight: 10, uri: `sqlite:///${poolDir}/member.sqlite` } : method === 'PATCH' ? { pool_list: [] } : undefined;
        const reply = await member.request(method, target, { body });
        expect(reply.status, `${method} ${target}`).to.equal(403);
        expect(reply.json, `${method} ${target}`).to.deep.equal(FORBIDDEN);
      }
      expect((await member.get('/v2/ping')).status, 'ping is for everyone').to.equal(204);
    });

    it('allows them to an admin, on v2 and v1.1', async () => {
      const health = await admin.get('/v2/health');
      expect(health.status).to.equal(200);
      expect(health.json).to.have.property('catalog_reachable', true);
      expect((await admin.get('/v1.1/health')).status).to.equal(200);
      const created = await admin.put('/v2/pools/p1', { body: { weight: 10, uri: `sqlite:///${poolDir}/p1.sqlite` } });
      expect(created.status, JSON.stringify(created.json)).to.equal(201);
      expect((await admin.get('/v2/pools')).json.pools.map((p: { name: string }) => p.name)).to.include('p1');
      expect((await admin.get('/v1.1/pools/p1')).status).to.equal(200);
      expect((await admin.put('/v2/flavors/f1', { body: { pool_list: ['p1'] } })).status).to.equal(201);
      expect((await admin.get('/v2/flavors/f1')).status).to.equal(200);
      expect((await admin.delete('/v2/flavors/f1')).status).to.equal(204);
      expect((await admin.delete('/v2/pools/p1')).status).to.equal(204);
    });
  });

  describe('pre-signed URLs', () => {
    it('work without a token; a tampered one gets 404', async () => {
      await member.post('/v2/queues/shared/messages', { body: { messages: [{ ttl: 300, body: 'for the signed url' }] } });
      const share = await member.post('/v2/queues/shared/share', { body: { methods: ['GET', 'POST'] } });
      expect(share.status).to.equal(200);
      expect(share.json.project).to.equal(keystone!.accounts.demo.projectId);
      const signed = {
        'URL-Signature': share.json.signature,
        'URL-Expires': share.json.expires,
        'URL-Methods': share.json.methods.join(','),
        'URL-Paths': share.json.paths.join(','),
        'X-Project-ID': share.json.project,
      };
      const anonymous = new TokenClient(url, undefined);
      const read = await anonymous.get('/v2/queues/shared/messages?echo=true', { headers: signed });
      expect(read.status).to.equal(200);
      expect(read.json.messages.map((m: { body: unknown }) => m.body)).to.deep.equal(['for the signed url']);
      expect((await anonymous.post('/v2/queues/shared/messages', { headers: signed, body: { messages: [{ body: 'signed post' }] } })).status).to.equal(201);
      const tampered = await anonymous.get('/v2/queues/shared/messages', { headers: { ...signed, 'URL-Signature': 'f'.repeat(64) } });
      expect(tampered.status).to.equal(404);
      const otherProject = await anonymous.get('/v2/queues/shared/messages', { headers: { ...signed, 'X-Project-ID': keystone!.accounts.alt.projectId } });
      expect(otherProject.status, 'the project is part of the signature').to.equal(404);
      const otherPath = await anonymous.get('/v2/queues/shared/stats', { headers: signed });
      expect(otherPath.status, 'only the signed paths').to.equal(404);
      expect((await anonymous.delete('/v2/queues/shared', { headers: signed })).status, 'only the signed methods').to.equal(404);
    });
  });

  describe('service tokens', () => {
    it('accepts a valid X-Service-Token beside the user token and refuses an invalid one', async () => {
      const service = await keystone!.token('zaqar');
      expect((await member.get('/v2/queues', { headers: { 'X-Service-Token': service } })).status).to.equal(200);
      expect401(await member.get('/v2/queues', { headers: { 'X-Service-Token': 'not-a-token' } }), 'invalid service token');
      expect401(await new TokenClient(url, undefined).get('/v2/queues', { headers: { 'X-Service-Token': service } }), 'a service token alone');
    });

    it('lets a service token with a service role carry an expired user token (allow_expired)', async () => {
      const expiresAt = new Date(Date.now() + 3000);
      const token = await shortLivedToken(keystone!, 'demo', expiresAt);
      await sleep(expiresAt.getTime() - Date.now() + 1100);
      const client = new TokenClient(url, token);
      expect401(await client.get('/v2/queues'), 'expired user token alone');
      const withService = await client.get('/v2/queues', { headers: { 'X-Service-Token': await keystone!.token('zaqar') } });
      expect(withService.status).to.equal(200);
      const withoutRole = await client.get('/v2/queues', { headers: { 'X-Service-Token': await keystone!.token('alt') } });
      expect401(withoutRole, 'a service token without a service role does not allow expired user tokens');
    });
  });

  describe('CORS', () => {
    it('decorates 401s for an allowed origin and answers preflights without a token', async () => {
      const anonymous = new TokenClient(url, undefined);
      const denied = await anonymous.get('/v2/queues', { headers: { Origin: 'https://horizon.example.com' } });
      expect(denied.status).to.equal(401);
      expect(denied.headers.get('access-control-allow-origin')).to.equal('https://horizon.example.com');
      expect(denied.headers.get('access-control-expose-headers')).to.equal('X-Auth-Token,X-Subject-Token,X-Service-Token,X-OpenStack-Request-ID');
      const preflight = await anonymous.request('OPTIONS', '/v2/queues/q/messages', {
        headers: { Origin: 'https://horizon.example.com', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'X-Auth-Token, Client-ID, Content-Type' },
      });
      expect(preflight.status).to.equal(200);
      expect(preflight.headers.get('access-control-allow-methods')).to.equal('POST');
      expect(preflight.headers.get('access-control-allow-headers')).to.equal('X-Auth-Token,Client-ID,Content-Type');
      expect(preflight.headers.get('access-control-max-age')).to.equal('3600');
      const other = await anonymous.get('/v2/queues', { headers: { Origin: 'https://evil.example.com' } });
      expect(other.headers.get('access-control-allow-origin')).to.equal(null);
    });
  });

  describe('policy', () => {
    it('follows policy.yaml and policy.d overrides, on v2 and v1.1', async () => {
      const overridden = await startKeystoneZaqar(keystone!, {
        files: { 'policy.yaml': '"queues:create": "role:admin"\n' },
        dirs: { 'policy.d': { 'health.yaml': '"health:get": "role:member"\n' } },
      });
      try {
        const asMember = new TokenClient(overridden.server.url, member.token);
        const asAdmin = new TokenClient(overridden.server.url, admin.token);
        expect((await asMember.put('/v2/queues/by-member')).status, 'queues:create is admin-only now').to.equal(403);
        expect((await asMember.put('/v1.1/queues/by-member')).status, 'on v1.1 too').to.equal(403);
        expect((await asAdmin.put('/v2/queues/by-admin')).status).to.equal(201);
        expect((await asMember.get('/v2/health')).status, 'health:get allows members now').to.equal(200);
        expect((await asMember.get('/v1.1/health')).status).to.equal(200);
        expect((await asMember.get('/v2/pools')).status, 'other rules keep their defaults').to.equal(403);
      } finally {
        await overridden.cleanup();
      }
    });

    it('serves no admin resources without admin_mode, to admins neither', async () => {
      const plain = await startKeystoneZaqar(keystone!, { extraConfig: '\n[DEFAULT]\nadmin_mode = false\n' });
      try {
        const asAdmin = new TokenClient(plain.server.url, admin.token);
        for (const target of ['/v2/health', '/v2/pools', '/v2/flavors', '/v1.1/health', '/v1.1/pools']) {
          expect((await asAdmin.get(target)).status, target).to.equal(404);
        }
        expect((await asAdmin.get('/v2/queues')).status).to.equal(200);
      } finally {
        await plain.cleanup();
      }
    });
  });

  describe('options', () => {
    it('service_token_roles_required refuses a service token without one of service_token_roles', async () => {
      const strict = await startKeystoneZaqar(keystone!, { authtoken: { service_token_roles_required: true } });
      try {
        const client = new TokenClient(strict.server.url, member.token);
        expect((await client.get('/v2/queues', { headers: { 'X-Service-Token': await keystone!.token('zaqar') } })).status).to.equal(200);
        const reply = await client.get('/v2/queues', { headers: { 'X-Service-Token': await keystone!.token('alt') } });
        expect(reply.status).to.equal(401);
      } finally {
        await strict.cleanup();
      }
    });

    it('delay_auth_decision lets an invalid token through without a project, which Zaqar then refuses', async () => {
      const delayed = await startKeystoneZaqar(keystone!, { authtoken: { delay_auth_decision: true } });
      try {
        const anonymous = new TokenClient(delayed.server.url, 'garbage');
        const reply = await anonymous.get('/v2/queues', { headers: { 'X-Project-ID': keystone!.accounts.demo.projectId } });
        expect(reply.status).to.equal(400);
        expect(reply.json.title).to.equal('Project-Id Missing');
        expect((await new TokenClient(delayed.server.url, member.token).get('/v2/queues')).status).to.equal(200);
        // As auth_token: a valid user token keeps its identity even beside an invalid service token.
        const withBadService = await new TokenClient(delayed.server.url, member.token).get('/v2/queues', { headers: { 'X-Service-Token': 'garbage' } });
        expect(withBadService.status).to.equal(200);
      } finally {
        await delayed.cleanup();
      }
    });

    it('refuses at start-up a [keystone_authtoken] that cannot work', async () => {
      let failure: unknown;
      try {
        const broken = await startKeystoneZaqar(keystone!, { authtoken: { auth_type: 'token' } });
        await broken.cleanup();
      } catch (err) {
        failure = err;
      }
      expect(String(failure)).to.match(/exited with 2/).and.match(/\[keystone_authtoken\] auth_type/);
    });
  });

  it('still requires a Client-ID once authenticated', async () => {
    const reply = await member.get('/v2/queues', { headers: { 'Client-ID': undefined } });
    expect(reply.status).to.equal(400);
    expect(reply.json.title).to.equal('Missing header value');
  });
});
