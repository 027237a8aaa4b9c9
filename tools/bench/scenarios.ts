/**
 * Benchmark scenarios, each a fixed number of keep-alive connections with
 * one request in flight per connection, a warm-up that is not counted, then
 * a measured window:
 *
 * - producer-bN: POST N messages per request;
 * - consumer: pre-fill, then claim (limit 10) and DELETE each claimed
 *   message with its claim id (what python-zaqarclient does);
 * - e2e: producers at a fixed total rate and consumers claiming; latency is
 *   from the post being sent to the claim that delivered it.
 */
import { performance } from 'node:perf_hooks';
import { Connection, messageBody } from './client';
import { Latencies } from './histogram';
import type { Meter } from './progress';

export interface BenchOptions {
  url: string;
  project: string;
  conns: number;
  queues: number;
  warmupMs: number;
  durationMs: number;
  bodyBytes: number;
  /** e2e: total offered messages per second. */
  rate: number;
  /** Sent with every request (`--header`), lower-case names. */
  headers?: Record<string, string>;
  /** Told what the window counts as it happens (the live progress line); optional. */
  meter?: Meter;
  /**
   * Long polling (`--wait`): claims carry `?wait=N` (the server holds an
   * empty claim up to N s) and the e2e consumers do not back off after an
   * empty claim. 0 or absent: no `wait` parameter, today's behaviour.
   */
  waitS?: number;
}

export interface ScenarioResult {
  scenario: string;
  conns: number;
  msgs_per_s: number;
  req_per_s: number;
  latency_ms: { p50: number; p90: number; p99: number; max: number };
  errors: number;
  /** e2e only: delivery latency post → claim. */
  e2e_ms?: { p50: number; p90: number; p99: number; max: number };
}

const now = () => performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function queueName(i: number, scenario: string): string {
  return `bench-${scenario}-${i}`;
}

/** Runs `loop(connection, index, measuring)` on every connection until the window closes (HTTP or WebSocket connections). */
export async function drive<C>(
  options: BenchOptions,
  conns: C[],
  loop: (conn: C, index: number, inWindow: () => boolean, done: () => boolean) => Promise<void>,
): Promise<number> {
  const start = now();
  const windowStart = start + options.warmupMs;
  const windowEnd = windowStart + options.durationMs;
  const inWindow = () => {
    const t = now();
    return t >= windowStart && t < windowEnd;
  };
  const done = () => now() >= windowEnd;
  options.meter?.begin(options.warmupMs, options.durationMs);
  await Promise.all(conns.map((c, i) => loop(c, i, inWindow, done)));
  return options.durationMs / 1000;
}

export function connections(options: BenchOptions, n = options.conns): Connection[] {
  return Array.from({ length: n }, () => new Connection(options.url, options.project, options.headers));
}

async function closeAll(conns: Connection[]): Promise<void> {
  await Promise.all(conns.map((c) => c.close()));
}

/**
 * The requests of the producer and consumer scenarios, over HTTP (here) or
 * WebSocket (ws-scenarios.ts); `M` is what a claim hands back per message.
 */
export interface ScenarioClient<M = unknown> {
  /** Posts `batch` messages to `queue`; true when they were stored. */
  post(queue: string, batch: number): Promise<boolean>;
  /** Claims up to `limit` messages: what was claimed, `[]` when the queue is drained, undefined on an error. */
  claim(queue: string, limit: number): Promise<M[] | undefined>;
  /** Deletes one claimed message with its claim id; true when deleted. */
  remove(queue: string, message: M): Promise<boolean>;
  close(): Promise<void>;
}

/** Opens `n` clients of one transport. */
export type OpenClients = (n: number) => Promise<ScenarioClient[]>;

/** The same message bodies for every post of a batch size (the producer scenarios measure posting, not latency). */
export function batchOf(options: BenchOptions, batch: number): { body: Record<string, unknown> }[] {
  return Array.from({ length: batch }, () => ({ body: messageBody(options.bodyBytes) }));
}

class HttpClient implements ScenarioClient<string> {
  private readonly payloads = new Map<number, string>();

  constructor(
    private readonly conn: Connection,
    private readonly options: BenchOptions,
  ) {}

