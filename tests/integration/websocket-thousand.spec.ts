/**
 * 1,000 concurrent WebSocket clients on one server process, each
 * subscribed (to its own connection) to one of 10 queues; messages posted
 * over HTTP to every queue during a bounded run. Every client must receive
 * every message of its queue, and the server's resident memory must stay
 * under 300 MiB. RSS is read from /proc before the clients connect, at its
 * highest while they are connected and notified, and after they all left;
 * the figures are printed.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { ZaqarClient } from '../helpers/client';
import { startServer, type RunningServer } from '../helpers/server';
import { BOTH_TRANSPORTS, WsClient, wsUrlOf } from '../helpers/ws-client';

const CLIENTS = 1000;
const QUEUES = 10;
const MESSAGES_PER_QUEUE = 20;
const RSS_LIMIT_MIB = 300;

function rssMiB(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return Math.round((kb / 1024) * 10) / 10;
}

describe('integration: 1,000 WebSocket clients on 10 queues', function () {
  this.timeout(180_000);
  let server: RunningServer | undefined;
  const clients: WsClient[] = [];

  after(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
    await server?.cleanup();
  });

  it('delivers every message of its queue to every client, with server RSS under 300 MiB', async () => {
    server = await startServer({ extraConfig: BOTH_TRANSPORTS });
    const url = await wsUrlOf(server);
    const pid = server.child.pid!;
    const http = new ZaqarClient(server.url, 'thousand');
    for (let q = 0; q < QUEUES; q++) expect((await http.put(`/v2/queues/q${q}`)).status).to.equal(201);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const before = rssMiB(pid);

    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 100);
    try {
      const connectStarted = Date.now();
      for (let batch = 0; batch < CLIENTS; batch += 100) {
        const opened = await Promise.all(Array.from({ length: 100 }, () => WsClient.open(url, 'thousand')));
        clients.push(...opened);
        const answers = await Promise.all(opened.map((c, i) => c.send('subscription_create', { queue_name: `q${(batch + i) % QUEUES}` })));
        expect(answers.map((a) => a.headers.status)).to.deep.equal(Array(100).fill(201));
      }
      const connectedMs = Date.now() - connectStarted;

      const postStarted = Date.now();
      for (let m = 0; m < MESSAGES_PER_QUEUE; m++) {
        await Promise.all(
          Array.from({ length: QUEUES }, (_, q) => http.post(`/v2/queues/q${q}/messages`, { body: { messages: [{ ttl: 300, body: { q, m } }] } })),
        );
      }
      await Promise.all(clients.map((c) => c.waitForNotifications(MESSAGES_PER_QUEUE, 90_000)));
      const deliveredMs = Date.now() - postStarted;
      const during = rssMiB(pid);
      peak = Math.max(peak, during);

      let complete = 0;
      clients.forEach((client, i) => {
        const got = client.notifications.map((n) => n.document.body as { q: number; m: number });
        const q = i % QUEUES;
        if (got.length === MESSAGES_PER_QUEUE && got.every((b) => b.q === q) && new Set(got.map((b) => b.m)).size === MESSAGES_PER_QUEUE) complete++;
      });

      await Promise.all(clients.splice(0).map((c) => c.close()));
      let left = 1;
      for (let i = 0; i < 100 && left > 0; i++) {
        left = 0;
        for (let q = 0; q < QUEUES; q++) left += (await http.get(`/v2/queues/q${q}/subscriptions?limit=20`)).json.subscriptions.length;
        if (left > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const after = rssMiB(pid);
      process.stdout.write(
        `      ${CLIENTS} clients connected and subscribed in ${connectedMs} ms; ${QUEUES * MESSAGES_PER_QUEUE} posts, ` +
          `${CLIENTS * MESSAGES_PER_QUEUE} notifications delivered in ${deliveredMs} ms; clients complete: ${complete}/${CLIENTS}; ` +
          `server RSS before ${before} MiB, peak during ${peak} MiB, after ${after} MiB; subscriptions left after close: ${left}\n`,
      );
      expect(complete).to.equal(CLIENTS);
      expect(peak).to.be.below(RSS_LIMIT_MIB);
      expect(left, 'every connection subscription deleted at close').to.equal(0);
    } finally {
      clearInterval(sampler);
    }
  });
});
