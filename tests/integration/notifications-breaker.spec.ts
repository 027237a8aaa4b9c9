/**
 * The subscriber circuit breaker end to end: a real zaqar-server with the
 * notifier stage, a webhook subscriber whose port first refuses
 * connections (nothing listens) and later comes up. Everything posted
 * meanwhile is delivered exactly once once it is up, while it was down the
 * attempts stayed few (the breaker's close log line counts them), and a
 * healthy subscriber of the same queue was served throughout.
 */
import { expect } from 'chai';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ZaqarClient } from '../helpers/client';
import { startServer, type RunningServer } from '../helpers/server';
import { WebhookReceiver } from '../fixtures/webhook-receiver';

const CONFIG = `
[storage]
message_pipeline = zaqar.notification.notifier

[drivers:notifier:webhook]
timeout = 1

[notification]
breaker_failure_threshold = 5
breaker_max_cooldown = 4
`;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function logLines(server: RunningServer, msg: string): Record<string, unknown>[] {
  return server
    .stderr()
    .split('\n')
    .filter((l) => l.includes(msg))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function numbers(bodies: string[]): number[] {
  return bodies.map((b) => (JSON.parse(b) as { body: { n: number } }).body.n).sort((a, b) => a - b);
}

describe('integration: notification circuit breaker', function () {
  this.timeout(120_000);
  let server: RunningServer | undefined;
  let healthy: WebhookReceiver | undefined;
  let revived: WebhookReceiver | undefined;

  afterEach(async () => {
    await server?.cleanup();
    server = undefined;
    await healthy?.close();
    await revived?.close();
    healthy = revived = undefined;
  });

  it('parks deliveries to a refusing subscriber and delivers each exactly once when it comes up, with few attempts meanwhile', async () => {
    const port = await freePort();
    healthy = await WebhookReceiver.start();
    server = await startServer({ extraConfig: CONFIG });
    const client = new ZaqarClient(server.url, 'breaker');
    for (const subscriber of [`http://127.0.0.1:${port}/hook`, healthy.url('/ok')]) {
      const reply = await client.post('/v2/queues/orders/subscriptions', { body: { subscriber, ttl: 3600, options: {} } });
      expect(reply.status, reply.text).to.equal(201);
    }

    // 40 posts of 10 messages over about 6 s while nothing listens on `port`.
    const total = 400;
    for (let n = 0; n < total; n += 10) {
      const messages = Array.from({ length: 10 }, (_, i) => ({ ttl: 600, body: { n: n + i } }));
      const reply = await client.post('/v2/queues/orders/messages', { body: { messages } });
      expect(reply.status, reply.text).to.equal(201);
      await new Promise((r) => setTimeout(r, 150));
    }
    await healthy.waitFor(total, 20_000, '/ok');
    await until(() => logLines(server!, 'circuit breaker opened').length > 0, 10_000, 'the breaker to open');
    expect(logLines(server, 'circuit breaker closed')).to.have.length(0);

    revived = await WebhookReceiver.start(port);
    const received = await revived.waitFor(total, 40_000, '/hook');
    await until(() => logLines(server!, 'circuit breaker closed').length > 0, 10_000, 'the breaker to close');
    // Anything late would be a duplicate: give it a moment to show.
    await new Promise((r) => setTimeout(r, 3000));

    const expected = [...Array(total).keys()];
    expect(numbers(revived.requestsTo('/hook').map((r) => r.body))).to.deep.equal(expected);
    expect(numbers(healthy.requestsTo('/ok').map((r) => r.body))).to.deep.equal(expected);
    expect(received.length).to.be.at.least(total);

    const opened = logLines(server, 'circuit breaker opened');
    const [closed] = logLines(server, 'circuit breaker closed');
    console.log(`      while down: ${String(closed.failures)} failed attempts (${String(closed.probes)} probes), ${String(closed.parked)} attempts parked, for ${total} notifications`);
    expect(opened, 'one opened line per outage').to.have.length(1);
    expect(opened[0]).to.include({ destination: `http://127.0.0.1:${port}`, level: 30 });
    expect(closed.destination).to.equal(`http://127.0.0.1:${port}`);
    // Without the breaker each of the 400 would have made 4 attempts at once (first + 3 immediate retries) and more later.
    expect(closed.failures as number, 'failed attempts while down').to.be.below(40);
    expect(closed.parked as number).to.be.above(0);
    expect(server.stderr()).not.to.match(/given up/);
  });

  it('a parked delivery uses no retry: with a policy of 3 attempts, parked ones are still delivered after several cool-downs', async () => {
    const port = await freePort();
    server = await startServer({ extraConfig: CONFIG.replace('breaker_max_cooldown = 4', 'breaker_max_cooldown = 30') });
    const client = new ZaqarClient(server.url, 'breaker-retries');
    // The first attempt, then retries after the back-off's 1 and 6 s: 3 attempts in all.
    const policy = { retries_with_no_delay: 0, minimum_delay_retries: 0, minimum_delay: 1, maximum_delay: 11, maximum_delay_retries: 0 };
    const reply = await client.post('/v2/queues/jobs/subscriptions', {
      body: { subscriber: `http://127.0.0.1:${port}/hook`, ttl: 3600, options: { _retry_policy: policy } },
    });
    expect(reply.status, reply.text).to.equal(201);
    const total = 200;
    for (let n = 0; n < total; n += 10) {
      const messages = Array.from({ length: 10 }, (_, i) => ({ ttl: 600, body: { n: n + i } }));
      const posted = await client.post('/v2/queues/jobs/messages', { body: { messages } });
      expect(posted.status, posted.text).to.equal(201);
      await new Promise((r) => setTimeout(r, 150));
    }
    // Down for about 6 s in all: cool-downs of 1, 2 and 4 s have passed, each ending in a failed probe.
    await new Promise((r) => setTimeout(r, 3000));
    revived = await WebhookReceiver.start(port);
    await until(() => logLines(server!, 'circuit breaker closed').length > 0, 30_000, 'the breaker to close');
    const [closed] = logLines(server, 'circuit breaker closed');
    const givenUp = logLines(server, 'given up');
    await until(() => new Set(numbers(revived!.requestsTo('/hook').map((r) => r.body))).size + givenUp.length >= total, 30_000, 'every delivery');
    await new Promise((r) => setTimeout(r, 2000));

    const delivered = numbers(revived.requestsTo('/hook').map((r) => r.body));
    console.log(`      ${delivered.length} delivered, ${givenUp.length} given up; ${String(closed.probes)} probes, ${String(closed.parked)} attempts parked`);
    expect(new Set(delivered).size, 'no duplicates').to.equal(delivered.length);
    // More parked attempts than notifications: counted as attempts, they would have used up the policy of many.
    expect(closed.parked as number, 'parked attempts').to.be.above(total);
    // Only deliveries that really failed 3 attempts (those of the first batch, before the breaker opened, and failed probes) are given up.
    expect(givenUp.every((l) => l.attempts === 3), JSON.stringify(givenUp)).to.equal(true);
    expect(givenUp.length).to.be.at.most(10 + (closed.probes as number));
    expect(delivered.length + givenUp.length).to.equal(total);
  });
});
