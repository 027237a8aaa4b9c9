/**
 * Two pooled zaqar-server processes on one management store (the SQL store
 * on one SQLite file):
 *
 * - a queue created through one is served by the other: every step of a
 *   message's life alternates between the two servers;
 * - a pool added through one is used by the other for the next queue it
 *   places (placement reads the pools, it does not cache them);
 * - a pool whose URI is changed through one is used at its new URI by the
 *   other within the catalog's cache TTL (10 s), and by the first too;
 * - a queue both create at the same moment (explicitly, or lazily by a
 *   first post) ends on one pool: what each posts, the other lists.
 *
 * The timings are printed.
 */
import { expect } from 'chai';
import { ZaqarClient } from '../helpers/client';
import type { RunningServer } from '../helpers/server';
import { AdminClient, MongoPoolProbe, readCatalogue, redisMessageIds, startPooledServer, usePoolBackends } from './pooling-cluster';

const PROJECT = 'two-servers';
const CACHE_TTL_MS = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const idOf = (href: string) => href.split('?')[0].split('/').pop()!;

describe('integration: two pooled servers on one management store', function () {
  this.timeout(120_000);
  const { backends, shared } = usePoolBackends();
  let one: RunningServer | undefined;
  let two: RunningServer | undefined;

  before(async () => {
    one = await startPooledServer(shared());
    two = await startPooledServer(shared());
  });
  after(async () => {
    await one?.cleanup();
    await two?.cleanup();
  });

  it('serves a queue created through one server from the other, a pool added through one at once, a pool changed within the cache TTL', async () => {
    const [a, b] = [new ZaqarClient(one!.url, PROJECT), new ZaqarClient(two!.url, PROJECT)];
    const admin = new AdminClient(one!.url, PROJECT);
    await admin.putPool('alpha', backends().redisPool(0, 100));

    // Created through one, served by the other; each step on the other server than the one before.
    expect((await a.put('/v2/queues/shared', { body: { description: 'made on one' } })).status).to.equal(201);
    expect((await b.get('/v2/queues/shared')).json.description).to.equal('made on one');
    const posted = await b.post('/v2/queues/shared/messages', { body: { messages: [{ body: 1 }, { body: 2 }, { body: 3 }] } });
    expect(posted.status, posted.text).to.equal(201);
    const ids = (posted.json.resources as string[]).map(idOf);
    expect((await redisMessageIds(backends().redis[0], PROJECT, 'shared')).sort()).to.deep.equal([...ids].sort());
    const listed = await a.get('/v2/queues/shared/messages?echo=true');
    expect((listed.json.messages as { id: string }[]).map((m) => m.id)).to.deep.equal(ids);
    const claim = await a.post('/v2/queues/shared/claims?limit=2', { body: { ttl: 60, grace: 60 } });
    expect(claim.status, claim.text).to.equal(201);
    const claimPath = claim.headers.get('location')!;
    expect((await b.get(claimPath)).status).to.equal(200);
    expect((await b.patch(claimPath, { body: { ttl: 90 } })).status).to.equal(204);
    for (const message of claim.json.messages as { href: string }[]) expect((await b.delete(message.href)).status).to.equal(204);
    expect((await a.get('/v2/queues/shared/stats')).json.messages).to.include({ total: 1, claimed: 0, free: 1 });
    const popped = await b.delete('/v2/queues/shared/messages?pop=1');
    expect((popped.json.messages as { id: string }[]).map((m) => m.id)).to.deep.equal([ids[2]]);
    expect((await b.delete('/v2/queues/shared')).status).to.equal(204);
    expect(((await a.get('/v2/queues')).json.queues as { name: string }[]).map((q) => q.name)).to.not.include('shared');

    // A pool added through one: the other places its next queue there (alpha no longer takes new queues).
    let started = Date.now();
    await admin.putPool('beta', backends().mongoPool(100, 'durable'));
    await admin.putFlavor('durable', ['beta']);
    const durable = await b.put('/v2/queues/on-beta', { body: { _flavor: 'durable' } });
    expect(durable.status, durable.text).to.equal(201);
    const addedMs = Date.now() - started;
    expect(readCatalogue(shared()).get(`${PROJECT}/on-beta`)?.pool).to.equal('beta');
    const [onBeta] = ((await b.post('/v2/queues/on-beta/messages', { body: { messages: [{ body: 'beta' }] } })).json.resources as string[]).map(idOf);
    const probe = new MongoPoolProbe(backends().ferret.uri);
    try {
      expect(await probe.messageIds(PROJECT, 'on-beta')).to.deep.equal([onBeta]);
    } finally {
      await probe.close();
    }

    // A pool changed through one: alpha moves to the second redis-server. Both servers have alpha's
    // store open (queue `steady` was used through each); each must post there within the cache TTL.
    expect((await a.put('/v2/queues/steady')).status).to.equal(201);
    for (const client of [a, b]) expect((await client.post('/v2/queues/steady/messages', { body: { messages: [{ body: 'old uri' }] } })).status).to.equal(201);
    started = Date.now();
    await admin.patchPool('alpha', { uri: backends().redis[1].uri() });
    const switched: Record<string, number | undefined> = { one: undefined, two: undefined };
    while ((switched.one === undefined || switched.two === undefined) && Date.now() - started < CACHE_TTL_MS + 5000) {
      for (const [name, client] of [['one', a], ['two', b]] as const) {
        if (switched[name] !== undefined) continue;
        const reply = await client.post('/v2/queues/steady/messages', { body: { messages: [{ body: name }] } });
        expect(reply.status, reply.text).to.equal(201);
        const id = idOf((reply.json.resources as string[])[0]);
        if ((await redisMessageIds(backends().redis[1], PROJECT, 'steady')).includes(id)) switched[name] = Date.now() - started;
        else expect(await redisMessageIds(backends().redis[0], PROJECT, 'steady'), 'a post before the switch went to the old URI').to.include(id);
      }
      await sleep(100);
    }
    console.log(
      `      two servers: pool added through one, used by the other after ${addedMs} ms (PUT pool + PUT flavor + placement); ` +
        `pool URI changed through one: new URI used by the other after ${switched.two} ms, by the one that changed it after ${switched.one} ms (cache TTL ${CACHE_TTL_MS} ms)`,
    );
    expect(switched.two, 'the other server uses the new URI within the cache TTL').to.be.a('number').and.below(CACHE_TTL_MS + 1000);
    expect(switched.one, 'the server that changed it too').to.be.a('number').and.below(CACHE_TTL_MS + 1000);
  });

  it('places a queue both servers create at the same moment on one pool: each server\'s messages are seen through the other', async () => {
    const [a, b] = [new ZaqarClient(one!.url, PROJECT), new ZaqarClient(two!.url, PROJECT)];
    const admin = new AdminClient(one!.url, PROJECT);
    // Two pools of equal weight (database 2 of each redis-server: URIs no other pool uses).
    await admin.putPool('left', { uri: `${backends().redis[0].uri()}?dbid=2`, weight: 100 });
    await admin.putPool('right', { uri: `${backends().redis[1].uri()}?dbid=2`, weight: 100 });
    await admin.patchPool('alpha', { weight: 0 });
    const split: string[] = [];
    for (let i = 0; i < 40; i++) {
      const queue = `race-${i}`;
      // Half created explicitly by both at once, half lazily by a first post through each at once.
      if (i % 2 === 0) {
        const created = await Promise.all([a.put(`/v2/queues/${queue}`), b.put(`/v2/queues/${queue}`)]);
        expect(created.map((r) => r.status).sort(), created.map((r) => r.text).join()).to.deep.equal([201, 204]);
      }
      const posted = await Promise.all([a, b].map((client, n) => client.post(`/v2/queues/${queue}/messages`, { body: { messages: [{ body: { through: n } }] } })));
      for (const reply of posted) expect(reply.status, reply.text).to.equal(201);
      for (const client of [a, b]) {
        const listed = await client.get(`/v2/queues/${queue}/messages?echo=true`);
        if ((listed.json.messages as unknown[]).length !== 2) split.push(`${queue} (seen through ${client === a ? 'one' : 'two'}: ${listed.text})`);
      }
    }
    console.log(`      two servers creating the same 40 queues at once: ${split.length} listings saw only one server's message`);
    expect(split, 'queues whose messages went to two pools').to.deep.equal([]);
  });
});
