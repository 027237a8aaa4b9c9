/**
 * `zaqar-manage queues move PROJECT QUEUE --to POOL` on a live queue, with
 * producers and consumers working it through two pooled servers the whole
 * time (pooling-deliveries.ts counts deliveries by body, since moved
 * messages get new ids):
 *
 * - between two Redis pools, then from a Redis pool to the FerretDB pool;
 * - no request fails while the queue moves; every acknowledged message is
 *   delivered (claimed and deleted) exactly once;
 * - afterwards the catalogue names the new pool only, and the old pool's
 *   backend holds nothing of the queue — right after the move and again
 *   once every server has stopped serving it from both pools (one cache TTL
 *   later), while the traffic goes on.
 */
import { expect } from 'chai';
import type { RunningServer } from '../helpers/server';
import { waitUntil } from '../../tools/services/process';
import { AdminClient, MongoPoolProbe, readCatalogue, redisKeysOf, redisMessageIds, startPooledServer, usePoolBackends, zaqarManage } from './pooling-cluster';
import { Deliveries } from './pooling-deliveries';

const PROJECT = 'move';
const CACHE_TTL_MS = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('integration: zaqar-manage queues move under load', function () {
  this.timeout(120_000);
  const { backends, shared } = usePoolBackends();
  let one: RunningServer | undefined;
  let two: RunningServer | undefined;

  before(async () => {
    one = await startPooledServer(shared());
    two = await startPooledServer(shared());
    const admin = new AdminClient(one.url, PROJECT);
    await admin.putPool('redis-a', backends().redisPool(0, 100));
    // Weight 0: takes no new queue, but queues can be moved to it.
    await admin.putPool('redis-b', backends().redisPool(1, 0));
    await admin.putPool('ferret', backends().mongoPool(100, 'durable'));
    await admin.putFlavor('durable', ['ferret']);
  });
  after(async () => {
    await one?.cleanup();
    await two?.cleanup();
  });

  async function moveUnderLoad(queue: string, to: string, backlog: number, options: ConstructorParameters<typeof Deliveries>[3], watchAfterwards: boolean) {
    const phases: Record<string, number> = {};
    let mark = Date.now();
    const phase = (name: string) => {
      phases[name] = Date.now() - mark;
      mark = Date.now();
    };
    const admin = new AdminClient(one!.url, PROJECT);
    expect((await admin.request('PUT', `/v2/queues/${queue}`)).status).to.equal(201);
    expect(readCatalogue(shared()).get(`${PROJECT}/${queue}`)?.pool).to.equal('redis-a');
    const load = new Deliveries([one!.url, two!.url], PROJECT, queue, options);
    await load.seed(backlog);
    phase('seed');
    load.start();
    let move;
    try {
      await waitUntil(async () => load.acknowledgedCount() >= 100 && load.deliveredCount() >= 20, 30_000, 'traffic before the move');
      const before = { acknowledged: load.acknowledgedCount(), delivered: load.deliveredCount() };
      phase('warm-up');
      // The probe sees the queue on its pool before the move (so its empty answers afterwards mean something).
      expect(await redisKeysOf(backends().redis[0], PROJECT, queue)).to.include(`${PROJECT}.${queue}.messages`);
      move = await zaqarManage(one!.configFile, ['queues', 'move', PROJECT, queue, '--to', to]);
      phase('move');
      expect(move.code, move.stderr).to.equal(0);
      const during = { acknowledged: load.acknowledgedCount() - before.acknowledged, delivered: load.deliveredCount() - before.delivered };
      expect(during.acknowledged, 'posted during the move').to.be.greaterThan(0);
      expect(during.delivered, 'delivered during the move').to.be.greaterThan(0);
      expect(readCatalogue(shared()).get(`${PROJECT}/${queue}`), 'catalogue entry after the move').to.deep.equal({ pool: to, movingFrom: null });
      expect(await redisKeysOf(backends().redis[0], PROJECT, queue, load.ids()), 'redis-a right after the move').to.deep.equal([]);
      if (watchAfterwards) {
        // Servers may serve the queue from both pools for one more cache TTL: the old pool must stay empty meanwhile.
        await sleep(CACHE_TTL_MS + 1000);
        expect(await redisKeysOf(backends().redis[0], PROJECT, queue, load.ids()), 'redis-a one cache TTL after the move').to.deep.equal([]);
        phase('watch');
      }
    } finally {
      await load.finish();
    }
    phase('finish');
    load.expectExactlyOnce();
    expect(await redisKeysOf(backends().redis[0], PROJECT, queue, load.ids()), 'redis-a at the end').to.deep.equal([]);
    const report = JSON.parse(move.stdout) as { from: string; to: string; moved: number; seconds: number };
    expect(report).to.include({ from: 'redis-a', to });
    return { report, move, load, phases };
  }

  it('moves a queue between two Redis pools while producers and consumers work it: exactly once, nothing left behind', async () => {
    const { report, move, load, phases } = await moveUnderLoad('busy', 'redis-b', 1500, { producers: 2, consumers: 2, producerPauseMs: 20, consumerPauseMs: 50 }, true);
    expect(report.moved, 'messages the mover copied').to.be.greaterThan(0);
    expect(await redisMessageIds(backends().redis[1], PROJECT, 'busy'), 'redis-b once the consumers emptied the queue').to.deep.equal([]);
    console.log(
      `      queues move redis-a -> redis-b: ${report.moved} messages moved by the mover in ${move.ms} ms; ` +
        `${load.acknowledgedCount()} acknowledged, ${load.deliveredCount()} delivered exactly once (phases, ms: ${JSON.stringify(phases)})`,
    );
  });

  it('moves a queue from a Redis pool to the FerretDB pool under load: exactly once, nothing left behind', async () => {
    const { report, move, load, phases } = await moveUnderLoad('to-ferret', 'ferret', 300, { producers: 1, consumers: 1, producerPauseMs: 50, consumerPauseMs: 100 }, false);
    expect(report.moved, 'messages the mover copied').to.be.greaterThan(0);
    const probe = new MongoPoolProbe(backends().ferret.uri);
    try {
      expect(await probe.messageIds(PROJECT, 'to-ferret'), 'ferret once the consumers emptied the queue').to.deep.equal([]);
    } finally {
      await probe.close();
    }
    console.log(
      `      queues move redis-a -> ferret: ${report.moved} messages moved by the mover in ${move.ms} ms; ` +
        `${load.acknowledgedCount()} acknowledged, ${load.deliveredCount()} delivered exactly once (phases, ms: ${JSON.stringify(phases)})`,
    );
  });
});
