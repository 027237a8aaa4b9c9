/**
 * API v1.1: mounted only when `[DEFAULT] enable_deprecated_api_versions`
 * lists it, and served as Zaqar's restricted v1.1 profile
 * (`zaqar.transport.wsgi.v1_1`: no queue PATCH/purge/share, raw metadata,
 * no per-queue message settings). The policy guards v1.1 behind any real
 * auth strategy; with noauth, where clients name their own roles, v1.1
 * checks no policy, as in Zaqar.
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { ZaqarClient } from '../helpers/client';
import { ROOT, startServer, type RunningServer } from '../helpers/server';

describe('functional: API v1.1', function () {
  let server: RunningServer;
  let client: ZaqarClient;

  before(async () => {
    server = await startServer({ extraConfig: '\n[DEFAULT]\nenable_deprecated_api_versions = 1.1\n' });
    client = new ZaqarClient(server.url, 'v11');
  });
  after(async () => server.cleanup());

  it('is not served unless enabled', async () => {
    const plain = await startServer();
    try {
      expect((await new ZaqarClient(plain.url).get('/v1.1/queues')).status).to.equal(404);
    } finally {
      await plain.cleanup();
    }
  });

  it('serves its own home document', async () => {
    const home = await client.get('/v1.1/');
    expect(home.status).to.equal(200);
    expect(Object.keys(home.json.resources)).to.include('rel/queues').and.not.to.include('rel/queue_purge');
  });

  it('returns raw queue metadata and has no PATCH', async () => {
    expect((await client.put('/v1.1/queues/q', { body: { a: 1 } })).status).to.equal(201);
    expect((await client.get('/v1.1/queues/q')).json).to.deep.equal({ a: 1 });
    expect((await client.get('/v1.1/queues/missing')).json).to.deep.equal({});
    const patch = await client.patch('/v1.1/queues/q', { body: [] });
    expect(patch.status).to.equal(405);
    expect((await client.post('/v1.1/queues/q/purge', { body: {} })).status).to.equal(404);
  });

  it('ignores per-queue message settings', async () => {
    await client.put('/v2/queues/slow', { body: { _default_message_ttl: 120, _default_message_delay: 30 } });
    const post = await client.post('/v1.1/queues/slow/messages', { body: { messages: [{ body: 'x', delay: 10 }] } });
    expect(post.status).to.equal(201);
    const message = await client.get(post.json.resources[0]);
    expect(message.json.ttl).to.equal(3600);
    expect(message.json.href).to.match(/^\/v1\.1\/queues\/slow\/messages\//);
    // Not delayed, so immediately listed and claimable.
    const list = await client.get('/v1.1/queues/slow/messages?echo=true');
    expect(list.json.messages).to.have.length(1);
    expect(list.json.links[0].href).not.to.contain('include_delayed');
  });

  it('checks no policy with noauth, as Zaqar: health needs no admin role there', async () => {
    expect((await client.get('/v1.1/health')).status).to.equal(200);
    expect((await client.get('/v2/health')).status).to.equal(403);
  });

  it('is guarded by the same policy rules as v2 behind a real auth strategy', async () => {
    const guarded = await startServer({
      extraConfig: `
[DEFAULT]
enable_deprecated_api_versions = 1.1
auth_strategy = token-map

[plugins]
paths = ${path.join(ROOT, 'dist', 'tests', 'fixtures', 'plugins', 'token-map')}

[auth:token-map]
tokens = token-a:project-a
`,
    });
    try {
      const asA = { headers: { 'X-Auth-Token': 'token-a', 'X-Roles': 'admin' } };
      const v11 = new ZaqarClient(guarded.url, 'ignored');
      // token-map gives no roles, and the client's X-Roles is not believed: health:get (role:admin) refuses.
      expect((await v11.get('/v1.1/health', asA)).status).to.equal(403);
      expect((await v11.get('/v2/health', asA)).status).to.equal(403);
      expect((await v11.put('/v1.1/queues/q', asA)).status).to.equal(201);
    } finally {
      await guarded.cleanup();
    }
  });
});
