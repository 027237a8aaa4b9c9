/**
 * Subscriptions are effective for the next post, on the same server and on
 * another one (zaqar/notification/presence.ts: the notifier stage writes an
 * outbox entry only for queues with subscriptions, and never caches "no
 * subscriptions"). Two zaqar-server processes with the notifier stage on
 * one pair of SQLite files, a webhook receiver on loopback:
 *
 * - posts made before any subscription are never delivered (no entry was
 *   written for them), even once a subscription exists;
 * - a subscription created through one server receives the post made
 *   right after its 201 through the other server, and through the same
 *   one — for queues and for topics, repeated to catch a race.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ZaqarClient } from '../helpers/client';
import { startServer, type RunningServer } from '../helpers/server';
import { WebhookReceiver } from '../fixtures/webhook-receiver';

const NOTIFIER = `
[storage]
message_pipeline = zaqar.notification.notifier

[drivers:notifier:webhook]
timeout = 1
`;
const ROUNDS = 10;

describe('integration: a subscription is effective for the next post, on either of two servers', function () {
  this.timeout(120_000);
  let dataDir: string;
  let servers: RunningServer[] = [];
  let receiver: WebhookReceiver;

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'zaqar-ts-presence-'));
    servers.push(await startServer({ dataDir, extraConfig: NOTIFIER }));
    servers.push(await startServer({ dataDir, extraConfig: NOTIFIER }));
    receiver = await WebhookReceiver.start();
  });
  after(async () => {
    for (const server of servers) await server.cleanup();
    servers = [];
    await receiver?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function post(client: ZaqarClient, collection: string, name: string, tag: string): Promise<void> {
    const reply = await client.post(`/v2/${collection}/${name}/messages`, { body: { messages: [{ ttl: 300, body: { tag } }] } });
    expect(reply.status, reply.text).to.equal(201);
  }

  it('delivers the post right after the 201 of the subscription, through the other server and the same one; never posts made before', async () => {
    const [a, b] = servers.map((s) => new ZaqarClient(s.url, 'presence'));
    const expected: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const collection = round % 2 === 0 ? 'queues' : 'topics';
      const name = `round-${round}`;
      expect((await a.put(`/v2/${collection}/${name}`, { body: {} })).status).to.equal(201);
      await post(a, collection, name, `${name}-before-on-a`);
      await post(b, collection, name, `${name}-before-on-b`);
      const hook = `/${name}`;
      const created = await a.post(`/v2/${collection}/${name}/subscriptions`, { body: { subscriber: receiver.url(hook), ttl: 3600 } });
      expect(created.status, created.text).to.equal(201);
      await post(b, collection, name, `${name}-after-on-b`);
      await post(a, collection, name, `${name}-after-on-a`);
      expected.push(`${name}-after-on-a`, `${name}-after-on-b`);
    }
    const started = Date.now();
    await receiver.waitFor(expected.length, 30_000);
    console.log(`      ${expected.length} notifications arrived ${Date.now() - started} ms after the last post`);
    // Anything for the posts made before the subscriptions would show now.
    await new Promise((r) => setTimeout(r, 1500));
    const tags: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const request of receiver.requestsTo(`/round-${round}`)) tags.push((JSON.parse(request.body) as { body: { tag: string } }).body.tag);
    }
    expect(tags.sort()).to.deep.equal(expected.sort());
  });
});
