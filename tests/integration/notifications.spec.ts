/**
 * Notifications end to end: a real zaqar-server process with the notifier
 * stage, real webhook receivers on loopback and a real SMTP server
 * (aiosmtpd): every message delivered exactly once in a fault-free run,
 * retries by the policy, giving up, delivery across a SIGKILL, the
 * confirmation flow, filter policies.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { skipUnlessAvailable } from '../../tools/services/process';
import { SmtpServer, smtpServerMissing } from '../../tools/services/smtp';
import { ZaqarClient } from '../helpers/client';
import { startServer, type RunningServer } from '../helpers/server';
import { WebhookReceiver } from '../fixtures/webhook-receiver';

const NOTIFIER = `
[storage]
message_pipeline = zaqar.notification.notifier

[drivers:notifier:webhook]
timeout = 1
`;

function smtpConfig(smtp: SmtpServer): string {
  return `
[notification]
smtp_mode = self_local
smtp_host = ${smtp.host}
smtp_port = ${smtp.port}
smtp_user_name = ${smtp.user}
smtp_user_password = ${smtp.password}

[notification:mailto]
smtp_tls = starttls
smtp_tls_ca_file = ${smtp.caFile}
`;
}

interface Posted {
  n: number;
}

/** Posts `count` messages `{n}` in batches of `batchSize` from 8 concurrent clients; returns the acknowledged numbers. */
async function postNumbered(client: ZaqarClient, queue: string, count: number, first = 0, batchSize = 10): Promise<number[]> {
  const acknowledged: number[] = [];
  let next = first;
  const worker = async () => {
    while (next < first + count) {
      const batch: number[] = [];
      while (batch.length < batchSize && next < first + count) batch.push(next++);
      const reply = await client.post(`/v2/queues/${queue}/messages`, { body: { messages: batch.map((n) => ({ ttl: 300, body: { n } })) } });
      expect(reply.status, reply.text).to.equal(201);
      acknowledged.push(...batch);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return acknowledged;
}

async function subscribe(client: ZaqarClient, queue: string, subscriber: string, options: Record<string, unknown> = {}): Promise<string> {
  const reply = await client.post(`/v2/queues/${queue}/subscriptions`, { body: { subscriber, ttl: 3600, options } });
  expect(reply.status, reply.text).to.equal(201);
  return reply.json.subscription_id;
}

function numbers(bodies: string[]): number[] {
  return bodies.map((b) => (JSON.parse(b) as { body: Posted }).body.n);
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('integration: notifications', function () {
  this.timeout(180_000);
  let smtp: SmtpServer | undefined;
  let receiver: WebhookReceiver;
  let server: RunningServer | undefined;

  before(async function () {
    skipUnlessAvailable(this, smtpServerMissing());
    smtp = await SmtpServer.start({ flavour: 'starttls', user: 'zaqar', password: 'mail-secret' });
  });
  after(async () => {
    await smtp?.close();
  });
  beforeEach(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterEach(async () => {
    await server?.cleanup();
    server = undefined;
    await receiver.close();
  });

  it('delivers 10,000 messages to 3 webhooks and 1 mailbox, each exactly once, with the configured headers, body and subject', async () => {
    server = await startServer({ extraConfig: NOTIFIER + smtpConfig(smtp!) });
    const client = new ZaqarClient(server.url, 'fanout');
    const before = smtp!.messages().length;
    await subscribe(client, 'orders', receiver.url('/plain'));
    await subscribe(client, 'orders', receiver.url('/headers'), { post_headers: { 'X-Custom': 'yes', Authorization: 'Bearer t' } });
    await subscribe(client, 'orders', receiver.url('/wrapped'), { post_data: '{"wrapped": "$zaqar_message$", "x": 1}' });
    await subscribe(client, 'orders', 'mailto:ops@example.com?subject=Order%20placed', { from: 'zaqar@example.com' });

    const acknowledged = await postNumbered(client, 'orders', 10_000);
    expect(acknowledged).to.have.length(10_000);
    await receiver.waitFor(30_000, 120_000);
    const mails = await smtp!.waitForMessages(before + 10_000, 120_000);
    // Anything late would be a duplicate: give it a moment to show.
    await new Promise((r) => setTimeout(r, 2000));

    const expected = [...Array(10_000).keys()];
    const plain = receiver.requestsTo('/plain');
    expect(numbers(plain.map((r) => r.body)).sort((a, b) => a - b)).to.deep.equal(expected);
    expect(plain[0].headers['content-type']).to.equal('application/json');
    expect(JSON.parse(plain[0].body)).to.have.all.keys('ttl', 'body', 'Message_Type', 'queue_name');
    expect(plain[0].body).to.match(/^\{"ttl": 300, "body": \{"n": \d+\}, "Message_Type": "Notification", "queue_name": "orders"\}$/);

    const withHeaders = receiver.requestsTo('/headers');
    expect(numbers(withHeaders.map((r) => r.body)).sort((a, b) => a - b)).to.deep.equal(expected);
    expect(withHeaders.every((r) => r.headers['x-custom'] === 'yes' && r.headers.authorization === 'Bearer t')).to.equal(true);

    const wrapped = receiver.requestsTo('/wrapped');
    const unwrapped = wrapped.map((r) => JSON.parse(r.body) as { wrapped: { body: Posted }; x: number });
    expect(unwrapped.every((w) => w.x === 1 && w.wrapped.body !== undefined)).to.equal(true);
    expect(unwrapped.map((w) => w.wrapped.body.n).sort((a, b) => a - b)).to.deep.equal(expected);

    const mailed = mails.slice(before);
    expect(mailed).to.have.length(10_000);
    expect(mailed.every((m) => m.subject === 'Order placed' && m.rcptTos.includes('ops@example.com') && m.from.includes('zaqar@example.com'))).to.equal(true);
    expect(numbers(mailed.map((m) => m.body.trim())).sort((a, b) => a - b)).to.deep.equal(expected);
  });

  it('retries a receiver that fails its first 3 attempts with 503 by the retry policy, and gives up on one that never answers', async () => {
    // Both subscribers share one origin: without breakers, so the dead one's failures do not park the flaky one's retries.
    server = await startServer({ extraConfig: NOTIFIER + '\n[notification]\nbreaker_failure_threshold = 0\n' });
    const client = new ZaqarClient(server.url, 'retries');
    // Attempts: now, at once, then 1 s apart (minimum_delay), then the back-off 1 s, 6 s, then 11 s.
    const policy = {
      retries_with_no_delay: 1,
      minimum_delay_retries: 2,
      minimum_delay: 1,
      maximum_delay: 11,
      maximum_delay_retries: 1,
      retry_backoff_function: 'linear',
    };
    receiver.respond('/flaky', 503, { times: 3 });
    receiver.hang('/dead');
    const flaky = await subscribe(client, 'jobs', receiver.url('/flaky'), { _retry_policy: policy });
    const dead = await subscribe(client, 'jobs', receiver.url('/dead'), { _retry_policy: policy });
    const started = Date.now();
    await postNumbered(client, 'jobs', 1);

    const attempts = await receiver.waitFor(4, 20_000, '/flaky');
    const gaps = attempts.slice(1).map((r, i) => (r.at - attempts[i].at) / 1000);
    expect(gaps[0], 'immediate retry').to.be.below(0.6);
    expect(gaps[1], 'minimum_delay').to.be.within(0.9, 2.0);
    expect(gaps[2], 'minimum_delay').to.be.within(0.9, 2.0);
    expect(numbers([attempts[3].body])).to.deep.equal([0]);

    // The dead one: 1 + 1 + 2 + 2 + 1 = 7 attempts, each cut after the 1 s timeout, plus 1 + 1 + 1 + 6 + 11 s of waiting.
    await until(() => /given up/.test(server!.stderr()), 60_000, 'the give-up log line');
    expect(receiver.requestsTo('/dead')).to.have.length(7);
    expect(Date.now() - started).to.be.above(20_000);
    const line = server.stderr().split('\n').find((l) => l.includes('given up'))!;
    expect(JSON.parse(line)).to.include({ subscription: dead, attempts: 7 });
    expect(receiver.requestsTo('/flaky')).to.have.length(4);
    expect(flaky).to.be.a('string');
  });

  it('keeps answering while a subscriber that never answers holds every delivery slot', async function () {
    this.timeout(60_000);
    // More outbox entries (one a post) than the dispatcher holds at once (2,000), each held for the 10 s webhook timeout.
    server = await startServer({ extraConfig: NOTIFIER.replace('timeout = 1', 'timeout = 10') });
    const client = new ZaqarClient(server.url, 'slots');
    receiver.hang('/dead');
    await subscribe(client, 'jobs', receiver.url('/dead'));
    const started = Date.now();
    expect(await postNumbered(client, 'jobs', 3_000, 0, 1)).to.have.length(3_000);
    const postingMs = Date.now() - started;
    console.log(`      posted 3,000 single messages in ${postingMs} ms`);
    expect(postingMs, 'posting 3,000 messages').to.be.below(30_000);
    for (let i = 0; i < 5; i++) {
      const asked = Date.now();
      const reply = await client.get('/v2/queues/jobs/stats');
      expect(reply.status, reply.text).to.equal(200);
      expect(Date.now() - asked, 'stats while every slot is held').to.be.below(2_000);
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  it('delivers every acknowledged message at least once across a SIGKILL of the server', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'zaqar-ts-notify-kill-'));
    try {
      const first = await startServer({ dataDir, extraConfig: NOTIFIER });
      const client = new ZaqarClient(first.url, 'killed');
      await subscribe(client, 'events', receiver.url('/a'));
      await subscribe(client, 'events', receiver.url('/b'));
      const acknowledged: number[] = [];
      let killed = false;
      let n = 0;
      const producer = async () => {
        while (!killed) {
          const mine = n++;
          try {
            const reply = await client.post('/v2/queues/events/messages', { body: { messages: [{ body: { n: mine } }] } });
            if (reply.status === 201) acknowledged.push(mine);
          } catch {
            return;
          }
        }
      };
      const producers = Array.from({ length: 8 }, producer);
      await new Promise((r) => setTimeout(r, 1500));
      killed = true;
      await first.stop('SIGKILL');
      await Promise.all(producers);
      expect(acknowledged.length).to.be.greaterThan(100);

      server = await startServer({ dataDir, extraConfig: NOTIFIER });
      for (const hook of ['/a', '/b']) {
        const delivered = () => new Set(numbers(receiver.requestsTo(hook).map((r) => r.body)));
        await until(() => acknowledged.every((k) => delivered().has(k)), 60_000, `every acknowledged message at ${hook}`);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('requires confirmation: unconfirmed subscriptions get nothing, the signed link starts delivery, unsubscribing stops it (webhook and e-mail)', async () => {
    server = await startServer({
      extraConfig:
        NOTIFIER +
        smtpConfig(smtp!) +
        `
[notification]
require_confirmation = true
external_confirmation_url = https://confirm.example.com/
`,
    });
    const client = new ZaqarClient(server.url, 'confirming');
    const mailsBefore = smtp!.messages().length;
    const hookId = await subscribe(client, 'news', receiver.url('/hook'));
    const mailId = await subscribe(client, 'news', 'mailto:reader@example.com', { from: 'news@example.com' });

    // The confirmation notices arrive through each subscriber's own channel.
    const [notice] = await receiver.waitFor(1, 10_000, '/hook');
    const doc = JSON.parse(notice.body);
    expect(doc.Message_Type).to.equal('SubscriptionConfirmation');
    expect(doc['URL-Paths']).to.equal(`/v2/queues/news/subscriptions/${hookId}/confirm`);
    const [mail] = (await smtp!.waitForMessages(mailsBefore + 1, 10_000)).slice(mailsBefore);
    expect(mail.subject).to.equal('Zaqar Notification - Subscription Confirmation');
    expect(mail.body).to.contain('https://confirm.example.com/?Signature=');

    // Unconfirmed: nothing is delivered.
    await postNumbered(client, 'news', 3);
    await new Promise((r) => setTimeout(r, 2000));
    expect(receiver.requestsTo('/hook')).to.have.length(1);
    expect(smtp!.messages().length).to.equal(mailsBefore + 1);

    // Confirm with the signed headers of the notice, as a subscriber would (no other credentials).
    const signed = (document: Record<string, string>) => ({
      'URL-Signature': document['URL-Signature'],
      'URL-Methods': document['URL-Methods'],
      'URL-Paths': document['URL-Paths'],
      'URL-Expires': document['URL-Expires'],
      'X-Project-ID': document['X-Project-ID'],
    });
    let reply = await client.put(doc['URL-Paths'], { headers: signed(doc), body: { confirmed: true } });
    expect(reply.status, reply.text).to.equal(204);
    const link = new URL(/https:\/\/confirm\.example\.com\/\S+/.exec(mail.body)![0]);
    const mailDoc = {
      'URL-Signature': link.searchParams.get('Signature')!,
      'URL-Methods': link.searchParams.get('Methods')!,
      'URL-Paths': link.searchParams.get('Paths')!,
      'URL-Expires': link.searchParams.get('Expires')!,
      'X-Project-ID': link.searchParams.get('Project')!,
    };
    expect(mailDoc['URL-Paths']).to.equal(`/v2/queues/news/subscriptions/${mailId}/confirm`);
    reply = await client.put(mailDoc['URL-Paths'], { headers: signed(mailDoc), body: { confirmed: true } });
    expect(reply.status, reply.text).to.equal(204);

    await postNumbered(client, 'news', 2, 100);
    const delivered = await receiver.waitFor(3, 10_000, '/hook');
    expect(numbers(delivered.slice(1).map((r) => r.body)).sort()).to.deep.equal([100, 101]);
    const mails = (await smtp!.waitForMessages(mailsBefore + 3, 10_000)).slice(mailsBefore + 1);
    expect(numbers(mails.map((m) => m.body.trim())).sort()).to.deep.equal([100, 101]);

    // Unsubscribe: the notice goes out, then nothing more.
    reply = await client.put(doc['URL-Paths'], { headers: signed(doc), body: { confirmed: false } });
    expect(reply.status, reply.text).to.equal(204);
    reply = await client.put(mailDoc['URL-Paths'], { headers: signed(mailDoc), body: { confirmed: false } });
    expect(reply.status, reply.text).to.equal(204);
    const afterUnsubscribe = await receiver.waitFor(4, 10_000, '/hook');
    expect(JSON.parse(afterUnsubscribe[3].body).Message_Type).to.equal('UnsubscribeConfirmation');
    const goodbye = (await smtp!.waitForMessages(mailsBefore + 4, 10_000))[mailsBefore + 3];
    expect(goodbye.subject).to.equal('Zaqar Notification - Unsubscribe Confirmation');
    await postNumbered(client, 'news', 2, 200);
    await new Promise((r) => setTimeout(r, 2000));
    expect(receiver.requestsTo('/hook')).to.have.length(4);
    expect(smtp!.messages().length).to.equal(mailsBefore + 4);
  });

  it('sends a subscriber with a filter policy only the messages it matches', async () => {
    server = await startServer({ extraConfig: NOTIFIER });
    const client = new ZaqarClient(server.url, 'filtering');
    await subscribe(client, 'trades', receiver.url('/big'), { filter_policy: { n: [{ numeric: ['>=', 5] }] } });
    await subscribe(client, 'trades', receiver.url('/all'));
    const refused = await client.post('/v2/queues/trades/subscriptions', {
      body: { subscriber: receiver.url('/bad'), options: { filter_policy: { n: [{ numeric: ['~', 5] }] } } },
    });
    expect(refused.status).to.equal(400);
    expect(refused.json.description).to.match(/^Filter policy: /);
    await postNumbered(client, 'trades', 10);
    await receiver.waitFor(10, 10_000, '/all');
    await receiver.waitFor(5, 10_000, '/big');
    await new Promise((r) => setTimeout(r, 1000));
    expect(numbers(receiver.requestsTo('/big').map((r) => r.body)).sort((a, b) => a - b)).to.deep.equal([5, 6, 7, 8, 9]);
  });
});
