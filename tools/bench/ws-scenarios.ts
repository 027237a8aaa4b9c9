/**
 * The benchmark's WebSocket mode (`ws-*` scenarios), the same shapes as the
 * HTTP ones in scenarios.ts over Zaqar's WebSocket API: one connection per
 * client, one request in flight on each (as python-zaqarclient uses it).
 *
 * - ws-producer-bN: `message_post` of N messages per frame;
 * - ws-consumer: pre-fill, then `claim_create` (limit 10) and a
 *   `message_delete` with the claim id for each claimed message;
 * - ws-push: subscribers (one WebSocket connection per queue, subscribed
 *   with `subscription_create`) and HTTP producers posting at a fixed total
 *   rate (`--rate`), the producers of HTTP `e2e`; latency is from the post
 *   being sent to the notification frame arriving at the subscriber — the
 *   push counterpart of `e2e`, where consumers find messages by claiming.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { Latencies } from './histogram';
import {
  batchOf,
  connections,
  consumer,
  drive,
  pacedProducer,
  producer,
  queueName,
  type BenchOptions,
  type OpenClients,
  type PacedPosts,
  type ScenarioClient,
  type ScenarioResult,
} from './scenarios';

const now = () => performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Envelope {
  headers: { status: number };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** One WebSocket client: answers matched in order, notifications handed to `onNotification`. */
class WsConnection {
  private readonly waiting: ((reply: Envelope) => void)[] = [];
  private readonly headers: Record<string, string>;
  onNotification: (document: { body: { sent_at: number } }, at: number) => void = () => undefined;

  private constructor(
    private readonly socket: WebSocket,
    project: string,
    token: string | undefined,
  ) {
    this.headers = { 'Client-ID': randomUUID(), 'X-Project-ID': project, ...(token === undefined ? {} : { 'X-Auth-Token': token }) };
    socket.on('message', (data) => {
      const at = now();
      const document = JSON.parse(data.toString());
      if ('request' in document && 'headers' in document) this.waiting.shift()?.(document as Envelope);
      else this.onNotification(document, at);
    });
  }

  /** With a token (`--header "X-Auth-Token: ..."`), the connection authenticates first, as a client of a server behind Keystone does. */
  static async open(url: string, project: string, token?: string): Promise<WsConnection> {
    const conn = await new Promise<WsConnection>((resolve, reject) => {
      const socket = new WebSocket(url, { perMessageDeflate: false });
      socket.once('open', () => resolve(new WsConnection(socket, project, token)));
      socket.once('error', reject);
    });
    if (token !== undefined) {
      const reply = await conn.send('authenticate', {});
      if (reply.headers.status !== 200) throw new Error(`authenticate answered ${reply.headers.status}`);
    }
    return conn;
  }

  send(action: string, body: Record<string, unknown>): Promise<Envelope> {
    return new Promise((resolve, reject) => {
      this.waiting.push(resolve);
      this.socket.send(JSON.stringify({ action, headers: this.headers, body }), (err) => err && reject(err));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}

function openAll(wsUrl: string, options: BenchOptions, n = options.conns): Promise<WsConnection[]> {
  return Promise.all(Array.from({ length: n }, () => WsConnection.open(wsUrl, options.project, options.headers?.['x-auth-token'])));
}

async function closeAll(conns: WsConnection[]): Promise<void> {
  await Promise.all(conns.map((c) => c.close()));
}

/** A claimed message over WebSocket: its id and the claim's. */
interface WsClaimed {
  id: string;
  claimId: string;
}

class WsClient implements ScenarioClient<WsClaimed> {
  private readonly batches = new Map<number, { body: Record<string, unknown> }[]>();

  constructor(
    private readonly conn: WsConnection,
    private readonly options: BenchOptions,
  ) {}

  async post(queue_name: string, batch: number): Promise<boolean> {
    let messages = this.batches.get(batch);
    if (messages === undefined) this.batches.set(batch, (messages = batchOf(this.options, batch)));
    return (await this.conn.send('message_post', { queue_name, messages })).headers.status === 201;
  }

  async claim(queue_name: string, limit: number): Promise<WsClaimed[] | undefined> {
    const reply = await this.conn.send('claim_create', { queue_name, limit, ttl: 300, grace: 60 });
    if (reply.headers.status === 204) return [];
    if (reply.headers.status !== 201) return undefined;
    return (reply.body.messages as { id: string }[]).map((m) => ({ id: m.id, claimId: reply.body.claim_id as string }));
  }

  async remove(queue_name: string, message: WsClaimed): Promise<boolean> {
    return (await this.conn.send('message_delete', { queue_name, message_id: message.id, claim_id: message.claimId })).headers.status === 204;
  }

  close(): Promise<void> {
    return this.conn.close();
  }
}

function wsClients(options: BenchOptions, wsUrl: string): OpenClients {
  return async (n) => (await openAll(wsUrl, options, n)).map((conn) => new WsClient(conn, options));
}

export function wsProducer(options: BenchOptions, wsUrl: string, batch: number): Promise<ScenarioResult> {
  return producer(options, batch, wsClients(options, wsUrl), 'ws-');
}

export function wsConsumer(options: BenchOptions, wsUrl: string): Promise<ScenarioResult> {
  return consumer(options, wsClients(options, wsUrl), 'ws-');
}

export async function wsPush(options: BenchOptions, wsUrl: string): Promise<ScenarioResult> {
  const scenario = 'ws-push';
  const producers = Math.max(1, Math.floor(options.conns / 2));
  const subscribers = await openAll(wsUrl, options, options.queues);
  const request = new Latencies();
  const delivery = new Latencies();
  let delivered = 0;
  /** Send times of the posts made in the window: their notifications are the ones measured. */
  const measured = new Set<number>();
  for (const [q, subscriber] of subscribers.entries()) {
    const reply = await subscriber.send('subscription_create', { queue_name: queueName(q, scenario), ttl: 3600 });
    if (reply.headers.status !== 201) throw new Error(`ws-push: subscription_create answered ${reply.headers.status}`);
    subscriber.onNotification = (document, at) => {
      if (!measured.delete(document.body.sent_at)) return;
      delivery.add(at - document.body.sent_at);
      delivered++;
      options.meter?.messages(1);
      options.meter?.latency(at - document.body.sent_at);
    };
  }
  // The producers are HTTP's e2e producers: the same posts, found by push instead of by claiming.
  const conns = connections(options, producers);
  const posts: PacedPosts = { requests: 0, errors: 0, latency: request };
  const seconds = await drive(options, conns, (conn, i, inWindow, done) =>
    pacedProducer(options, conn, i, producers, queueName(i % options.queues, scenario), inWindow, done, posts, (t) => measured.add(t)),
  );
  // Notifications of the last posts in the window may still be on their way; one never delivered counts as an error.
  await sleep(1000);
  const lost = measured.size;
  await Promise.all([...conns.map((c) => c.close()), closeAll(subscribers)]);
  return {
    scenario,
    conns: producers + subscribers.length,
    msgs_per_s: delivered / seconds,
    req_per_s: posts.requests / seconds,
    latency_ms: request.summary(),
    errors: posts.errors + lost,
    e2e_ms: delivery.summary(),
  };
}
