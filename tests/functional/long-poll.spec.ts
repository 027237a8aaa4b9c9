/**
 * Long polling (`?wait=N`, ours) over real sockets against real server
 * processes: claims and listings that wait for a post, the deadline, wait
 * absent unchanged, validation, the per-process bound, a client that
 * leaves, shutdown with waiters pending, and two server processes on one
 * store (SQLite file, redis-server) waking each other's waiters.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { useRedisServer } from '../../tools/services/redis';
import { CLIENT_ID, ZaqarClient, type Reply } from '../helpers/client';
import { startServer, type RunningServer } from '../helpers/server';

const MESSAGE = { messages: [{ ttl: 300, body: { hello: 'long poll' } }] };

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work;
  return { value, ms: Date.now() - started };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A claim that waits, and the time from `postAt()` to its answer. */
async function claimWokenByPost(waiter: ZaqarClient, poster: ZaqarClient, queue: string, waitS = 10): Promise<{ reply: Reply; afterPostMs: number }> {
  const claim = waiter.post(`/v2/queues/${queue}/claims?wait=${waitS}`, { body: { ttl: 60, grace: 60 } });
  await sleep(300); // the claim is waiting
  const posted = Date.now();
  expect((await poster.post(`/v2/queues/${queue}/messages`, { body: MESSAGE })).status).to.equal(201);
  const reply = await claim;
  return { reply, afterPostMs: Date.now() - posted };
}

