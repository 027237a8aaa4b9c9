/**
 * One pool's backend killed (SIGKILL) under load, through a pooled
 * zaqar-server on three pools — redis-a, redis-b (redis-server with an
 * fsync-always append-only file) and ferret (FerretDB on SQLite) — with
 * producers and consumers on one queue of each pool (Traffic,
 * redis-traffic.ts):
 *
 * - while redis-a is down, its queue answers 503 with Zaqar's body, and the
 *   queues of redis-b and ferret keep posting and claiming without a single
 *   error; the same while ferret is down, for the two Redis queues;
 * - ping keeps answering (it is the catalog's), and the detailed health
 *   names the pool that is down;
 * - after each restart (same port, same data) the queue works again by
 *   itself, and at the end no acknowledged message is lost, none is stored
 *   twice, none was handed to two live claims.
 */
import { expect } from 'chai';
import { ZaqarClient } from '../helpers/client';
import type { RunningServer } from '../helpers/server';
import { waitUntil } from '../../tools/services/process';
import { AdminClient, startPooledServer, usePoolBackends } from './pooling-cluster';
import { Traffic, expectZaqar503 } from './redis-traffic';

const PROJECT = 'outage';
const POOLS = ['redis-a', 'redis-b', 'ferret'] as const;
type Pool = (typeof POOLS)[number];
const QUEUE: Record<Pool, string> = { 'redis-a': 'work-a', 'redis-b': 'work-b', ferret: 'work-f' };

describe('integration: one pool\'s backend killed under load', function () {
  this.timeout(150_000);
  const { backends, shared } = usePoolBackends();
  let server: RunningServer | undefined;

  before(async () => {
    server = await startPooledServer(shared());
  });
  after(async () => {
    await server?.cleanup();
  });

  it('answers 503 for that pool\'s queue only, recovers after the restart, and loses no acknowledged message', async () => {
    const url = server!.url;
    const client = new ZaqarClient(url, PROJECT);
    const admin = new AdminClient(url, PROJECT);
    await admin.putPool('redis-a', backends().redisPool(0, 100));
    await admin.putPool('redis-b', backends().redisPool(1, 100, 'fast'));
    await admin.putPool('ferret', backends().mongoPool(100, 'durable'));
    await admin.putFlavor('fast', ['redis-b']);
    await admin.putFlavor('durable', ['ferret']);
    expect((await client.put(`/v2/queues/${QUEUE['redis-a']}`)).status).to.equal(201);
    expect((await client.put(`/v2/queues/${QUEUE['redis-b']}`, { body: { _flavor: 'fast' } })).status).to.equal(201);
    expect((await client.put(`/v2/queues/${QUEUE.ferret}`, { body: { _flavor: 'durable' } })).status).to.equal(201);

    const traffic = Object.fromEntries(POOLS.map((pool) => [pool, new Traffic(url, PROJECT, QUEUE[pool], { producers: 2, consumers: 1 })])) as Record<Pool, Traffic>;
    const outages: Record<string, number> = {};
    const answerMs: Record<string, number> = {};
    const progress = (pool: Pool) => ({ acknowledged: traffic[pool].acknowledgedCount(), claimed: traffic[pool].claimedCount() });
    for (const pool of POOLS) traffic[pool].start();
    try {
      const outage = async (down: Pool, kill: () => Promise<void>, restart: () => Promise<void>) => {
        const others = POOLS.filter((pool) => pool !== down);
        for (const pool of POOLS) {
          const before = progress(pool);
          await waitUntil(async () => progress(pool).acknowledged >= before.acknowledged + 30 && progress(pool).claimed > before.claimed, 30_000, `traffic on ${pool} before ${down} goes down`);
        }
        const unavailableBefore = traffic[down].unavailableCount();
        await kill();
        const othersBefore = others.map(progress);
        const othersFailed = others.map((pool) => traffic[pool].unavailableCount());

        // Down: the pool's queue answers 503 in Zaqar's format; ping is the catalog's.
        const asked = Date.now();
        expectZaqar503(await client.post(`/v2/queues/${QUEUE[down]}/messages`, { body: { messages: [{ body: 'during the outage' }] } }), 'Messages could not be enqueued.');
        expectZaqar503(await client.post(`/v2/queues/${QUEUE[down]}/claims`, { body: { ttl: 60, grace: 60 } }));
        expectZaqar503(await client.get(`/v2/queues/${QUEUE[down]}/stats`));
        answerMs[down] = Date.now() - asked;
        expect((await client.get('/v2/ping')).status, 'ping while a pool is down').to.equal(204);
        const health = await admin.request('GET', '/v2/health');
        expect(health.json.catalog_reachable).to.equal(true);
        expect(health.json[down].storage_reachable, `health of ${down}`).to.equal(false);
        for (const pool of others) expect(health.json[pool].storage_reachable, `health of ${pool}`).to.equal(true);
        // The other pools' queues keep posting and claiming meanwhile.
        await waitUntil(
          async () => others.every((pool, i) => progress(pool).acknowledged >= othersBefore[i].acknowledged + 30 && progress(pool).claimed > othersBefore[i].claimed),
          30_000,
          `posting and claiming on ${others.join(', ')} while ${down} is down`,
        );
        await waitUntil(async () => traffic[down].unavailableCount() > unavailableBefore + 10, 10_000, `503s on ${down}'s queue`);

        // Not one failure on the other queues while the pool was down (every failure is counted as a 503, see below).
        expect(others.map((pool) => traffic[pool].unavailableCount()), `failures on ${others.join(', ')} while ${down} was down`).to.deep.equal(othersFailed);

        await restart();
        const after = progress(down);
        await waitUntil(async () => progress(down).acknowledged >= after.acknowledged + 30 && progress(down).claimed > after.claimed, 30_000, `traffic on ${down} after its restart`);
        outages[down] = traffic[down].unavailableCount() - unavailableBefore;
      };

      const [redisA] = backends().redis;
      await outage('redis-a', () => redisA.kill(), () => redisA.launch());
      await outage('ferret', () => backends().ferret.kill(), () => backends().ferret.start());
    } finally {
      for (const pool of POOLS) await traffic[pool].stop();
    }

    const totals = POOLS.map((pool) => `${pool}: ${traffic[pool].acknowledgedCount()} acknowledged, ${traffic[pool].claimedCount()} claimed, ${traffic[pool].unavailableCount()} 503s`);
    console.log(`      outage: 503s on the queue of the killed pool: redis-a ${outages['redis-a']}, ferret ${outages.ferret} (three 503s answered in ${answerMs['redis-a']} ms and ${answerMs.ferret} ms); ${totals.join('; ')}`);
    // redis-b never went down and was never disturbed: not one failure.
    expect(traffic['redis-b'].unavailableCount(), 'failures on redis-b').to.equal(0);
    for (const pool of POOLS) {
      traffic[pool].expectOnlyZaqar503s();
      await traffic[pool].expectConsistent();
    }
  });
});
