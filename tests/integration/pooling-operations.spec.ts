/**
 * Every v2 queue, message and claim operation over HTTP through a pooled
 * zaqar-server, on one queue of each real pool — redis-a (no flavor),
 * redis-b (flavor `fast`), ferret (FerretDB, flavor `durable`):
 *
 * - queues: create, get, update (JSON patch), list (plain and detailed),
 *   stats, purge, delete — and a queue created lazily by its first post;
 * - messages: post, list, get, get many, delete, delete many, pop;
 * - claims: claim, get, renew, release, and delete with the claim id.
 *
 * After each step that writes, the queue's messages are read from the
 * backends directly: they are in its pool's backend and in no other; after
 * the delete, no backend holds anything of the queue and the catalogue no
 * longer names it.
 */
import { expect } from 'chai';
import { type Reply, ZaqarClient } from '../helpers/client';
import type { RunningServer } from '../helpers/server';
import {
  AdminClient,
  MongoPoolProbe,
  readCatalogue,
  redisKeysOf,
  redisMessageIds,
  startPooledServer,
  usePoolBackends,
} from './pooling-cluster';

const PROJECT = 'operations';
const PATCH = { 'Content-Type': 'application/openstack-messaging-v2.0-json-patch' };
type Pool = 'redis-a' | 'redis-b' | 'ferret';

const idOf = (href: string) => href.split('?')[0].split('/').pop()!;
const claimIdOf = (href: string) => new URL(href, 'http://x').searchParams.get('claim_id')!;

function expectStatus(reply: Reply, status: number, what: string): void {
  expect(reply.status, `${what}: ${reply.text}`).to.equal(status);
}

