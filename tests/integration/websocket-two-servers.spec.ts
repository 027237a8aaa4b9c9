/**
 * Two server processes on one store (the SQLite files of one data folder):
 * a client subscribed through one server's WebSocket receives what is
 * posted through the other.
 *
 * - Cross-node path, made deterministic: the server holding the connection
 *   runs no notifier stage (so no dispatcher); only the other one does.
 *   Its dispatcher cannot push in-process, so it POSTs to the subscriber
 *   URI — the holding server's notification listener — which forwards to
 *   the connection.
 * - Both with the notifier stage: posts through either server (HTTP and
 *   WebSocket) reach the connections of both, each exactly once,
 *   whichever dispatcher claimed the outbox entry.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ZaqarClient } from '../helpers/client';
import { startServer, type RunningServer } from '../helpers/server';
import { BOTH_TRANSPORTS, WsClient, wsUrlOf } from '../helpers/ws-client';

const NO_NOTIFIER = BOTH_TRANSPORTS.replace(/\[storage\][^[]*/, '');

describe('integration: two server processes, a WebSocket subscriber on one, posts through the other', function () {
  this.timeout(120_000);
  let dir: string;
  const servers: RunningServer[] = [];
  const clients: WsClient[] = [];

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'zaqar-ts-ws-two-'));
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(servers.splice(0).map((s) => s.cleanup()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(extraConfig: string): Promise<{ server: RunningServer; ws: string; http: ZaqarClient }> {
    const server = await startServer({ dataDir: dir, extraConfig });
    servers.push(server);
    return { server, ws: await wsUrlOf(server), http: new ZaqarClient(server.url, 'two-nodes') };
  }

  it('delivers through the holding node’s notification listener when only the other node dispatches', async () => {
    const holder = await start(NO_NOTIFIER);
    const poster = await start(BOTH_TRANSPORTS);
    const client = await WsClient.open(holder.ws, 'two-nodes');
    clients.push(client);
    expect((await client.send('subscription_create', { queue_name: 'cross' })).headers.status).to.equal(201);
    for (let i = 0; i < 20; i++) {
      expect((await poster.http.post('/v2/queues/cross/messages', { body: { messages: [{ ttl: 300, body: { n: i } }] } })).status).to.equal(201);
    }
    await client.waitForNotifications(20);
    expect(client.notifications.map((n) => n.document.body.n).sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i));
    expect(client.notifications[0].document).to.deep.include({ Message_Type: 'Notification', queue_name: 'cross', ttl: 300 });
  });

  it('with both nodes dispatching, connections on both get every post of both, once', async () => {
    const one = await start(BOTH_TRANSPORTS);
    const two = await start(BOTH_TRANSPORTS);
    const onOne = await WsClient.open(one.ws, 'two-nodes');
    const onTwo = await WsClient.open(two.ws, 'two-nodes');
    clients.push(onOne, onTwo);
    await onOne.send('subscription_create', { queue_name: 'both' });
    await onTwo.send('subscription_create', { queue_name: 'both' }, { binary: true });
    const posts: Promise<unknown>[] = [];
    for (let i = 0; i < 40; i++) {
      if (i % 4 === 0) posts.push(onOne.send('message_post', { queue_name: 'both', messages: [{ body: i }] }));
      else if (i % 4 === 1) posts.push(onTwo.send('message_post', { queue_name: 'both', messages: [{ body: i }] }));
      else posts.push((i % 4 === 2 ? one : two).http.post('/v2/queues/both/messages', { body: { messages: [{ body: i }] } }));
    }
    await Promise.all(posts);
    await Promise.all([onOne.waitForNotifications(40), onTwo.waitForNotifications(40)]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const client of [onOne, onTwo]) {
      expect(client.notifications.map((n) => n.document.body).sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 40 }, (_, i) => i));
    }
    expect(onTwo.notifications.every((n) => n.binary)).to.equal(true);
  });
});
