/**
 * `zaqar-manage pools drain NAME` on a pool serving live queues: two with
 * producers and consumers working them through two pooled servers, one
 * idle with a backlog and a message a consumer holds under its claim
 * through most of the drain.
 *
 * - a pool that serves queues cannot be deleted (409) until it is drained;
 * - drain moves every queue to the other pool of its flavor (here: the
 *   other pool without a flavor), waits for the held message to be deleted
 *   by its consumer, and no request fails meanwhile;
 * - every acknowledged message is delivered exactly once (counted by body,
 *   pooling-deliveries.ts), the idle queue's backlog arrives whole;
 * - afterwards the drained pool's redis-server holds no key at all, and the
 *   pool can be deleted;
 * - a pool with no other pool of its flavor is not drained (nowhere to go).
 */
import { expect } from 'chai';
import { ZaqarClient } from '../helpers/client';
import type { RunningServer } from '../helpers/server';
import { waitUntil } from '../../tools/services/process';
import { AdminClient, readCatalogue, startPooledServer, startZaqarManage, usePoolBackends, zaqarManage } from './pooling-cluster';
import { Deliveries } from './pooling-deliveries';

const PROJECT = 'drain';
const BUSY = ['busy-1', 'busy-2'];
const IDLE = 'idle';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('integration: zaqar-manage pools drain under load', function () {
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

  it('moves every queue off the pool while they are used: exactly once, nothing left in its backend, then it can be deleted', async () => {
    const admin = new AdminClient(one!.url, PROJECT);
    const client = new ZaqarClient(one!.url, PROJECT);
    // redis-a takes no new queue yet: every queue lands on redis-b.
    await admin.putPool('redis-a', backends().redisPool(0, 0));
    await admin.putPool('redis-b', backends().redisPool(1, 100));
    await admin.putPool('ferret', backends().mongoPool(100, 'durable'));
    await admin.putFlavor('durable', ['ferret']);
    for (const queue of [...BUSY, IDLE]) expect((await client.put(`/v2/queues/${queue}`)).status).to.equal(201);
    expect((await client.put('/v2/queues/kept', { body: { _flavor: 'durable' } })).status).to.equal(201);
    await admin.patchPool('redis-a', { weight: 100 });

    // The idle queue: a backlog, one message held under a consumer's claim.
    const backlog = new Deliveries([one!.url], PROJECT, IDLE, { producers: 0, consumers: 1 });
    await backlog.seed(200);
    const held = await client.post(`/v2/queues/${IDLE}/claims?limit=1`, { body: { ttl: 300, grace: 60 } });
    expect(held.status, held.text).to.equal(201);
    const heldMessage = (held.json.messages as { href: string }[])[0].href;

    const refused = await admin.request('DELETE', '/v2/pools/redis-b');
    expect(refused.status, refused.text).to.equal(409);

    const loads = BUSY.map((queue) => new Deliveries([one!.url, two!.url], PROJECT, queue, { producers: 1, consumers: 1, producerPauseMs: 20, consumerPauseMs: 50 }));
    for (const load of loads) await load.seed(300);
    for (const load of loads) load.start();
    let drain;
    let heldDeletedAfterMs = 0;
    try {
      await waitUntil(async () => loads.every((load) => load.acknowledgedCount() >= 400 && load.deliveredCount() >= 20), 30_000, 'traffic before the drain');
      const draining = startZaqarManage(one!.configFile, ['pools', 'drain', 'redis-b']);
      const started = Date.now();
      // The held message stays where its claim is: the mover waits for it once the rest of the idle queue is moved.
      await waitUntil(async () => draining.stderr().includes(`${PROJECT}/${IDLE}: 199 moved; 1 held by consumers' claims`), 60_000, 'the mover waiting for the held message');
      await sleep(1500);
      // Its consumer deletes it, with its claim, through the other server.
      const deleted = await new ZaqarClient(two!.url, PROJECT).delete(heldMessage);
      expect(deleted.status, deleted.text).to.equal(204);
      heldDeletedAfterMs = Date.now() - started;
      drain = await draining.done;
      expect(drain.code, drain.stderr).to.equal(0);
    } finally {
      for (const load of loads) await load.finish();
    }
    for (const load of loads) load.expectExactlyOnce();

    // The idle queue's backlog, less the held message, arrived whole on redis-a.
    backlog.start();
    await backlog.finish();
    expect(backlog.failures).to.deep.equal([]);
    expect(backlog.deliveredCount(), 'backlog delivered after the drain (all but the held message)').to.equal(199);

    const reports = JSON.parse(drain.stdout) as { queue: string; from: string; to: string; moved: number; seconds: number }[];
    expect(reports.map((r) => r.queue).sort()).to.deep.equal([...BUSY, IDLE].sort());
    for (const report of reports) expect(report).to.include({ from: 'redis-b', to: 'redis-a' });
    const catalogue = readCatalogue(shared());
    for (const queue of [...BUSY, IDLE]) expect(catalogue.get(`${PROJECT}/${queue}`), queue).to.deep.equal({ pool: 'redis-a', movingFrom: null });
    expect(catalogue.get(`${PROJECT}/kept`)?.pool).to.equal('ferret');
    expect(await backends().redis[1].command('KEYS', '*'), 'keys left in the drained pool\'s redis-server').to.deep.equal([]);
    const removed = await admin.request('DELETE', '/v2/pools/redis-b');
    expect(removed.status, removed.text).to.equal(204);

    // Nowhere to go: ferret is the only pool of its flavor.
    const stuck = await zaqarManage(one!.configFile, ['pools', 'drain', 'ferret']);
    expect(stuck.code).to.not.equal(0);
    expect(stuck.stderr).to.contain('no other pool of flavor durable');

    console.log(
      `      pools drain redis-b: ${reports.map((r) => `${r.queue} ${r.moved} moved in ${r.seconds} s`).join(', ')}; drain took ${drain.ms} ms ` +
        `(held message deleted ${heldDeletedAfterMs} ms in); ${loads.map((l) => `${l.acknowledgedCount()} acknowledged / ${l.deliveredCount()} delivered exactly once`).join(', ')}; ` +
        `backlog ${backlog.deliveredCount()} delivered after the drain; drain of ferret refused (exit ${stuck.code}): ${stuck.stderr.trim()}`,
    );
  });
});