describe('integration: every v2 queue, message and claim operation through pooling, on each pool', function () {
  this.timeout(120_000);
  const { backends, shared } = usePoolBackends();
  let server: RunningServer | undefined;
  let client: ZaqarClient;
  let probe: MongoPoolProbe;

  before(async () => {
    server = await startPooledServer(shared());
    client = new ZaqarClient(server.url, PROJECT);
    probe = new MongoPoolProbe(backends().ferret.uri);
    const admin = new AdminClient(server.url, PROJECT);
    await admin.putPool('redis-a', backends().redisPool(0, 100));
    await admin.putPool('redis-b', backends().redisPool(1, 100, 'fast'));
    await admin.putPool('ferret', backends().mongoPool(100, 'durable'));
    await admin.putFlavor('fast', ['redis-b']);
    await admin.putFlavor('durable', ['ferret']);
  });
  after(async () => {
    await probe?.close();
    await server?.cleanup();
  });

  /** The queue's message ids in each backend, read directly. */
  async function inBackends(queue: string): Promise<Record<Pool, string[]>> {
    return {
      'redis-a': (await redisMessageIds(backends().redis[0], PROJECT, queue)).sort(),
      'redis-b': (await redisMessageIds(backends().redis[1], PROJECT, queue)).sort(),
      ferret: (await probe.messageIds(PROJECT, queue)).sort(),
    };
  }

  /** Exactly `ids` are stored, all in `pool`'s backend. */
  async function expectStoredIn(pool: Pool, queue: string, ids: string[]): Promise<void> {
    const expected: Record<Pool, string[]> = { 'redis-a': [], 'redis-b': [], ferret: [] };
    expected[pool] = [...ids].sort();
    expect(await inBackends(queue), `messages of ${queue} in the backends`).to.deep.equal(expected);
  }

  async function post(queue: string, bodies: unknown[]): Promise<string[]> {
    const reply = await client.post(`/v2/queues/${queue}/messages`, { body: { messages: bodies.map((body) => ({ ttl: 600, body })) } });
    expectStatus(reply, 201, `post to ${queue}`);
    return (reply.json.resources as string[]).map(idOf);
  }

  const cases: { pool: Pool; queue: string; metadata: Record<string, unknown> }[] = [
    { pool: 'redis-a', queue: 'ops-plain', metadata: {} },
    { pool: 'redis-b', queue: 'ops-fast', metadata: { _flavor: 'fast' } },
    { pool: 'ferret', queue: 'ops-durable', metadata: { _flavor: 'durable' } },
  ];

  for (const { pool, queue, metadata } of cases) {
    it(`queue ${queue} on ${pool}: queue, message and claim operations, data only in ${pool}'s backend`, async () => {
      const path = `/v2/queues/${queue}`;
      // Queues: create, get, update, list, stats.
      expectStatus(await client.put(path, { body: { ...metadata, description: 'first' } }), 201, 'create');
      expect(readCatalogue(shared()).get(`${PROJECT}/${queue}`)?.pool, 'catalogue entry').to.equal(pool);
      const got = await client.get(path);
      expectStatus(got, 200, 'get queue');
      expect(got.json).to.include({ description: 'first', _default_message_ttl: 3600, ...metadata });
      const patched = await client.patch(path, { headers: PATCH, body: [{ op: 'replace', path: '/metadata/description', value: 'second' }] });
      expectStatus(patched, 200, 'update queue');
      expect(patched.json.description).to.equal('second');
      const listed = await client.get('/v2/queues?detailed=true');
      expectStatus(listed, 200, 'list queues');
      const entry = (listed.json.queues as { name: string; metadata: Record<string, unknown> }[]).find((q) => q.name === queue);
      expect(entry?.metadata.description, 'detailed listing').to.equal('second');
      expect(((await client.get('/v2/queues')).json.queues as { name: string }[]).map((q) => q.name)).to.include(queue);

      // Messages: post, list, get, get many.
      const ids = await post(queue, [1, 2, 3, 4, 5, 6, 7, 8].map((n) => ({ n })));
      await expectStoredIn(pool, queue, ids);
      const page = await client.get(`${path}/messages?echo=true&limit=3`);
      expectStatus(page, 200, 'list messages');
      expect((page.json.messages as { id: string }[]).map((m) => m.id)).to.deep.equal(ids.slice(0, 3));
      const rest = await client.get((page.json.links as { href: string }[])[0].href);
      expect((rest.json.messages as { id: string }[]).map((m) => m.id)).to.deep.equal(ids.slice(3, 6));
      const one = await client.get(`${path}/messages/${ids[1]}`);
      expectStatus(one, 200, 'get message');
      expect(one.json.body).to.deep.equal({ n: 2 });
      const many = await client.get(`${path}/messages?ids=${ids[0]},${ids[2]}`);
      expectStatus(many, 200, 'get many');
      expect((many.json.messages as { id: string }[]).map((m) => m.id).sort()).to.deep.equal([ids[0], ids[2]].sort());
      const stats = await client.get(`${path}/stats`);
      expectStatus(stats, 200, 'stats');
      expect(stats.json.messages).to.include({ total: 8, free: 8, claimed: 0 });
      expect(idOf(stats.json.messages.oldest.href)).to.equal(ids[0]);
      expect(idOf(stats.json.messages.newest.href)).to.equal(ids[7]);

      // Delete, delete many, pop.
      expectStatus(await client.delete(`${path}/messages/${ids[0]}`), 204, 'delete message');
      expectStatus(await client.delete(`${path}/messages?ids=${ids[1]},${ids[2]}`), 204, 'delete many');
      const popped = await client.delete(`${path}/messages?pop=1`);
      expectStatus(popped, 200, 'pop');
      expect((popped.json.messages as { id: string }[]).map((m) => m.id)).to.deep.equal([ids[3]]);
      await expectStoredIn(pool, queue, ids.slice(4));

      // Claims: claim, get, renew, delete with the claim id, release.
      const claim = await client.post(`${path}/claims?limit=2`, { body: { ttl: 60, grace: 60 } });
      expectStatus(claim, 201, 'claim');
      const claimed = claim.json.messages as { id: string; href: string }[];
      expect(claimed.map((m) => m.id)).to.deep.equal(ids.slice(4, 6));
      const claimPath = claim.headers.get('location')!;
      const claimId = claimIdOf(claimed[0].href);
      expect(claimPath).to.equal(`${path}/claims/${claimId}`);
      const info = await client.get(claimPath);
      expectStatus(info, 200, 'get claim');
      expect(info.json).to.include({ ttl: 60 });
      expect((info.json.messages as { id: string }[]).map((m) => m.id)).to.deep.equal(ids.slice(4, 6));
      expectStatus(await client.patch(claimPath, { body: { ttl: 120, grace: 60 } }), 204, 'renew claim');
      expect((await client.get(claimPath)).json.ttl).to.equal(120);
      expect((await client.get(`${path}/stats`)).json.messages).to.include({ total: 4, claimed: 2, free: 2 });
      const wrongClaim = await client.delete(`${path}/messages/${ids[4]}`);
      expectStatus(wrongClaim, 403, 'delete a claimed message without its claim id');
      expectStatus(await client.delete(claimed[0].href), 204, 'delete with claim');
      expectStatus(await client.delete(claimPath), 204, 'release claim');
      expectStatus(await client.get(claimPath), 404, 'released claim');
      const again = await client.post(`${path}/claims?limit=10`, { body: { ttl: 60, grace: 60 } });
      expectStatus(again, 201, 'claim after release');
      expect((again.json.messages as { id: string }[]).map((m) => m.id)).to.deep.equal(ids.slice(5));
      await expectStoredIn(pool, queue, ids.slice(5));

      // The probes below see the queue while it has data (so their empty answers after the delete mean something).
      const held = [...ids.slice(5), claimIdOf(again.json.messages[0].href)];
      if (pool === 'ferret') expect(await probe.documentsOf(PROJECT, queue, held)).to.deep.equal({ messages: 3 });
      else expect(await redisKeysOf(backends().redis[pool === 'redis-a' ? 0 : 1], PROJECT, queue, held)).to.include.members([`${PROJECT}.${queue}.messages`, ...held]);

      // Purge removes what is not claimed (Zaqar's purge pops), then delete: nothing of the queue is left anywhere.
      const unclaimed = await post(queue, ['to be purged']);
      await expectStoredIn(pool, queue, [...ids.slice(5), ...unclaimed]);
      expectStatus(await client.post(`${path}/purge`, { body: { resource_types: ['messages'] } }), 204, 'purge');
      expect((await client.get(`${path}/stats`)).json.messages, 'after purge').to.include({ total: 3, claimed: 3, free: 0 });
      await expectStoredIn(pool, queue, ids.slice(5));
      expectStatus(await client.delete(path), 204, 'delete queue');
      // (GET of a queue that does not exist answers its defaults, as Zaqar does; the listing tells.)
      expect(((await client.get('/v2/queues')).json.queues as { name: string }[]).map((q) => q.name), 'after delete').to.not.include(queue);
      expect(readCatalogue(shared()).has(`${PROJECT}/${queue}`), 'catalogue entry after delete').to.equal(false);
      await expectStoredIn(pool, queue, []);
      const everything = [...ids, ...unclaimed, claimId, claimIdOf(again.json.messages[0].href)];
      expect(await redisKeysOf(backends().redis[0], PROJECT, queue, everything), 'redis-a keys').to.deep.equal([]);
      expect(await redisKeysOf(backends().redis[1], PROJECT, queue, everything), 'redis-b keys').to.deep.equal([]);
      // (FerretDB keeps the queue's marker counter, see MongoPoolProbe.documentsOf.)
      expect(await probe.documentsOf(PROJECT, queue, everything), 'ferret documents').to.deep.equal({});
    });
  }

  it('creates a queue lazily on its first post, on a pool of no flavor, and lists queues of every pool', async () => {
    const ids = await post('ops-lazy', ['first']);
    expect(readCatalogue(shared()).get(`${PROJECT}/ops-lazy`)?.pool).to.equal('redis-a');
    await expectStoredIn('redis-a', 'ops-lazy', ids);
    expectStatus(await client.get('/v2/queues/ops-lazy'), 200, 'lazily created queue');
    // The queues of the tests above were deleted (a failed test may have left its own: 204 then).
    for (const { queue, metadata } of cases) expect((await client.put(`/v2/queues/${queue}`, { body: metadata })).status).to.be.oneOf([201, 204]);
    const names = ((await client.get('/v2/queues?limit=10')).json.queues as { name: string }[]).map((q) => q.name);
    expect(names).to.deep.equal(['ops-durable', 'ops-fast', 'ops-lazy', 'ops-plain']);
  });
});
