/**
 * Queue, message and claim lifecycles over HTTP against a real server on the
 * embedded store: the behaviour of Zaqar's v2 API (versions, home, ping and
 * health, queues, messages, claims) as a client sees it.
 */
import { expect } from 'chai';
import { ZaqarClient } from '../helpers/client';
import { startServer, type RunningServer } from '../helpers/server';

describe('functional: v2 lifecycle', function () {
  let server: RunningServer;
  let client: ZaqarClient;

  before(async () => {
    server = await startServer();
    client = new ZaqarClient(server.url, 'lifecycle');
  });
  after(async () => server.cleanup());

  describe('system endpoints', () => {
    it('serves the versions document without headers', async () => {
      const res = await fetch(server.url + '/');
      expect(res.status).to.equal(300);
      const body = (await res.json()) as { versions: { id: string }[] };
      expect(body.versions.map((v: { id: string }) => v.id)).to.deep.equal(['1', '1.1', '2']);
    });
    it('serves the home document with admin resources', async () => {
      const reply = await client.get('/v2/');
      expect(reply.status).to.equal(200);
      expect(reply.headers.get('content-type')).to.equal('application/json-home');
      expect(reply.headers.get('cache-control')).to.equal('max-age=86400');
      expect(Object.keys(reply.json.resources)).to.include.members(['rel/queues', 'rel/ping', 'rel/health']);
      expect(reply.text).to.match(/^\{\n {4}"resources": \{/);
    });
    it('answers ping with 204 and carries a request id', async () => {
      const reply = await client.get('/v2/ping');
      expect(reply.status).to.equal(204);
      expect(reply.headers.get('x-openstack-request-id')).to.match(/^req-[0-9a-f-]{36}$/);
      expect((await client.request('HEAD', '/v2/ping')).status).to.equal(204);
    });
    it('reports detailed health to admins only', async () => {
      expect((await client.get('/v2/health')).status).to.equal(403);
      const reply = await client.get('/v2/health', { headers: { 'X-Roles': 'admin' } });
      expect(reply.status).to.equal(200);
      expect(reply.json.storage_reachable).to.equal(true);
      expect(Object.keys(reply.json.operation_status)).to.deep.equal([
        'create_queue', 'post_messages', 'claim_messages', 'list_messages',
        'delete_messages', 'delete_claim', 'bulk_delete_messages', 'delete_queue',
      ]);
      for (const step of Object.values<any>(reply.json.operation_status)) expect(step.succeeded).to.equal(true);
    });
    it('answers unknown paths with 404 and unsupported methods with 405', async () => {
      const missing = await client.get('/v2/nowhere');
      expect(missing.status).to.equal(404);
      expect(missing.json).to.deep.equal({ title: '404 Not Found' });
      expect((await client.get('/v2')).status).to.equal(404);
      const notAllowed = await client.post('/v2/queues');
      expect(notAllowed.status).to.equal(405);
      expect(notAllowed.headers.get('allow')).to.equal('GET, OPTIONS');
      const options = await client.request('OPTIONS', '/v2/queues/q');
      expect(options.status).to.equal(200);
      expect(options.headers.get('allow')).to.equal('DELETE, GET, PATCH, PUT');
      // A method no route takes gets the route's own 405, not a bare one from the HTTP layer.
      const trace = await client.request('PROPFIND', '/v2/queues/q');
      expect(trace.status).to.equal(405);
      expect(trace.headers.get('allow')).to.equal('DELETE, GET, PATCH, PUT, OPTIONS');
      expect(trace.json).to.deep.equal({ title: '405 Method Not Allowed' });
      expect((await client.request('PROPFIND', '/v2/nowhere')).status).to.equal(404);
      // A queue name of any length reaches Zaqar's identification hook (the router does not cap parameter length).
      const long = await client.get(`/v2/queues/${'a'.repeat(120)}/stats`);
      expect(long.status).to.equal(400);
      expect(long.json.description).to.equal('The format of the submitted queue name or project id is not valid.');
    });
  });

  describe('queues', () => {
    it('creates (201, then 204), reads defaults, patches and deletes', async () => {
      const created = await client.put('/v2/queues/fizbit', { body: { description: 'hello', _default_message_ttl: 3600 } });
      expect(created.status).to.equal(201);
      expect(created.headers.get('location')).to.equal('/v2/queues/fizbit');
      expect((await client.put('/v2/queues/fizbit', { body: { other: 1 } })).status).to.equal(204);

      const got = await client.get('/v2/queues/fizbit');
      expect(got.json).to.deep.equal({
        description: 'hello',
        _default_message_ttl: 3600,
        _max_messages_post_size: 262144,
        _default_message_delay: 0,
        _dead_letter_queue: null,
        _dead_letter_queue_messages_ttl: null,
        _max_claim_count: null,
        _enable_encrypt_messages: false,
      });

      const patched = await client.patch('/v2/queues/fizbit', {
        headers: { 'Content-Type': 'application/openstack-messaging-v2.0-json-patch' },
        body: [
          { op: 'replace', path: '/metadata/description', value: 'new' },
          { op: 'add', path: '/metadata/_max_claim_count', value: 5 },
          { op: 'remove', path: '/metadata/_default_message_ttl' },
        ],
      });
      expect(patched.status).to.equal(200);
      expect(patched.json.description).to.equal('new');
      expect(patched.json._max_claim_count).to.equal(5);
      expect(patched.json._default_message_ttl).to.equal(3600);

      const conflict = await client.patch('/v2/queues/fizbit', {
        headers: { 'Content-Type': 'application/openstack-messaging-v2.0-json-patch' },
        body: [{ op: 'replace', path: '/metadata/absent', value: 1 }],
      });
      expect(conflict.status).to.equal(409);
      expect(conflict.json.description).to.equal("Can't replace non-existent object absent.");

      expect((await client.delete('/v2/queues/fizbit')).status).to.equal(204);
      expect((await client.delete('/v2/queues/fizbit')).status).to.equal(204);
      const gone = await client.patch('/v2/queues/fizbit', {
        headers: { 'Content-Type': 'application/openstack-messaging-v2.0-json-patch' },
        body: [],
      });
      expect(gone.status).to.equal(404);
    });

    it('lists with paging, details, count and metadata filters', async () => {
      const lister = new ZaqarClient(server.url, 'lister');
      for (const name of ['a1', 'a2', 'a3']) await lister.put(`/v2/queues/${name}`, { body: { node: name === 'a2' ? 34 : 1 } });
      const page1 = await lister.get('/v2/queues?limit=2&with_count=true');
      expect(page1.json.queues.map((q: { name: string }) => q.name)).to.deep.equal(['a1', 'a2']);
      expect(page1.json.count).to.equal(3);
      expect(page1.json.links[0].href).to.equal('/v2/queues?limit=2&with_count=true&marker=a2');
      const page2 = await lister.get(page1.json.links[0].href);
      expect(page2.json.queues.map((q: { name: string }) => q.name)).to.deep.equal(['a3']);
      const page3 = await lister.get(page2.json.links[0].href);
      expect(page3.json).to.deep.equal({ queues: [], links: [], count: 3 });
      const detailed = await lister.get('/v2/queues?detailed=true&limit=1');
      expect(detailed.json.queues[0].metadata._max_messages_post_size).to.equal(262144);
      const filtered = await lister.get('/v2/queues?node=34');
      expect(filtered.json.queues.map((q: { name: string }) => q.name)).to.deep.equal(['a2']);
    });

    it('keeps projects apart', async () => {
      const other = new ZaqarClient(server.url, 'someone-else');
      await client.put('/v2/queues/private');
      await client.post('/v2/queues/private/messages', { body: { messages: [{ body: 'mine' }] } });
      const list = await other.get('/v2/queues/private/messages?echo=true');
      expect(list.json.messages).to.deep.equal([]);
      const stats = await other.get('/v2/queues/private/stats');
      expect(stats.json.messages.total).to.equal(0);
    });
  });

  describe('messages', () => {
    it('posts a batch in order and lists it with echo', async () => {
      const post = await client.post('/v2/queues/msgs/messages', {
        body: { messages: [{ ttl: 300, body: { event: 'BackupStarted' } }, { body: 'plain string' }, { body: [1, 2] }] },
      });
      expect(post.status).to.equal(201);
      expect(post.json.resources).to.have.length(3);
      const ids = post.json.resources.map((r: string) => r.split('/').pop());
      expect(post.headers.get('location')).to.equal(`/v2/queues/msgs/messages?ids=${ids.join(',')}`);

      expect((await client.get('/v2/queues/msgs/messages')).json.messages).to.deep.equal([]);
      const listed = await client.get('/v2/queues/msgs/messages?echo=true&limit=2');
      expect(listed.json.messages.map((m: { id: string }) => m.id)).to.deep.equal(ids.slice(0, 2));
      expect(listed.json.messages[0]).to.include({ ttl: 300, href: `/v2/queues/msgs/messages/${ids[0]}` });
      expect(listed.json.messages[1].ttl).to.equal(3600);
      const next = listed.json.links[0].href;
      expect(next).to.match(/^\/v2\/queues\/msgs\/messages\?limit=2&echo=true&include_delayed=true&marker=/);
      const rest = await client.get(next);
      expect(rest.json.messages.map((m: { id: string }) => m.id)).to.deep.equal([ids[2]]);

      const byIds = await client.get(`/v2/queues/msgs/messages?ids=${ids[2]},${ids[0]}`);
      expect(byIds.json.messages.map((m: { id: string }) => m.id)).to.have.members([ids[0], ids[2]]);
      const one = await client.get(`/v2/queues/msgs/messages/${ids[1]}`);
      expect(one.json.body).to.equal('plain string');

      const other = new ZaqarClient(server.url, 'lifecycle', '7e55e1a7-e000-4000-8000-000000000001');
      expect((await other.get('/v2/queues/msgs/messages')).json.messages).to.have.length(3);
    });

    it('deletes by ids, pops, and reports stats', async () => {
      const post = await client.post('/v2/queues/popq/messages', { body: { messages: [1, 2, 3, 4].map((n) => ({ body: n })) } });
      const ids = post.json.resources.map((r: string) => r.split('/').pop());
      const stats = await client.get('/v2/queues/popq/stats');
      expect(stats.json.messages).to.include({ claimed: 0, free: 4, total: 4 });
      expect(stats.json.messages.oldest.href).to.equal(`/v2/queues/popq/messages/${ids[0]}`);
      expect(stats.json.messages.newest.href).to.equal(`/v2/queues/popq/messages/${ids[3]}`);
      expect(stats.json.messages.oldest.created).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);

      expect((await client.delete(`/v2/queues/popq/messages?ids=${ids[0]}`)).status).to.equal(204);
      const popped = await client.delete('/v2/queues/popq/messages?pop=2');
      expect(popped.status).to.equal(200);
      expect(popped.json.messages.map((m: { body: number }) => m.body)).to.deep.equal([2, 3]);
      expect(popped.json.messages[0]).to.have.keys(['id', 'age', 'ttl', 'body', 'claim_id', 'claim_count']);
      expect((await client.get('/v2/queues/popq/stats')).json.messages.total).to.equal(1);
      const both = await client.delete(`/v2/queues/popq/messages?ids=${ids[3]}&pop=1`);
      expect(both.status).to.equal(400);
    });

    it('purges unclaimed messages', async () => {
      await client.post('/v2/queues/purgeq/messages', { body: { messages: [{ body: 1 }, { body: 2 }] } });
      await client.post('/v2/queues/purgeq/claims?limit=1', { body: {} });
      expect((await client.post('/v2/queues/purgeq/purge', { body: { resource_types: ['messages'] } })).status).to.equal(204);
      expect((await client.get('/v2/queues/purgeq/stats')).json.messages).to.include({ total: 1, claimed: 1 });
      const bad = await client.post('/v2/queues/purgeq/purge', { body: { resource_types: ['nope'] } });
      expect(bad.status).to.equal(400);
    });

    it('returns checksums only when configured, and never 500s on odd bodies', async () => {
      const post = await client.post('/v2/queues/odd/messages', { body: { messages: [{ body: null }, { body: 'héllo' }, { body: { '': [] } }] } });
      expect(post.status).to.equal(201);
      const list = await client.get('/v2/queues/odd/messages?echo=true');
      expect(list.json.messages.map((m: { body: unknown }) => m.body)).to.deep.equal([null, 'héllo', { '': [] }]);
      expect(list.json.messages[0]).not.to.have.property('checksum');
    });
  });

  describe('claims', () => {
    it('claims, renews, deletes with the claim id and releases', async () => {
      await client.post('/v2/queues/claimq/messages', { body: { messages: [{ ttl: 300, body: { n: 1 } }, { ttl: 300, body: { n: 2 } }, { body: { n: 3 } }] } });
      const claim = await client.post('/v2/queues/claimq/claims?limit=2', { body: { ttl: 100, grace: 60 } });
      expect(claim.status).to.equal(201);
      const claimHref = claim.headers.get('location') as string;
      expect(claimHref).to.match(/^\/v2\/queues\/claimq\/claims\/.+/);
      const claimId = claimHref.split('/').pop();
      expect(claim.json.messages.map((m: { body: { n: number } }) => m.body.n)).to.deep.equal([1, 2]);
      expect(claim.json.messages[0].href).to.match(new RegExp(`\\?claim_id=${claimId}$`));

      const again = await client.post('/v2/queues/claimq/claims?limit=5', { body: {} });
      expect(again.json.messages.map((m: { body: { n: number } }) => m.body.n)).to.deep.equal([3]);
      expect((await client.post('/v2/queues/claimq/claims', { body: {} })).status).to.equal(204);

      const got = await client.get(claimHref);
      expect(got.status).to.equal(200);
      expect(got.json).to.include({ ttl: 100, href: claimHref });
      expect(got.json.messages).to.have.length(2);
      expect(Object.keys(got.json)).to.deep.equal(['age', 'ttl', 'messages', 'href']);

      expect((await client.patch(claimHref, { body: { ttl: 200 } })).status).to.equal(204);
      expect((await client.get(claimHref)).json.ttl).to.equal(200);
      expect((await client.patch(claimHref, { body: {} })).status).to.equal(204);
      expect((await client.get(claimHref)).json.ttl).to.equal(300);

      const [first, second] = claim.json.messages as { href: string }[];
      const plain = first.href.split('?')[0];
      const forbidden = await client.delete(plain);
      expect(forbidden.status).to.equal(403);
      expect(forbidden.json.description).to.equal('This message is claimed; it cannot be deleted without a valid claim ID.');
      expect((await client.delete(first.href)).status).to.equal(204);
      expect((await client.get(claimHref)).json.messages).to.have.length(1);

      expect((await client.delete(claimHref)).status).to.equal(204);
      expect((await client.get(claimHref)).status).to.equal(404);
      const notClaimed = await client.delete(second.href);
      expect(notClaimed.status).to.equal(400);
      expect(notClaimed.json.description).to.equal('A claim was specified, but the message is not currently claimed.');
      const reclaim = await client.post('/v2/queues/claimq/claims', { body: {} });
      expect(reclaim.json.messages.map((m: { body: { n: number } }) => m.body.n)).to.deep.equal([2]);
    });

    it('extends a message that would expire before the claim plus grace', async () => {
      await client.post('/v2/queues/extq/messages', { body: { messages: [{ ttl: 60, body: 'short' }] } });
      const claim = await client.post('/v2/queues/extq/claims', { body: { ttl: 300, grace: 60 } });
      expect(claim.json.messages[0].ttl).to.equal(360);
    });

    it('moves messages to the dead-letter queue after _max_claim_count claims', async () => {
      await client.put('/v2/queues/dlq');
      await client.put('/v2/queues/work', { body: { _max_claim_count: 1, _dead_letter_queue: 'dlq', _dead_letter_queue_messages_ttl: 600 } });
      await client.post('/v2/queues/work/messages', { body: { messages: [{ body: 'poison' }] } });
      const first = await client.post('/v2/queues/work/claims', { body: {} });
      expect(first.status).to.equal(201);
      await client.delete(first.headers.get('location') as string);
      const second = await client.post('/v2/queues/work/claims', { body: {} });
      expect(second.status).to.equal(204);
      const dlq = await client.get('/v2/queues/dlq/messages?echo=true&include_claimed=true');
      expect(dlq.json.messages.map((m: { body: string }) => m.body)).to.deep.equal(['poison']);
      expect(dlq.json.messages[0].ttl).to.equal(600);
    });

    it('keeps delayed messages out of listings and claims until their delay passes', async () => {
      await client.put('/v2/queues/delayed', { body: { _default_message_delay: 30 } });
      const post = await client.post('/v2/queues/delayed/messages', { body: { messages: [{ body: 'later' }] } });
      expect((await client.get('/v2/queues/delayed/messages?echo=true')).json.messages).to.deep.equal([]);
      expect((await client.get('/v2/queues/delayed/messages?echo=true&include_delayed=true')).json.messages).to.have.length(1);
      expect((await client.post('/v2/queues/delayed/claims', { body: {} })).status).to.equal(204);
      expect((await client.get(post.json.resources[0])).status).to.equal(200);
      // On a queue without a default delay the field is ignored.
      await client.post('/v2/queues/nodelay/messages', { body: { messages: [{ body: 'now', delay: 30 }] } });
      expect((await client.post('/v2/queues/nodelay/claims', { body: {} })).status).to.equal(201);
    });
  });

  describe('encrypted queues', () => {
    it('stores ciphertext but returns plaintext everywhere', async () => {
      await client.put('/v2/queues/secret', { body: { _enable_encrypt_messages: true } });
      const post = await client.post('/v2/queues/secret/messages', { body: { messages: [{ body: { card: '4111' } }, { body: 'text' }] } });
      const listed = await client.get('/v2/queues/secret/messages?echo=true');
      expect(listed.json.messages.map((m: { body: unknown }) => m.body)).to.deep.equal([{ card: '4111' }, 'text']);
      expect((await client.get(post.json.resources[1])).json.body).to.equal('text');
      const claim = await client.post('/v2/queues/secret/claims?limit=1', { body: {} });
      expect(claim.json.messages[0].body).to.deep.equal({ card: '4111' });
    });
  });

  describe('pre-signed URLs', () => {
    it('creates a signature that grants access to the listed paths only', async () => {
      await client.post('/v2/queues/shared/messages', { body: { messages: [{ body: 'shared' }] } });
      const share = await client.post('/v2/queues/shared/share', { body: { methods: ['GET', 'POST'] } });
      expect(share.status).to.equal(200);
      expect(share.json.paths).to.deep.equal(['/v2/queues/shared/messages']);
      const signed = {
        'URL-Signature': share.json.signature,
        'URL-Expires': share.json.expires,
        'URL-Methods': share.json.methods.join(','),
        'URL-Paths': share.json.paths.join(','),
      };
      const ok = await client.get('/v2/queues/shared/messages?echo=true', { headers: signed });
      expect(ok.status).to.equal(200);
      expect(ok.json.messages).to.have.length(1);
      const tampered = await client.get('/v2/queues/shared/messages', { headers: { ...signed, 'URL-Signature': 'f'.repeat(64) } });
      expect(tampered.status).to.equal(404);
      const wrongMethod = await client.delete('/v2/queues/shared/messages?pop=1', { headers: signed });
      expect(wrongMethod.status).to.equal(404);
    });
  });
});
