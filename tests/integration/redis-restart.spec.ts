/**
 * A real zaqar-server on the Redis stores while its redis-server restarts
 * (gracefully, then with SIGKILL), under concurrent producers and
 * consumers:
 *
 * - during the outage the API answers 503 with Zaqar's body (ping too),
 *   quickly — requests fail fast instead of queueing;
 * - it recovers by itself once Redis is back;
 * - with `appendfsync always`, no acknowledged (201) message is lost, none
 *   exists twice, and no message was handed to two live claims.
 *
 * Needs redis-server (skips with a reason otherwise; fails under CI=true).
 * Run after `npx tsc -p tsconfig.json`: the server is dist/'s bin.
 */
import { expect } from 'chai';
import { ZaqarClient } from '../helpers/client';
import { type RunningServer, startServer } from '../helpers/server';
import { skipUnlessAvailable, waitUntil } from '../../tools/services/process';
import { RedisServer, redisServerMissing } from '../../tools/services/redis';
import { Traffic, expectZaqar503, redisStoresConfig } from './redis-traffic';

describe('integration: zaqar-server on Redis across redis-server restarts', function () {
  this.timeout(120_000);
  let redis: RedisServer | undefined;
  let server: RunningServer | undefined;

  before(async function () {
    skipUnlessAvailable(this, redisServerMissing());
    redis = await RedisServer.start({ aof: true });
    server = await startServer({ extraConfig: redisStoresConfig(redis.uri()) });
  });
  after(async () => {
    await server?.cleanup();
    await redis?.close();
  });

  it('answers 503 while Redis is down, recovers by itself and keeps every acknowledged message exactly once', async () => {
    const client = new ZaqarClient(server!.url, 'restart-tenant');
    expect((await client.put('/v2/queues/work')).status).to.equal(201);
    const traffic = new Traffic(server!.url, 'restart-tenant', 'work');
    traffic.start();
    try {
      for (const kill of [false, true]) {
        const before = traffic.acknowledgedCount();
        await waitUntil(async () => traffic.acknowledgedCount() >= before + 50 && traffic.claimedCount() > 0, 30_000, 'traffic before the outage');

        await (kill ? redis!.kill() : redis!.stop());
        // Down: 503 with Zaqar's body, at once (no request waits for Redis to come back).
        const started = Date.now();
        const ping = await client.get('/v2/ping');
        expect(ping.status, 'ping while Redis is down').to.equal(503);
        const posted = await client.post('/v2/queues/work/messages', { body: { messages: [{ ttl: 300, body: 'during outage' }] } });
        expectZaqar503(posted, 'Messages could not be enqueued.');
        const listed = await client.get('/v2/queues/work/messages?echo=true');
        expect(listed.status).to.equal(503);
        expect(Date.now() - started, 'requests fail fast while Redis is down').to.be.below(2000);
        await waitUntil(async () => traffic.unavailableCount() > 0, 10_000, 'workers see 503s during the outage');

        await redis!.launch();
        // Back: the server reconnects by itself.
        await waitUntil(async () => (await client.get('/v2/ping')).status === 204, 30_000, 'ping answers 204 again', undefined);
        const after = traffic.acknowledgedCount();
        await waitUntil(async () => traffic.acknowledgedCount() >= after + 50, 30_000, 'traffic after the restart');
      }
    } finally {
      await traffic.stop();
    }

    traffic.expectOnlyZaqar503s();
    await traffic.expectConsistent();
  });
});