  async post(queue: string, batch: number): Promise<boolean> {
    let payload = this.payloads.get(batch);
    if (payload === undefined) this.payloads.set(batch, (payload = JSON.stringify({ messages: batchOf(this.options, batch) })));
    return (await this.conn.request('POST', `/v2/queues/${queue}/messages`, payload)).status === 201;
  }

  /** The claimed messages' hrefs (each carrying `?claim_id=`). */
  async claim(queue: string, limit: number): Promise<string[] | undefined> {
    const reply = await this.conn.request('POST', `/v2/queues/${queue}/claims?limit=${limit}${waitParameter(this.options)}`, '{"ttl": 300, "grace": 60}');
    if (reply.status === 204) return [];
    if (reply.status !== 201) return undefined;
    return (JSON.parse(reply.body) as { messages: { href: string }[] }).messages.map((m) => m.href);
  }

  async remove(_queue: string, href: string): Promise<boolean> {
    return (await this.conn.request('DELETE', href)).status === 204;
  }

  close(): Promise<void> {
    return this.conn.close();
  }
}

/** `&wait=N` when long polling is asked for, else nothing (the request of today). */
export function waitParameter(options: BenchOptions, remainingMs = Infinity): string {
  if (options.waitS === undefined || options.waitS <= 0) return '';
  // Not held much past the window's end (whole seconds, at least 1).
  return `&wait=${Math.min(options.waitS, Math.max(1, Math.ceil(remainingMs / 1000)))}`;
}

export function httpClients(options: BenchOptions): OpenClients {
  return async (n) => connections(options, n).map((conn) => new HttpClient(conn, options));
}

/** producer-bN (`prefix` names the transport in the scenario, e.g. `ws-`). */
export async function producer(options: BenchOptions, batch: number, open = httpClients(options), prefix = ''): Promise<ScenarioResult> {
  const scenario = `${prefix}producer-b${batch}`;
  const clients = await open(options.conns);
  const latency = new Latencies();
  let messages = 0;
  let requests = 0;
  let errors = 0;
  const seconds = await drive(options, clients, async (client, i, inWindow, done) => {
    const queue = queueName(i % options.queues, scenario);
    while (!done()) {
      const t = now();
      const stored = await client.post(queue, batch);
      if (!inWindow()) continue;
      if (stored) {
        messages += batch;
        requests++;
        const ms = now() - t;
        latency.add(ms);
        options.meter?.messages(batch);
        options.meter?.latency(ms);
      } else {
        errors++;
        options.meter?.error();
      }
    }
  });
  await Promise.all(clients.map((c) => c.close()));
  return { scenario, conns: options.conns, msgs_per_s: messages / seconds, req_per_s: requests / seconds, latency_ms: latency.summary(), errors };
}

/** Fills the consumer queues with batches of 10 until `max` messages or `maxMs` elapsed (over HTTP). */
export async function prefill(options: BenchOptions, scenario: string, max: number, maxMs: number): Promise<number> {
  const conns = connections(options);
  const payload = JSON.stringify({ messages: batchOf(options, 10) });
  let posted = 0;
  const until = now() + maxMs;
  await Promise.all(
    conns.map(async (conn, i) => {
      const path = `/v2/queues/${queueName(i % options.queues, scenario)}/messages`;
      while (posted < max && now() < until) {
        const reply = await conn.request('POST', path, payload);
        if (reply.status === 201) posted += 10;
      }
    }),
  );
  await closeAll(conns);
  return posted;
}

/** consumer: pre-fill (over HTTP), then claim 10 and delete each claimed message with its claim id. */
export async function consumer(options: BenchOptions, open = httpClients(options), prefix = ''): Promise<ScenarioResult> {
  const scenario = `${prefix}consumer`;
  const needed = Math.ceil((options.durationMs + options.warmupMs) / 1000) * 20_000;
  await prefill(options, scenario, Math.min(needed, 300_000), 20_000);
  const clients = await open(options.conns);
  const latency = new Latencies();
  let deleted = 0;
  let requests = 0;
  let errors = 0;
  const seconds = await drive(options, clients, async (client, i, inWindow, done) => {
    const queue = queueName(i % options.queues, scenario);
    while (!done()) {
      let t = now();
      const claimed = await client.claim(queue, 10);
      if (claimed === undefined) {
        errors++;
        options.meter?.error();
        continue;
      }
      if (inWindow()) {
        requests++;
        const ms = now() - t;
        latency.add(ms);
        options.meter?.latency(ms);
      }
      if (claimed.length === 0) return; // drained
      for (const message of claimed) {
        t = now();
        const removed = await client.remove(queue, message);
        if (!inWindow()) continue;
        if (removed) {
          deleted++;
          requests++;
          const ms = now() - t;
          latency.add(ms);
          options.meter?.messages(1);
          options.meter?.latency(ms);
        } else {
          errors++;
          options.meter?.error();
        }
      }
    }
  });
  await Promise.all(clients.map((c) => c.close()));
  return { scenario, conns: options.conns, msgs_per_s: deleted / seconds, req_per_s: requests / seconds, latency_ms: latency.summary(), errors };
}

