/**
 * Placement through a pooled zaqar-server on three real pools — redis-a and
 * redis-b (two redis-server instances) and ferret (FerretDB) — and two
 * flavors, `durable` (ferret) and, from half-way, `fast` (redis-a, redis-b):
 *
 * - 300 queues created over HTTP, 100 without a flavor (while the Redis
 *   pools have none, weights 100 : 200), 100 with `_flavor: fast` (after
 *   the Redis pools joined it, weights 300 : 100) and 100 with
 *   `_flavor: durable`, land on the pools in proportion to the weights
 *   (Pearson's chi-square below the 1% critical value), never on a pool of
 *   another flavor;
 * - each queue's message is in its own pool's backend and nowhere else,
 *   read from redis-server and FerretDB directly, and that pool is the one
 *   the catalogue (the management store's SQLite file) names.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { ZaqarClient } from '../helpers/client';
import type { RunningServer } from '../helpers/server';
import { AdminClient, chiSquare, MongoPoolProbe, readCatalogue, redisMessageIds, startPooledServer, usePoolBackends } from './pooling-cluster';

// A new project each run: placement hashes the project and queue name (zaqar/pooling/catalog.ts), so each run is a new sample.
const PROJECT = `placement-${randomBytes(4).toString('hex')}`;

describe('integration: pooling places queues by flavor and weight on three real pools', function () {
  this.timeout(120_000);
  const { backends, shared } = usePoolBackends();
  let server: RunningServer | undefined;

  before(async () => {
    server = await startPooledServer(shared());
  });
  after(async () => {
    await server?.cleanup();
  });

  it('puts 300 queues on the pools in proportion to the weights, and their messages only in their pools\' backends', async () => {
    const admin = new AdminClient(server!.url, PROJECT);
    const client = new ZaqarClient(server!.url, PROJECT);
    await admin.putPool('redis-a', backends().redisPool(0, 100));
    await admin.putPool('redis-b', backends().redisPool(1, 200));
    await admin.putPool('ferret', backends().mongoPool(100, 'durable'));
    await admin.putFlavor('durable', ['ferret']);

    const kinds = new Map<string, 'plain' | 'fast' | 'durable'>();
    const create = async (name: string, kind: 'plain' | 'fast' | 'durable') => {
      const reply = await client.put(`/v2/queues/${name}`, { body: kind === 'plain' ? {} : { _flavor: kind } });
      expect(reply.status, `create ${name}: ${reply.text}`).to.equal(201);
      kinds.set(name, kind);
    };
    for (let i = 0; i < 100; i++) {
      await create(`plain-${i}`, 'plain');
      if (i % 2 === 0) await create(`durable-${i}`, 'durable');
    }
    // The Redis pools join flavor `fast` with new weights; queues placed so far stay where they are.
    await admin.putFlavor('fast', ['redis-a', 'redis-b']);
    await admin.patchPool('redis-a', { weight: 300 });
    await admin.patchPool('redis-b', { weight: 100 });
    for (let i = 0; i < 100; i++) {
      await create(`fast-${i}`, 'fast');
      if (i % 2 === 1) await create(`durable-${i}`, 'durable');
    }
    // No pool without a flavor is left: a queue without one has nowhere to go.
    const nowhere = await client.put('/v2/queues/plain-late');
    expect(nowhere.status, nowhere.text).to.not.equal(201);
    expect(kinds.size).to.equal(300);

    // One message in every queue.
    const posted = new Map<string, string>();
    for (const name of kinds.keys()) {
      const reply = await client.post(`/v2/queues/${name}/messages`, { body: { messages: [{ ttl: 600, body: { queue: name } }] } });
      expect(reply.status, `post to ${name}: ${reply.text}`).to.equal(201);
      posted.set(name, (reply.json.resources as string[])[0].split('/').pop()!);
    }

    // Where each message is, asked of the backends themselves.
    const probe = new MongoPoolProbe(backends().ferret.uri);
    const holders = new Map<string, string[]>();
    try {
      for (const [name, id] of posted) {
        const found: string[] = [];
        if ((await redisMessageIds(backends().redis[0], PROJECT, name)).includes(id)) found.push('redis-a');
        if ((await redisMessageIds(backends().redis[1], PROJECT, name)).includes(id)) found.push('redis-b');
        if ((await probe.messageIds(PROJECT, name)).includes(id)) found.push('ferret');
        holders.set(name, found);
      }
    } finally {
      await probe.close();
    }
    const catalogue = readCatalogue(shared());
    const counts = { plain: {} as Record<string, number>, fast: {} as Record<string, number>, durable: {} as Record<string, number> };
    for (const [name, kind] of kinds) {
      const found = holders.get(name)!;
      expect(found, `backends holding the message of ${name}`).to.have.lengthOf(1);
      expect(catalogue.get(`${PROJECT}/${name}`)?.pool, `catalogue entry of ${name}`).to.equal(found[0]);
      counts[kind][found[0]] = (counts[kind][found[0]] ?? 0) + 1;
    }

    expect(Object.keys(counts.plain).sort(), 'pools of unflavored queues').to.deep.equal(['redis-a', 'redis-b']);
    expect(Object.keys(counts.fast).sort(), 'pools of fast queues').to.deep.equal(['redis-a', 'redis-b']);
    expect(counts.durable, 'pools of durable queues').to.deep.equal({ ferret: 100 });
    const plain = chiSquare([counts.plain['redis-a'], counts.plain['redis-b']], [100, 200]);
    const fast = chiSquare([counts.fast['redis-a'], counts.fast['redis-b']], [300, 100]);
    // Two independent groups: the statistics add up, with 2 degrees of freedom (critical value 9.21 at p = 0.01).
    const combined = plain.statistic + fast.statistic;
    console.log(
      `      placement: unflavored a:b = ${counts.plain['redis-a']}:${counts.plain['redis-b']} (weights 1:2, chi2 ${plain.statistic.toFixed(3)}), ` +
        `fast a:b = ${counts.fast['redis-a']}:${counts.fast['redis-b']} (weights 3:1, chi2 ${fast.statistic.toFixed(3)}), ` +
        `durable ferret = ${counts.durable.ferret}; combined chi2 ${combined.toFixed(3)} (df 2, critical 9.21 at p = 0.01); ` +
        `queue without a flavor once no unflavored pool is left: ${nowhere.status}`,
    );
    expect(combined, 'chi-square over both weighted groups (df 2)').to.be.below(9.21);
  });
});
