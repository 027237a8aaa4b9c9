/**
 * Claim exclusion on a real Swift across API processes: two zaqar-server
 * processes on one Swift account (and one management store), 16 consumers
 * (8 on each server) claiming and deleting 2,000 messages at once.
 *
 * - every message is delivered exactly once (one successful claim returned
 *   it, and its delete with that claim id answered 204);
 * - no message is held by two live claims: claims live 300 s, longer than
 *   the test, so two claims returning one message would both be live;
 * - the queue is empty afterwards, and the lock containers are gone.
 *
 * The counts and timings are printed. Needs Debian's Swift (skips with a
 * reason otherwise; fails under CI=true).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { ZaqarClient } from '../helpers/client';
import { type RunningServer, startServer } from '../helpers/server';
import { skipUnlessAvailable } from '../../tools/services/process';
import { SwiftServer, swiftMissing } from '../../tools/services/swift';
import { swiftStoreConfig } from './swift-setup';

const MESSAGES = 2000;
const CONSUMERS = 16;
const CLAIM_TTL = 300;
const PROJECT = 'consumers';
const QUEUE = 'work';

describe('integration: 16 consumers in two server processes on one Swift', function () {
  this.timeout(900_000);
  let swift: SwiftServer | undefined;
  let shared: string | undefined;
  const servers: RunningServer[] = [];

  before(async function () {
    skipUnlessAvailable(this, swiftMissing());
    swift = await SwiftServer.start();
    shared = mkdtempSync(path.join(tmpdir(), 'zaqar-ts-swift-consumers-'));
    const config = swiftStoreConfig(swift, { managementUri: `sqlite:///${shared}/management.sqlite` });
    servers.push(await startServer({ extraConfig: config }));
    servers.push(await startServer({ extraConfig: config }));
  });
  after(async () => {
    for (const server of servers) await server.cleanup();
    await swift?.close();
    if (shared) rmSync(shared, { recursive: true, force: true });
  });

  it('delivers each of 2,000 messages exactly once, never to two live claims', async () => {
    const [a, b] = servers.map((s) => new ZaqarClient(s.url, PROJECT));
    expect((await a.put(`/v2/queues/${QUEUE}`)).status).to.equal(201);

    // Post 2,000 (batches of 10, 4 producers, alternating servers).
    let started = Date.now();
    const posted = new Set<string>();
    let next = 0;
    await Promise.all(
      [0, 1, 2, 3].map(async (producer) => {
        const client = producer % 2 ? b : a;
        while (next < MESSAGES) {
          const first = next;
          next += 10;
          const messages = Array.from({ length: 10 }, (_, i) => ({ ttl: 3600, body: { n: first + i } }));
          const reply = await client.post(`/v2/queues/${QUEUE}/messages`, { body: { messages } });
          expect(reply.status, reply.text).to.equal(201);
          for (const href of reply.json.resources as string[]) posted.add(href.split('/').pop()!);
        }
      }),
    );
    const postMs = Date.now() - started;
    expect(posted.size).to.equal(MESSAGES);

    // 16 consumers, 8 per server: claim up to 10, delete each with the claim id.
    started = Date.now();
    const claimsOf = new Map<string, string[]>();
    const deleted = new Map<string, number>();
    const failures: string[] = [];
    let claims = 0;
    let emptyClaims = 0;
    const deadline = Date.now() + 600_000;
    await Promise.all(
      Array.from({ length: CONSUMERS }, async (_, worker) => {
        const server = servers[worker % 2];
        const client = new ZaqarClient(server.url, PROJECT, `c0ffee00-0000-4000-8000-${String(worker).padStart(12, '0')}`);
        while (deleted.size < MESSAGES && Date.now() < deadline) {
          const reply = await client.post(`/v2/queues/${QUEUE}/claims?limit=10`, { body: { ttl: CLAIM_TTL, grace: 60 } });
          if (reply.status === 204) {
            // Nothing claimable for this claimer (or it lost every race it tried): done when the queue is empty.
            emptyClaims++;
            const stats = await client.get(`/v2/queues/${QUEUE}/stats`);
            if (stats.json?.messages?.total === 0) break;
            await new Promise((resolve) => setTimeout(resolve, 50));
            continue;
          }
          if (reply.status !== 201) {
            failures.push(`claim ${reply.status} ${reply.text}`);
            continue;
          }
          claims++;
          for (const message of reply.json.messages as { id: string; href: string }[]) {
            const claimId = new URL(message.href, server.url).searchParams.get('claim_id')!;
            claimsOf.set(message.id, [...(claimsOf.get(message.id) ?? []), claimId]);
            const gone = await client.delete(message.href);
            if (gone.status === 204) deleted.set(message.id, (deleted.get(message.id) ?? 0) + 1);
            else failures.push(`delete ${gone.status} ${gone.text}`);
          }
        }
      }),
    );
    const consumeMs = Date.now() - started;

    const twice = [...claimsOf].filter(([, ids]) => ids.length > 1);
    const neverDelivered = [...posted].filter((id) => !claimsOf.has(id));
    const stats = await b.get(`/v2/queues/${QUEUE}/stats`);
    const left = await a.get(`/v2/queues/${QUEUE}/messages?include_claimed=true&echo=true`);
    const locks = (await swift!.names('', { prefix: 'zaqar_lock:' })).length;
    console.log(
      `      ${MESSAGES} messages posted in ${postMs} ms; ${CONSUMERS} consumers on 2 servers: ${claims} claims (${emptyClaims} empty), ` +
        `${claimsOf.size} messages delivered, ${twice.length} to two claims, ${neverDelivered.length} never, ` +
        `${[...deleted.values()].reduce((s, n) => s + n, 0)} deletes 204, ${failures.length} failures, in ${consumeMs} ms; lock containers left: ${locks}`,
    );
    expect(failures, failures.slice(0, 5).join('\n')).to.deep.equal([]);
    expect(twice, 'messages held by two live claims').to.deep.equal([]);
    expect(neverDelivered, 'messages never delivered').to.deep.equal([]);
    expect(claimsOf.size).to.equal(MESSAGES);
    expect([...deleted.values()].every((n) => n === 1) && deleted.size === MESSAGES, 'each deleted once with its claim').to.equal(true);
    expect(stats.json.messages.total, stats.text).to.equal(0);
    expect(left.status).to.equal(200);
    expect(left.json?.messages ?? []).to.deep.equal([]);
    expect(locks, 'lock containers of deleted messages').to.equal(0);
  });
});