describe('functional: long polling (?wait=N)', function () {
  this.timeout(30_000);

  describe('one server (SQLite)', () => {
    let server: RunningServer;
    let client: ZaqarClient;
    before(async () => {
      server = await startServer({ extraConfig: '\n[DEFAULT]\nenable_deprecated_api_versions = 1.1\n' });
      client = new ZaqarClient(server.url, 'long-poll');
    });
    after(async () => server.cleanup());

    it('a claim with wait=10 on an empty queue returns 201 with the message well under 1 s after a post', async () => {
      const { reply, afterPostMs } = await claimWokenByPost(client, client, 'lp-claim');
      expect(reply.status).to.equal(201);
      expect(reply.json.messages).to.have.length(1);
      expect(reply.json.messages[0].body).to.deep.equal({ hello: 'long poll' });
      expect(reply.headers.get('location')).to.match(/^\/v2\/queues\/lp-claim\/claims\/[0-9a-f-]+$/);
      expect(afterPostMs).to.be.below(500);
    });

    it('a claim with wait=1 on an empty queue answers 204 after about 1 s, as without wait', async () => {
      const plain = await client.post('/v2/queues/lp-empty/claims', { body: { ttl: 60, grace: 60 } });
      const { value: waited, ms } = await timed(client.post('/v2/queues/lp-empty/claims?wait=1', { body: { ttl: 60, grace: 60 } }));
      expect(waited.status).to.equal(204);
      expect(waited.text).to.equal(plain.text);
      expect(ms).to.be.within(900, 1800);
    });

    it('wait absent or 0 answers at once, unchanged', async () => {
      for (const query of ['', '?wait=0']) {
        const { value, ms } = await timed(client.post(`/v2/queues/lp-none/claims${query}`, { body: { ttl: 60, grace: 60 } }));
        expect(value.status, query).to.equal(204);
        expect(ms, query).to.be.below(500);
      }
    });

    it('GET messages?wait=10 returns the posted message soon after the post', async () => {
      const other = new ZaqarClient(server.url, 'long-poll', 'a1b2c3d4-0000-4000-8000-000000000001');
      const list = client.get('/v2/queues/lp-list/messages?wait=10');
      await sleep(300);
      const posted = Date.now();
      expect((await other.post('/v2/queues/lp-list/messages', { body: MESSAGE })).status).to.equal(201);
      const reply = await list;
      expect(Date.now() - posted).to.be.below(500);
      expect(reply.status).to.equal(200);
      expect(reply.json.messages).to.have.length(1);
      expect(reply.json.links[0].href).to.not.contain('wait');
    });

    it('GET messages?wait=1 on an empty queue answers the empty page after about 1 s', async () => {
      await client.put('/v2/queues/lp-list-empty');
      const plain = await client.get('/v2/queues/lp-list-empty/messages');
      const { value, ms } = await timed(client.get('/v2/queues/lp-list-empty/messages?wait=1'));
      expect(value.status).to.equal(plain.status);
      expect(value.text).to.equal(plain.text);
      expect(ms).to.be.within(900, 1800);
    });

    it('refuses a bad wait with the 400 a bad limit gets', async () => {
      const limitAbc = await client.get('/v2/queues/lp/messages?limit=abc');
      expect(limitAbc.json).to.deep.equal({ title: 'Invalid parameter', description: 'The "limit" parameter is invalid. The value must be an integer.' });
      for (const bad of ['abc', '1.5']) {
        for (const reply of [await client.get(`/v2/queues/lp/messages?wait=${bad}`), await client.post(`/v2/queues/lp/claims?wait=${bad}`)]) {
          expect(reply.status, bad).to.equal(400);
          expect(reply.json, bad).to.deep.equal({ title: 'Invalid parameter', description: 'The "wait" parameter is invalid. The value must be an integer.' });
        }
      }
      for (const bad of ['21', '-1']) {
        for (const reply of [await client.get(`/v2/queues/lp/messages?wait=${bad}`), await client.post(`/v2/queues/lp/claims?wait=${bad}`)]) {
          expect(reply.status, bad).to.equal(400);
          expect(reply.json, bad).to.deep.equal({ title: 'Invalid API request', description: 'Wait must be at least 0 and may not be greater than 20.' });
        }
      }
      const limitZero = await client.get('/v2/queues/lp/messages?limit=0');
      expect(Object.keys(limitZero.json)).to.deep.equal(['title', 'description']);
      expect(limitZero.json.title).to.equal('Invalid API request');
      await client.post('/v2/queues/lp/messages', { body: MESSAGE });
      for (const ok of ['0', '20']) {
        const { value, ms } = await timed(client.get(`/v2/queues/lp/messages?wait=${ok}&limit=1&echo=true`));
        expect(value.status, ok).to.equal(200);
        expect(ms, ok).to.be.below(500); // a message is there: no wait
      }
    });

    it('v1.1 is unchanged: wait is ignored like any unknown parameter', async () => {
      for (const query of ['?wait=5', '?wait=abc']) {
        const { value: claim, ms } = await timed(client.post(`/v1.1/queues/lp-v11/claims${query}`, { body: { ttl: 60, grace: 60 } }));
        expect(claim.status, query).to.equal(204);
        expect(ms, query).to.be.below(500);
        const plain = await client.get('/v1.1/queues/lp-v11/messages');
        const { value: list, ms: listMs } = await timed(client.get(`/v1.1/queues/lp-v11/messages${query}`));
        expect([list.status, list.text], query).to.deep.equal([plain.status, plain.text]);
        expect(listMs, query).to.be.below(500);
      }
    });
  });

  describe('bound, disconnect, shutdown', () => {
    let server: RunningServer;
    let client: ZaqarClient;
    beforeEach(async () => {
      server = await startServer({ extraConfig: '\n[transport]\nmax_long_poll_waiters = 2\n' });
      client = new ZaqarClient(server.url, 'long-poll-bound');
    });
    afterEach(async () => server.cleanup());

    const rawClaim = (queue: string, wait: number, signal?: AbortSignal) =>
      fetch(`${server.url}/v2/queues/${queue}/claims?wait=${wait}`, {
        method: 'POST',
        headers: { 'Client-ID': CLIENT_ID, 'X-Project-ID': 'long-poll-bound', 'Content-Type': 'application/json' },
        body: JSON.stringify({ ttl: 60, grace: 60 }),
        signal,
      });

    it('with the bound at 2, a third waiting request answers at once as wait=0', async () => {
      const waiting = [rawClaim('b1', 5), rawClaim('b2', 5)];
      await sleep(300);
      const { value: third, ms } = await timed(client.post('/v2/queues/b3/claims?wait=5', { body: { ttl: 60, grace: 60 } }));
      expect(third.status).to.equal(204);
      expect(ms).to.be.below(500);
      await client.post('/v2/queues/b1/messages', { body: MESSAGE });
      await client.post('/v2/queues/b2/messages', { body: MESSAGE });
      expect((await Promise.all(waiting)).map((r) => r.status)).to.deep.equal([201, 201]);
    });

    it('a client that disconnects while waiting frees its slot at once', async () => {
      const controller = new AbortController();
      const gone = [rawClaim('d1', 10, controller.signal), rawClaim('d2', 10, controller.signal)].map((p) => p.catch(() => undefined));
      await sleep(300);
      controller.abort();
      await Promise.all(gone);
      await sleep(100);
      // Both slots are free again: this one really waits (and is woken by the post).
      const claim = rawClaim('d3', 10);
      await sleep(300);
      const posted = Date.now();
      await client.post('/v2/queues/d3/messages', { body: MESSAGE });
      expect((await claim).status).to.equal(201);
      expect(Date.now() - posted).to.be.below(500);
    });

    it('SIGTERM with waiters pending answers them promptly with their empty answer and exits 0', async () => {
      const waiting = [rawClaim('s1', 20), fetch(`${server.url}/v2/queues/s2/messages?wait=20`, { headers: { 'Client-ID': CLIENT_ID, 'X-Project-ID': 'long-poll-bound' } })];
      await sleep(300);
      const started = Date.now();
      const exit = server.stop('SIGTERM');
      const replies = await Promise.all(waiting);
      expect(replies.map((r) => r.status)).to.deep.equal([204, 200]);
      expect(await replies[1].json()).to.deep.equal({ messages: [], links: [] });
      expect(await exit).to.equal(0);
      expect(Date.now() - started).to.be.below(3000);
    });
  });

  describe('two server processes on one SQLite file', () => {
    let dataDir: string;
    let a: RunningServer;
    let b: RunningServer;
    before(async () => {
      dataDir = mkdtempSync(path.join(tmpdir(), 'zaqar-ts-longpoll-'));
      a = await startServer({ dataDir });
      b = await startServer({ dataDir });
    });
    after(async () => {
      await a?.cleanup();
      await b?.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('a claim waiting on server A is woken by a post on server B in < 500 ms', async () => {
      const { reply, afterPostMs } = await claimWokenByPost(new ZaqarClient(a.url, 'shared'), new ZaqarClient(b.url, 'shared'), 'cross-sqlite');
      expect(reply.status).to.equal(201);
      expect(afterPostMs).to.be.below(500);
    });
  });

  describe('two server processes on one redis-server', () => {
    const redis = useRedisServer();
    let a: RunningServer;
    let b: RunningServer;
    before(async () => {
      const extraConfig = `\n[drivers]\nmessage_store = redis\nmanagement_store = redis\n[drivers:message_store:redis]\nuri = ${redis().uri()}\n[drivers:management_store:redis]\nuri = ${redis().uri()}\n`;
      a = await startServer({ extraConfig });
      b = await startServer({ extraConfig });
    });
    after(async () => {
      await a?.cleanup();
      await b?.cleanup();
    });

    it('a claim waiting on server A is woken by a post on server B in < 500 ms', async () => {
      const { reply, afterPostMs } = await claimWokenByPost(new ZaqarClient(a.url, 'shared'), new ZaqarClient(b.url, 'shared'), 'cross-redis');
      expect(reply.status).to.equal(201);
      expect(afterPostMs).to.be.below(500);
    });

    it('a listing waiting on server B is woken by a post on server A', async () => {
      const list = new ZaqarClient(b.url, 'shared', 'a1b2c3d4-0000-4000-8000-000000000001').get('/v2/queues/cross-redis-list/messages?wait=10');
      await sleep(300);
      const posted = Date.now();
      await new ZaqarClient(a.url, 'shared').post('/v2/queues/cross-redis-list/messages', { body: MESSAGE });
      const reply = await list;
      expect(reply.status).to.equal(200);
      expect(reply.json.messages).to.have.length(1);
      expect(Date.now() - posted).to.be.below(500);
    });
  });
});
