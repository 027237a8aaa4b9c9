/**
 * The WebSocket transport over real sockets, against a real server process
 * that runs it beside HTTP (`[drivers] transport = wsgi, websocket`), with
 * no authentication (tests/integration/keystone-websocket.spec.ts has the
 * Keystone half): every action of Zaqar's WebSocket API in text and binary
 * frames, bad frames, push subscriptions and their clean-up, the policy
 * check, the notification listener, and the per-connection protection.
 */
import { encode } from '@msgpack/msgpack';
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import WebSocket from 'ws';
import { ZaqarClient } from '../helpers/client';
import { startServer, type RunningServer } from '../helpers/server';
import { BOTH_TRANSPORTS, CLIENT_ID, WsClient, wsUrlOf } from '../helpers/ws-client';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startBoth(extraConfig = '', files: Record<string, string> = {}): Promise<{ server: RunningServer; ws: string; dir: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'zaqar-ts-ws-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  const server = await startServer({ dataDir: dir, extraConfig: BOTH_TRANSPORTS + extraConfig });
  return { server, ws: await wsUrlOf(server), dir };
}

describe('functional: the WebSocket transport (no auth)', function () {
  this.timeout(60_000);
  let server: RunningServer;
  let dir: string;
  let url: string;
  let http: ZaqarClient;
  const clients: WsClient[] = [];
  const open = async (project = 'ws-actions'): Promise<WsClient> => {
    const client = await WsClient.open(url, project);
    clients.push(client);
    return client;
  };

  before(async () => {
    ({ server, ws: url, dir } = await startBoth('\n[DEFAULT]\npooling = true\n[pooling:catalog]\nenable_virtual_pool = true\n'));
    http = new ZaqarClient(server.url, 'ws-actions');
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => (c.socket.readyState === WebSocket.OPEN ? c.close() : undefined)));
  });
  after(async () => {
    await server?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('framing and the envelope', () => {
    it('accepts any request path, echoes the request and answers in the frame type of the request', async () => {
      const client = await WsClient.open(`${url}/some/path?x=1`, 'ws-frames');
      clients.push(client);
      const text = await client.send('queue_get', { queue_name: 'beautiful-non-existing-queue' });
      expect(text.binary).to.equal(false);
      expect(text).to.deep.include({
        request: { action: 'queue_get', body: { queue_name: 'beautiful-non-existing-queue' }, headers: client.headers, api: 'v2' },
        body: {},
        headers: { status: 200 },
      });
      const binary = await client.send('queue_get', { queue_name: 'beautiful-non-existing-queue' }, { binary: true });
      expect(binary.binary).to.equal(true);
      expect(binary.headers.status).to.equal(200);
    });

    it('writes JSON as Python does: ", " and ": " separators, non-ASCII escaped', async () => {
      const client = await open('ws-frames');
      const raw = await new Promise<string>((resolve) => {
        client.socket.once('message', (data) => resolve(data.toString()));
        client.socket.send(JSON.stringify({ action: 'queue_create', headers: client.headers, body: { queue_name: 'py', metadata: { 'clé': 'valeür' } } }));
      });
      expect(raw).to.contain('"metadata": {"cl\\u00e9": "vale\\u00fcr"}').and.to.contain('"headers": {"status": 201}');
    });

    it('answers frames it cannot use with Zaqar error envelopes, in order, and stays open', async () => {
      const client = await open('ws-frames');
      const empty = { action: null, body: {}, headers: {}, api: 'v2' };
      const answers = await Promise.all([
        client.raw('not json'),
        client.raw('\ufeff'),
        client.raw('123'),
        client.raw(Buffer.from('123')),
        client.raw(Buffer.from(encode("Apparently, I'm not a dictionary"))),
        client.raw(Buffer.from([0xc1])),
        client.raw(Buffer.from(encode({ action: 'queue_get', headers: client.headers, body: { queue_name: 'x', blob: new Uint8Array([1]) } }))),
        client.send('queue_glorify', {}),
        client.raw(JSON.stringify({ headers: client.headers })),
        client.raw(JSON.stringify({ action: 'queue_list' })),
        client.send('queue_create', { queue_name: 5 }),
        client.raw(`{"action": "claim_create", "headers": {"Client-ID": "${CLIENT_ID}", "X-Project-ID": "ws-frames"}, "body": {"queue_name": "q", "limit": 1.0}}`),
        client.send('message_list', { queue_name: 'q', echo: 1 }),
      ]);
      expect(answers.map((a) => a.headers.status)).to.deep.equal(Array(13).fill(400));
      expect(answers[0].request).to.deep.equal(empty);
      expect(answers[0].body.error).to.match(/^Can't decode text \(JSON\) request\. JSONDecodeError: /);
      expect(answers[2].body.error).to.equal('Unexpected body type. Expected dict or dict like.');
      expect(answers[3].body.error).to.match(/^Can't decode binary \(MessagePack\) request\. /);
      expect(answers[4].body.error).to.equal('Unexpected body type. Expected dict or dict like.');
      expect(answers[5].body.error).to.match(/^Can't decode binary/);
      expect(answers[6].body.error).to.match(/^Can't decode binary.*bin/);
      expect(answers[7].body).to.deep.equal({ error: 'queue_glorify is not a valid action' });
      expect(answers[8].body).to.deep.equal({ error: 'None is not a valid action' });
      expect(answers[9]).to.deep.include({ request: { action: 'queue_list', body: {}, headers: {}, api: 'v2' }, body: { error: 'Schema validation failed.' } });
      for (const answer of answers.slice(10)) expect(answer.body).to.deep.equal({ error: 'Schema validation failed.' });
      expect((await client.send('queue_list', {})).headers.status).to.equal(200);
    });

    it('closes a connection whose frame is larger than the limit with 1009, and one with bad UTF-8 with 1007', async () => {
      const big = await open('ws-frames');
      big.socket.send('x'.repeat(2 * 262_144 + 64 * 1024 + 1));
      expect((await big.closed).code).to.equal(1009);
      const bad = await open('ws-frames');
      bad.socket.send(Buffer.from([0xff, 0xfe]), { binary: false });
      expect((await bad.closed).code).to.equal(1007);
      // The server is unharmed.
      expect((await (await open('ws-frames')).send('queue_list', {})).headers.status).to.equal(200);
    });

    it('answers a plain HTTP request on the WebSocket port with 426', async () => {
      const res = await fetch(url.replace('ws:', 'http:'));
      expect(res.status).to.equal(426);
    });
  });

  describe('queues', () => {
    it('queue_create, queue_get, queue_list (detailed), queue_get_stats, queue_purge, queue_delete', async () => {
      const client = await open('ws-queues');
      const created = await client.send('queue_create', { queue_name: 'wsq', metadata: { a: 1 } });
      expect(created).to.deep.include({ body: 'Queue wsq created.', headers: { status: 201 } });
      expect(await client.send('queue_create', { queue_name: 'wsq' })).to.deep.include({ body: 'Queue wsq created.', headers: { status: 204 } });
      // Raw stored metadata: no reserved defaults on this transport.
      expect((await client.send('queue_get', { queue_name: 'wsq' })).body).to.deep.equal({ a: 1 });
      expect((await client.send('queue_list')).body).to.deep.equal({ queues: [{ name: 'wsq' }] });
      expect((await client.send('queue_list', { detailed: true })).body).to.deep.equal({ queues: [{ name: 'wsq', metadata: { a: 1 } }] });
      const limited = await client.send('queue_list', { limit: 21 });
      expect(limited).to.deep.include({ body: { exception: 'Limit must be at least 1 and no greater than 20.', error: null }, headers: { status: 400 } });

      const missing = await client.send('queue_get_stats', { queue_name: 'nowhere' });
      expect(missing).to.deep.include({ body: { messages: { claimed: 0, free: 0, total: 0 } }, headers: { status: 404 } });
      await client.send('message_post', { queue_name: 'wsq', messages: [{ body: 1 }, { body: 2 }] });
      const stats = await client.send('queue_get_stats', { queue_name: 'wsq' });
      expect(stats.headers.status).to.equal(200);
      expect(stats.body.messages).to.include({ claimed: 0, free: 2, total: 2 });
      expect(stats.body.messages.oldest).to.have.keys('id', 'age', 'created');

      expect(await client.send('queue_purge', { queue_name: 'wsq', resource_types: ['messages', 'unknown'] })).to.deep.include({ body: {}, headers: { status: 204 } });
      expect((await client.send('queue_get_stats', { queue_name: 'wsq' })).body.messages).to.include({ total: 0 });
      expect(await client.send('queue_delete', { queue_name: 'wsq' })).to.deep.include({ body: 'Queue wsq removed.', headers: { status: 204 } });
      expect((await client.send('queue_list')).body.queues).to.deep.equal([]);
    });

    it('validates queue names and metadata with Zaqar texts, and an empty project is refused', async () => {
      const client = await open('ws-queues');
      const bad = await client.send('queue_create', { queue_name: 'm@rsb@r' });
      expect(bad).to.deep.include({
        headers: { status: 400 },
        body: { exception: 'Queue names may only contain ASCII letters, digits, underscores, and dashes.', error: null },
      });
      expect((await client.send('queue_create', { queue_name: 'v'.repeat(65) })).headers.status).to.equal(400);
      const big = await client.send('queue_create', { queue_name: 'big', metadata: { k: 'x'.repeat(65_536) } });
      expect(big.headers.status).to.equal(400);
      expect(big.body.exception).to.match(/^Queue metadata is too large/);
      const noProject = await client.send('queue_create', { queue_name: 'p' }, { headers: { 'Client-ID': CLIENT_ID } });
      expect(noProject).to.deep.include({ body: { error: 'Schema validation failed.' } });
      const emptyProject = await client.send('queue_create', { queue_name: 'p' }, { headers: { 'Client-ID': CLIENT_ID, 'X-Project-ID': '' } });
      expect(emptyProject.headers.status).to.equal(400);
    });
  });

  describe('messages and claims', () => {
    it('message_post, message_list, message_get, message_get_many, message_delete, message_delete_many (ids and pop)', async () => {
      const client = await open('ws-messages');
      const posted = await client.send('message_post', { queue_name: 'mq', messages: [{ ttl: 300, body: { k: 1 } }, { body: 'two' }, { body: [3] }] });
      expect(posted.headers.status).to.equal(201);
      const ids = posted.body.message_ids as string[];
      expect(ids).to.have.length(3);

      const listed = await client.send('message_list', { queue_name: 'mq', echo: true, limit: 2 });
      expect(listed.body.messages).to.have.length(2);
      expect(listed.body.messages[0]).to.have.keys('id', 'claim_id', 'ttl', 'age', 'body');
      expect(listed.body.messages[0]).to.include({ id: ids[0], claim_id: null, ttl: 300 });
      // Without echo a client does not see its own messages.
      expect((await client.send('message_list', { queue_name: 'mq' })).body.messages).to.deep.equal([]);
      expect((await client.send('message_list', { queue_name: 'nonexistent' })).body).to.deep.equal({ messages: [] });

      const one = await client.send('message_get', { queue_name: 'mq', message_id: ids[1] });
      expect(one.body.messages).to.deep.include({ id: ids[1], body: 'two', claim_id: null });
      const gone = await client.send('message_get', { queue_name: 'mq', message_id: 'nonexistent' });
      expect(gone.headers.status).to.equal(404);
      expect(gone.body.error).to.equal(null);
      const many = await client.send('message_get_many', { queue_name: 'mq', message_ids: [ids[0], ids[2], 'nonexistent'] });
      expect(many.body.messages.map((m: { id: string }) => m.id)).to.deep.equal([ids[0], ids[2]]);
      const tooMany = await client.send('message_get_many', { queue_name: 'mq', message_ids: Array(21).fill(ids[0]) });
      expect(tooMany.headers.status).to.equal(400);

      expect(await client.send('message_delete', { queue_name: 'mq', message_id: ids[0] })).to.deep.include({ body: {}, headers: { status: 204 } });
      expect(await client.send('message_delete_many', { queue_name: 'mq', message_ids: [ids[1]] })).to.deep.include({ body: {}, headers: { status: 204 } });
      const popped = await client.send('message_delete_many', { queue_name: 'mq', pop: 1 });
      expect(popped.headers.status).to.equal(200);
      expect(popped.body.messages).to.have.length(1);
      expect(popped.body.messages[0]).to.include({ id: ids[2], claim_id: null, claim_count: 0 });
      const both = await client.send('message_delete_many', { queue_name: 'mq', message_ids: [ids[1]], pop: 1 });
      expect(both.body.exception).to.equal('pop and id params cannot be present together in the delete request.');
    });

    it('refuses bad posts with Zaqar texts (ttl, fields, Client-ID, size) and checks the TTL as an int', async () => {
      const client = await open('ws-messages');
      const post = (messages: unknown[], headers?: Record<string, unknown>) => client.send('message_post', { queue_name: 'bad', messages }, { headers });
      expect((await post([])).body.exception).to.equal('No messages to enqueu.');
      expect((await post([{ ttl: 30, body: 1 }])).body.exception).to.equal(
        'The TTL for a message may not exceed 1209600 seconds, and must be at least 60 seconds long.',
      );
      expect((await post([{ ttl: 60 }])).body.exception).to.equal('Bad request. Missing "body" field.');
      expect((await post([{ ttl: '200', body: 1 }])).body.exception).to.equal('Bad request. The value of the "ttl" field must be a int.');
      const float = await client.raw(
        `{"action": "message_post", "headers": {"Client-ID": "${CLIENT_ID}", "X-Project-ID": "ws-messages"}, "body": {"queue_name": "bad", "messages": [{"ttl": 60.0, "body": 1}]}}`,
      );
      expect(float.body.exception, 'a float is no int').to.equal('Bad request. The value of the "ttl" field must be a int.');
      const floatBinary = await client.send('message_post', { queue_name: 'bad', messages: [{ ttl: 60.5, body: 1 }] }, { binary: true });
      expect(floatBinary.body.exception).to.equal('Bad request. The value of the "ttl" field must be a int.');
      const badClient = await post([{ body: 1 }], { 'Client-ID': '0xdeadbeef', 'X-Project-ID': 'ws-messages' });
      expect(badClient).to.deep.include({ headers: { status: 400 }, body: { exception: 'badly formed hexadecimal UUID string', error: null } });
      const tooBig = await post([{ body: 'x'.repeat(262_144) }]);
      expect(tooBig.headers.status).to.equal(400);
      expect(tooBig.body.exception).to.match(/^Message collection size is too large/);
      expect((await client.send('message_post', { queue_name: 'non-ascii-n\u0153me', messages: [{ body: 1 }] })).headers.status).to.equal(400);
      // Numbers keep their text: a big integer and a float come back as they were sent.
      const exact = await client.raw(
        `{"action": "message_post", "headers": {"Client-ID": "${CLIENT_ID}", "X-Project-ID": "ws-messages"}, "body": {"queue_name": "exact", "messages": [{"body": {"big": 9223372036854775807, "f": 1.50}}]}}`,
      );
      expect(exact.headers.status).to.equal(201);
      const raw = await new Promise<string>((resolve) => {
        client.socket.once('message', (data) => resolve(data.toString()));
        client.socket.send(JSON.stringify({ action: 'message_list', headers: client.headers, body: { queue_name: 'exact', echo: true } }));
      });
      expect(raw).to.contain('"body": {"big": 9223372036854775807, "f": 1.50}');
    });

    it('claim_create, claim_get, claim_update, message_delete with the claim, claim_delete', async () => {
      const client = await open('ws-claims');
      const ids = (await client.send('message_post', { queue_name: 'cq', messages: [{ body: 1 }, { body: 2 }, { body: 3 }] })).body.message_ids as string[];
      const claimed = await client.send('claim_create', { queue_name: 'cq', limit: 2, ttl: 60, grace: 60 });
      expect(claimed.headers.status).to.equal(201);
      const claimId = claimed.body.claim_id as string;
      expect(claimed.body.messages.map((m: { id: string; claim_id: string }) => [m.id, m.claim_id])).to.deep.equal([
        [ids[0], claimId],
        [ids[1], claimId],
      ]);
      const got = await client.send('claim_get', { queue_name: 'cq', claim_id: claimId });
      expect(got.body).to.have.keys('age', 'ttl', 'messages');
      expect(got.body.messages[0].claim_id).to.equal(claimId);
      expect(await client.send('claim_update', { queue_name: 'cq', claim_id: claimId, ttl: 120 })).to.deep.include({
        body: `Claim ${claimId} updated.`,
        headers: { status: 204 },
      });
      expect((await client.send('claim_get', { queue_name: 'cq', claim_id: claimId })).body.ttl).to.equal(120);
      expect((await client.send('claim_update', { queue_name: 'cq', claim_id: claimId, ttl: 30 })).headers.status).to.equal(400);

      const refused = await client.send('message_delete', { queue_name: 'cq', message_id: ids[0] });
      expect(refused).to.deep.include({ headers: { status: 403 } });
      expect(refused.body.error).to.equal('This message is claimed; it cannot be deleted without a valid claim ID.');
      const notClaimed = await client.send('message_delete', { queue_name: 'cq', message_id: ids[2], claim_id: claimId });
      expect(notClaimed.body.error).to.equal('A claim was specified, but the message is not currently claimed.');
      expect((await client.send('message_delete', { queue_name: 'cq', message_id: ids[0], claim_id: claimId })).headers.status).to.equal(204);
      // Listing never shows the claim.
      const listed = await client.send('message_list', { queue_name: 'cq', echo: true, include_claimed: true });
      expect(listed.body.messages.map((m: { claim_id: unknown }) => m.claim_id)).to.deep.equal([null, null]);

      expect(await client.send('claim_delete', { queue_name: 'cq', claim_id: claimId })).to.deep.include({ body: `Claim ${claimId} deleted.`, headers: { status: 204 } });
      const missing = await client.send('claim_get', { queue_name: 'cq', claim_id: claimId });
      expect(missing.headers.status).to.equal(404);
      expect(missing.body.error).to.equal(`Claim ${claimId} does not exist.`);
      expect((await client.send('claim_create', { queue_name: 'cq', limit: 1, ttl: 59 })).body.exception).to.match(/^The TTL for a claim/);
      const rest = await client.send('claim_create', { queue_name: 'cq', limit: 5 });
      expect(rest.body.messages).to.have.length(2);
      expect((await client.send('claim_create', { queue_name: 'cq' })).headers.status, 'nothing left to claim').to.equal(204);
    });
  });

  describe('subscriptions', () => {
    it('subscription_create (to the connection), _list, _get, _delete; the subscriber URI names the notification listener and the connection', async () => {
      const client = await open('ws-subs');
      const created = await client.send('subscription_create', { queue_name: 'sq', ttl: 600 });
      expect(created.headers.status).to.equal(201);
      expect(created.body.message).to.equal('Subscription sq created.');
      const id = created.body.subscription_id as string;
      const listed = await client.send('subscription_list', { queue_name: 'sq' });
      expect(listed.body.subscriptions).to.have.length(1);
      const subscription = listed.body.subscriptions[0];
      expect(subscription).to.include({ id, source: 'sq', ttl: 600, confirmed: false });
      expect(subscription.subscriber).to.match(/^http:\/\/127\.0\.0\.1:\d+\/[0-9a-f-]{36}$/);
      expect((await client.send('subscription_get', { queue_name: 'sq', subscription_id: id })).body).to.deep.include({ id, subscriber: subscription.subscriber });
      const webhook = await client.send('subscription_create', { queue_name: 'sq', subscriber: 'http://127.0.0.1:9/hook' });
      expect(webhook.headers.status).to.equal(201);
      const ftp = await client.send('subscription_create', { queue_name: 'sq', subscriber: 'ftp://x' });
      expect(ftp.headers.status).to.equal(400);
      expect(await client.send('subscription_delete', { queue_name: 'sq', subscription_id: webhook.body.subscription_id })).to.deep.include({
        body: `Subscription ${webhook.body.subscription_id} removed.`,
        headers: { status: 204 },
      });
      const missing = await client.send('subscription_get', { queue_name: 'sq', subscription_id: webhook.body.subscription_id });
      expect(missing.headers.status).to.equal(404);
      expect(missing.body.error).to.equal(`Subscription ${webhook.body.subscription_id} for queue sq does not exist.`);
    });

    it('pushes every message posted over HTTP or WebSocket to each subscribed connection, in the frame type of its subscription', async () => {
      const [text, binary, other] = [await open('ws-push'), await open('ws-push'), await open('ws-push')];
      expect((await text.send('subscription_create', { queue_name: 'pq' })).headers.status).to.equal(201);
      expect((await binary.send('subscription_create', { queue_name: 'pq' }, { binary: true })).headers.status).to.equal(201);
      // A subscription with post_data reshapes the frame as it would a webhook's body.
      const shaped = await other.send('subscription_create', { queue_name: 'pq', options: { post_data: '{"wrapped": "$zaqar_message$"}' } });
      expect(shaped.headers.status).to.equal(201);
      const poster = new ZaqarClient(server.url, 'ws-push');
      expect((await poster.post('/v2/queues/pq/messages', { body: { messages: [{ ttl: 300, body: { hello: 'http' } }] } })).status).to.equal(201);
      expect((await text.send('message_post', { queue_name: 'pq', messages: [{ ttl: 300, body: { hello: 'ws' } }] })).headers.status).to.equal(201);
      await Promise.all([text, binary, other].map((c) => c.waitForNotifications(2)));
      const expected = [
        { ttl: 300, body: { hello: 'http' }, Message_Type: 'Notification', queue_name: 'pq' },
        { ttl: 300, body: { hello: 'ws' }, Message_Type: 'Notification', queue_name: 'pq' },
      ];
      expect(text.notifications.map((n) => n.document)).to.deep.equal(expected);
      expect(text.notifications.map((n) => n.binary)).to.deep.equal([false, false]);
      expect(binary.notifications.map((n) => n.document)).to.deep.equal(expected);
      expect(binary.notifications.map((n) => n.binary)).to.deep.equal([true, true]);
      expect(other.notifications.map((n) => n.document)).to.deep.equal(expected.map((wrapped) => ({ wrapped })));
    });

    it('deletes the subscriptions a connection created when it closes, and keeps those with an explicit subscriber', async () => {
      const client = await open('ws-cleanup');
      await client.send('subscription_create', { queue_name: 'cl' });
      await client.send('subscription_create', { queue_name: 'cl2' }, { binary: true });
      await client.send('subscription_create', { queue_name: 'cl', subscriber: 'http://127.0.0.1:9/kept' });
      const before = await http.get('/v2/queues/cl/subscriptions', { headers: { 'X-Project-ID': 'ws-cleanup' } });
      expect(before.json.subscriptions).to.have.length(2);
      await client.close();
      let left: { subscriber: string }[] = [];
      for (let i = 0; i < 50; i++) {
        left = (await http.get('/v2/queues/cl/subscriptions', { headers: { 'X-Project-ID': 'ws-cleanup' } })).json.subscriptions;
        if (left.length === 1) break;
        await sleep(50);
      }
      expect(left.map((s) => s.subscriber)).to.deep.equal(['http://127.0.0.1:9/kept']);
      expect((await http.get('/v2/queues/cl2/subscriptions', { headers: { 'X-Project-ID': 'ws-cleanup' } })).json.subscriptions).to.deep.equal([]);
    });

    it('the notification listener: POST with Content-Length forwards to the connection, 405 for other methods, 400 without a length, 200 for unknown ids', async () => {
      const client = await open('ws-listener');
      await client.send('subscription_create', { queue_name: 'lq' });
      const [{ subscriber }] = (await client.send('subscription_list', { queue_name: 'lq' })).body.subscriptions as { subscriber: string }[];
      const base = new URL(subscriber);
      expect((await fetch(subscriber, { method: 'POST', body: '{"from": "listener"}' })).status).to.equal(200);
      await client.waitForNotifications(1);
      expect(client.notifications[0].document).to.deep.equal({ from: 'listener' });
      expect((await fetch(subscriber)).status).to.equal(405);
      expect((await fetch(`${base.origin}/00000000-0000-0000-0000-000000000000`, { method: 'POST', body: '{}' })).status).to.equal(200);
      const chunked = await new Promise<string>((resolve) => {
        const socket = connect(Number(base.port), base.hostname, () =>
          socket.write(`POST ${base.pathname} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`),
        );
        let got = '';
        socket.on('data', (d) => (got += d.toString()));
        socket.on('close', () => resolve(got));
      });
      expect(chunked).to.match(/^HTTP\/1\.1 400/);
    });
  });

  describe('node, pools and flavors', () => {
    it('ping_node, check_node_health (admin), get_home_doc (501)', async () => {
      const client = await open('ws-node');
      expect((await client.send('ping_node')).headers.status).to.equal(204);
      expect((await client.send('check_node_health')).headers.status, 'health:get is admin-only').to.equal(403);
      const health = await client.send('check_node_health', undefined, { headers: { ...client.headers, 'X-Roles': 'admin' } });
      expect(health.headers.status).to.equal(200);
      expect(health.body).to.have.property('catalog_reachable');
      expect((await client.send('get_home_doc')).headers.status).to.equal(501);
    });

    it('pool_create/_get/_update/_list/_delete and flavor_create/_get/_update/_list/_delete (admin role)', async () => {
      const client = await open('ws-pools');
      const admin = { headers: { ...client.headers, 'X-Roles': 'admin' } };
      const poolUri = `sqlite:///${dir}/pool-a.sqlite`;
      expect((await client.send('pool_create', { pool_name: 'a', weight: 10, uri: poolUri })).headers.status, 'pools:create is admin-only').to.equal(403);
      expect(await client.send('pool_create', { pool_name: 'a', weight: 10, uri: poolUri }, admin)).to.deep.include({ body: 'Pool a created.', headers: { status: 201 } });
      expect((await client.send('pool_get', { pool_name: 'a' }, admin)).body).to.include({ name: 'a', weight: 10, uri: poolUri });
      expect((await client.send('pool_update', { pool_name: 'a', weight: 20 }, admin)).body).to.include({ weight: 20 });
      expect((await client.send('pool_update', { pool_name: 'a' }, admin)).headers.status).to.equal(400);
      expect((await client.send('pool_list', { pool_name: 'ignored' }, admin)).body.pools.map((p: { name: string }) => p.name)).to.deep.equal(['a']);
      expect(await client.send('flavor_create', { flavor_name: 'f', pool_name: 'a' }, admin)).to.deep.include({ body: 'Flavor f created.', headers: { status: 201 } });
      expect((await client.send('flavor_get', { flavor_name: 'f' }, admin)).body).to.include({ name: 'f' }).and.to.deep.include({ pool_list: ['a'] });
      expect((await client.send('flavor_update', { flavor_name: 'f', pool_name: 'a' }, admin)).body.pool_list).to.deep.equal(['a']);
      expect((await client.send('flavor_list', { flavor_name: 'ignored' }, admin)).body.flavors.map((f: { name: string }) => f.name)).to.deep.equal(['f']);
      expect((await client.send('flavor_get', { flavor_name: 'nope' }, admin)).headers.status).to.equal(404);
      expect(await client.send('flavor_delete', { flavor_name: 'f' }, admin)).to.deep.include({ body: 'Flavor f removed.', headers: { status: 204 } });
      expect(await client.send('pool_delete', { pool_name: 'a' }, admin)).to.deep.include({ body: 'Pool a removed.', headers: { status: 204 } });
      expect((await client.send('pool_get', { pool_name: 'a' }, admin)).headers.status).to.equal(404);
    });
  });

  it('authenticate without auth_strategy answers "Authentified." (python-zaqarclient waits for it)', async () => {
    const client = await open('ws-auth');
    const answer = await client.send('authenticate', undefined, { headers: { 'X-Auth-Token': null, 'X-Project-ID': 'ws-auth' } });
    expect(answer).to.deep.include({ request: { action: 'authenticate', body: {}, headers: {}, api: 'v2' }, body: { message: 'Authentified.' }, headers: { status: 200 } });
  });
});

describe('functional: the WebSocket transport: policy, protection limits, keep-alive and shutdown', function () {
  this.timeout(60_000);
  let started: { server: RunningServer; ws: string; dir: string } | undefined;
  afterEach(async () => {
    await started?.server.cleanup();
    if (started) rmSync(started.dir, { recursive: true, force: true });
    started = undefined;
  });

  it('checks the policy of each action (the reference checks none on WebSocket)', async () => {
    started = await startBoth('', { 'policy.yaml': '"queues:create": "role:admin"\n"messages:get_all": "!"\n' });
    const client = await WsClient.open(started.ws, 'ws-policy');
    const refused = await client.send('queue_create', { queue_name: 'q' });
    expect(refused).to.deep.include({ headers: { status: 403 }, body: { error: 'You are not authorized to complete this action.' } });
    expect((await client.send('queue_create', { queue_name: 'q' }, { headers: { ...client.headers, 'X-Roles': 'admin' } })).headers.status).to.equal(201);
    expect((await client.send('message_list', { queue_name: 'q' })).headers.status).to.equal(403);
    expect((await client.send('message_post', { queue_name: 'q', messages: [{ body: 1 }] })).headers.status).to.equal(201);
    await client.close();
  });

  it('stops reading a connection past max_requests_in_flight and answers every frame in order', async () => {
    started = await startBoth('\n[drivers:transport:websocket]\nmax_requests_in_flight = 2\n');
    const client = await WsClient.open(started.ws, 'ws-inflight');
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => client.send('message_post', { queue_name: 'inflight', messages: [{ body: i }] })),
    );
    expect(answers.map((a) => a.request.body)).to.deep.equal(Array.from({ length: 50 }, (_, i) => ({ queue_name: 'inflight', messages: [{ body: i }] })));
    const listed = await client.send('message_list', { queue_name: 'inflight', echo: true, limit: 20 });
    expect(listed.body.messages.map((m: { body: number }) => m.body)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i));
    await client.close();
  });

  it('closes a slow reader with 1008 once max_outbound_buffer is exceeded, and the server stays well', async () => {
    started = await startBoth('\n[drivers:transport:websocket]\nmax_outbound_buffer = 65536\n');
    const http = new ZaqarClient(started.server.url, 'ws-slow');
    // A raw client that completes the handshake, subscribes, then never reads again.
    const socket = await rawUpgrade(started.ws);
    const frame = JSON.stringify({ action: 'subscription_create', headers: { 'Client-ID': CLIENT_ID, 'X-Project-ID': 'ws-slow' }, body: { queue_name: 'slow' } });
    socket.write(maskedTextFrame(frame));
    await sleep(300);
    socket.pause();
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const body = 'x'.repeat(60_000);
    for (let i = 0; i < 120; i++) await http.post('/v2/queues/slow/messages', { body: { messages: [{ body }, { body }, { body }] } });
    socket.resume();
    socket.on('data', () => undefined);
    await closed;
    expect(started.server.stderr()).to.not.contain('uncaught');
    // The server deletes the connection's subscription as it closes it; the client may see the close first.
    let left: unknown[] = [];
    for (let i = 0; i < 50; i++) {
      left = (await http.get('/v2/queues/slow/subscriptions')).json.subscriptions;
      if (left.length === 0) break;
      await sleep(100);
    }
    expect(left, 'its subscription is gone').to.deep.equal([]);
    const healthy = await WsClient.open(started.ws, 'ws-slow');
    expect((await healthy.send('queue_list', {})).headers.status).to.equal(200);
    await healthy.close();
  });

  it('drops a connection that does not answer pings (ping_interval) and keeps one that does', async () => {
    started = await startBoth('\n[drivers:transport:websocket]\nping_interval = 1\n');
    const alive = await WsClient.open(started.ws, 'ws-ping');
    // A raw client: it completes the handshake and never answers a ping.
    const silent = await rawUpgrade(started.ws);
    silent.on('data', () => undefined);
    const started0 = Date.now();
    await new Promise((resolve) => silent.once('close', resolve));
    expect(Date.now() - started0).to.be.within(900, 4500);
    expect((await alive.send('queue_list', {})).headers.status, 'a client that pongs stays').to.equal(200);
    await alive.close();
  });

  it('closes every connection with 1001 at shutdown, after answering the frames in progress, and deletes their subscriptions', async () => {
    started = await startBoth();
    const client = await WsClient.open(started.ws, 'ws-shutdown');
    await client.send('subscription_create', { queue_name: 'bye' });
    const pending = client.send('message_post', { queue_name: 'bye', messages: [{ body: 'last' }] });
    await sleep(5);
    const exit = started.server.stop('SIGTERM');
    const [answer, closed, code] = await Promise.all([pending.catch((err: Error) => err), client.closed, exit]);
    expect(closed.code).to.equal(1001);
    expect(code).to.equal(0);
    expect((answer as { headers?: { status: number } }).headers?.status).to.equal(201);
    // Restarted on the same data: the connection's subscription did not survive it.
    const again = await startServer({ dataDir: started.dir, extraConfig: BOTH_TRANSPORTS });
    started.server = again;
    const listed = await new ZaqarClient(again.url, 'ws-shutdown').get('/v2/queues/bye/subscriptions');
    expect(listed.json.subscriptions).to.deep.equal([]);
  });
});

/** A TCP socket that did the WebSocket handshake by hand (it answers no ping, reads only when told). */
async function rawUpgrade(url: string): Promise<Socket> {
  const socket = connect(Number(new URL(url).port), '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(
    'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  await new Promise((resolve) => socket.once('data', resolve));
  return socket;
}

/** A client-to-server text frame (masked, as RFC 6455 requires of clients). */
function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = Buffer.from([1, 2, 3, 4]);
  const length = payload.length;
  const header = length < 126 ? Buffer.from([0x81, 0x80 | length]) : Buffer.from([0x81, 0x80 | 126, length >> 8, length & 0xff]);
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
  return Buffer.concat([header, mask, masked]);
}
