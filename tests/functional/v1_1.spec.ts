/**
 * API v1.1: mounted only when `[DEFAULT] enable_deprecated_api_versions`
 * lists it, and served as Zaqar's restricted v1.1 profile
 * (`zaqar.transport.wsgi.v1_1`: no queue PATCH/purge/share, raw metadata,
 * no per-queue message settings, no policy).
 */
import { expect } from 'chai';
import { ZaqarClient } from '../helpers/client';
import { startServer, type RunningServer } from '../helpers/server';

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

  it('checks no policy: health needs no admin role', async () => {
    expect((await client.get('/v1.1/health')).status).to.equal(200);
    expect((await client.get('/v2/health')).status).to.equal(403);
  });
});