/**
 * Producers at a fixed total rate and consumers (claim 10, 2 ms back-off
 * after an empty claim unless long polling, delete each); delivery latency from the timestamp in
 * each body. The same offered load on every server, so latencies compare.
 */
export async function endToEnd(options: BenchOptions): Promise<ScenarioResult> {
  const scenario = 'e2e';
  const producers = Math.max(1, Math.floor(options.conns / 2));
  const consumers = Math.max(1, options.conns - producers);
  const conns = connections(options, producers + consumers);
  const request = new Latencies();
  const delivery = new Latencies();
  let delivered = 0;
  let requests = 0;
  let errors = 0;
  const posts: PacedPosts = { requests: 0, errors: 0, latency: request };
  const end = now() + options.warmupMs + options.durationMs;
  const seconds = await drive(options, conns, async (conn, i, inWindow, done) => {
    const queue = queueName(i % options.queues, scenario);
    if (i < producers) return pacedProducer(options, conn, i, producers, queue, inWindow, done, posts);
    while (!done()) {
      const t = now();
      const reply = await conn.request('POST', `/v2/queues/${queue}/claims?limit=10${waitParameter(options, end - now())}`, '{"ttl": 300, "grace": 60}');
      const received = now();
      if (reply.status === 204) {
        // Long polling: the server already held the claim; ask again at once.
        if (!options.waitS) await sleep(2);
        continue;
      }
      if (reply.status !== 201) {
        errors++;
        options.meter?.error();
        continue;
      }
      if (inWindow()) {
        requests++;
        request.add(received - t);
      }
      const claimed = (JSON.parse(reply.body) as { messages: { href: string; body: { sent_at: number } }[] }).messages;
      for (const message of claimed) {
        if (inWindow()) {
          const ms = received - message.body.sent_at;
          delivery.add(ms);
          delivered++;
          options.meter?.messages(1);
          options.meter?.latency(ms);
        }
        await conn.request('DELETE', message.href);
      }
    }
  });
  await closeAll(conns);
  return {
    scenario,
    conns: producers + consumers,
    msgs_per_s: delivered / seconds,
    req_per_s: (requests + posts.requests) / seconds,
    latency_ms: request.summary(),
    errors: errors + posts.errors,
    e2e_ms: delivery.summary(),
  };
}

/** What the paced producers of an end-to-end scenario did in the window. */
export interface PacedPosts {
  requests: number;
  errors: number;
  latency: Latencies;
}

/**
 * One of `producers` HTTP producers that together post `options.rate`
 * single-message posts per second to `queue`, each body stamped with its
 * send time (`sent(t)` is told of those in the window).
 */
export async function pacedProducer(
  options: BenchOptions,
  conn: Connection,
  i: number,
  producers: number,
  queue: string,
  inWindow: () => boolean,
  done: () => boolean,
  posts: PacedPosts,
  sent: (t: number) => void = () => undefined,
): Promise<void> {
  const interval = (1000 * producers) / options.rate;
  let next = now() + (interval * i) / producers;
  while (!done()) {
    const wait = next - now();
    if (wait > 0) await sleep(wait);
    next += interval;
    const t = now();
    if (inWindow()) sent(t);
    const reply = await conn.request('POST', `/v2/queues/${queue}/messages`, JSON.stringify({ messages: [{ body: messageBody(options.bodyBytes, t) }] }));
    if (reply.status !== 201) {
      posts.errors++;
      options.meter?.error();
    } else if (inWindow()) {
      posts.requests++;
      posts.latency.add(now() - t);
    }
  }
}
