/**
 * A real zaqar-server on Redis with Sentinel (master, replica, 3 sentinels)
 * and the DEFAULT configuration (no wait_replicas: a Sentinel URI means 1),
 * while SENTINEL FAILOVER runs under 16 posting clients and 2 consumers:
 *
 * - the server follows the new master by itself;
 * - during the switch it answers 503 with Zaqar's body: writes the old
 *   master takes after the replica was promoted (it keeps accepting them
 *   for ~11 s) are never acknowledged, and neither are writes the new
 *   master takes before it has a replica again (the demoted master re-syncs
 *   ~11 s later);
 * - no acknowledged message is lost, none exists twice, none was handed to
 *   two live claims.
 *
 * Needs redis-server (skips with a reason otherwise; fails under CI=true).
 * Run after `npx tsc -p tsconfig.json`: the server is dist/'s bin.
 */
import { expect } from 'chai';
import { ZaqarClient } from '../helpers/client';
import { type RunningServer, startServer } from '../helpers/server';
import { skipUnlessAvailable, waitUntil } from '../../tools/services/process';
import { redisServerMissing } from '../../tools/services/redis';
import { SentinelSetup } from '../../tools/services/sentinel';
import { redisStoresConfig, Traffic } from './redis-traffic';

describe('integration: zaqar-server on Redis Sentinel during a failover', function () {
  this.timeout(120_000);
  let setup: SentinelSetup | undefined;
  let server: RunningServer | undefined;

  before(async function () {
    skipUnlessAvailable(this, redisServerMissing());
    setup = await SentinelSetup.start();
    server = await startServer({ extraConfig: redisStoresConfig(setup.uri()) });
  });
  after(async () => {
    await server?.cleanup();
    await setup?.stop();
  });

  it('follows the new master, answers 503 during the switch and loses no acknowledged message', async () => {
    // The default in force: both stores acknowledge a write once one replica has it.
    const connected = server!
      .stderr()
      .split('\n')
      .filter((line) => line.includes('"connected to the Redis master"'))
      .map((line) => JSON.parse(line).wait_replicas);
    expect(connected).to.deep.equal([1, 1]);
    const client = new ZaqarClient(server!.url, 'failover-tenant');
    expect((await client.put('/v2/queues/work')).status).to.equal(201);
    const traffic = new Traffic(server!.url, 'failover-tenant', 'work', { producers: 16, consumers: 2 });
    traffic.start();
    try {
      await waitUntil(async () => traffic.acknowledgedCount() >= 100 && traffic.claimedCount() >= 20, 30_000, 'traffic before the failover');

      const { from, to } = await setup!.failover();
      await waitUntil(async () => traffic.unavailableCount() > 0, 30_000, 'workers see 503s during the switch');

      // The server writes again once the new master has a replica: the demoted one, re-synced.
      await setup!.replicaSynced(from);
      const acknowledged = traffic.acknowledgedCount();
      await waitUntil(async () => traffic.acknowledgedCount() >= acknowledged + 100, 60_000, 'writes acknowledged on the new master');
      expect(await setup!.masterPort()).to.equal(to);
      expect((await client.get('/v2/ping')).status).to.equal(204);
    } finally {
      await traffic.stop();
    }

    traffic.expectOnlyZaqar503s();
    await traffic.expectConsistent();
  });
});
