/**
 * Counting deliveries across a queue move (pooling-move.spec.ts).
 * Messages change ids when they move to another pool (ids are the stores'
 * own), so deliveries are counted by body: every producer posts unique
 * bodies `{"p": producer, "n": sequence}` (`"p": "seed"` for a backlog
 * posted before the workers start), and a delivery is a successful
 * claim followed by a successful (204) delete of the message with its
 * claim id.
 *
 * Exactly once: every acknowledged (201) body is claimed once and deleted
 * once, none more often (claims live far longer than a test, so a second
 * claim of a body is a second delivery), and nothing is delivered that was
 * not acknowledged. Any request that does not succeed is recorded as a
 * failure: a queue on the move keeps answering.
 */
import { expect } from 'chai';
import { ZaqarClient } from '../helpers/client';

const CLAIM_TTL = 300;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Deliveries {
  private producing = false;
  private consuming = false;
  private readonly producers: Promise<void>[] = [];
  private readonly consumers: Promise<void>[] = [];
  private readonly acknowledged = new Set<string>();
  private readonly claimed = new Map<string, number>();
  private readonly delivered = new Map<string, number>();
  /** Every message and claim id the servers handed out. */
  private readonly seenIds = new Set<string>();
  readonly failures: string[] = [];

  /** `urls`: the servers; workers take turns over them. */
  constructor(
    private readonly urls: string[],
    private readonly project: string,
    private readonly queue: string,
    private readonly options: { producers?: number; consumers?: number; producerPauseMs?: number; consumerPauseMs?: number } = {},
  ) {}

  /** Posts `count` messages before the workers start (a backlog for the mover), acknowledged as any other. */
  async seed(count: number): Promise<void> {
    const client = this.client(99);
    for (let n = 0; n < count; n += 10) {
      const bodies = Array.from({ length: Math.min(10, count - n) }, (_, i) => ({ p: 'seed', n: n + i }));
      const reply = await client.post(`/v2/queues/${this.queue}/messages`, { body: { messages: bodies.map((body) => ({ ttl: 600, body })) } });
      expect(reply.status, reply.text).to.equal(201);
      for (const body of bodies) this.acknowledged.add(`${body.p}:${body.n}`);
      for (const href of reply.json.resources as string[]) this.seenIds.add(href.split('/').pop()!);
    }
  }

  start(): void {
    this.producing = this.consuming = true;
    for (let i = 0; i < (this.options.producers ?? 2); i++) this.producers.push(this.produce(i));
    for (let i = 0; i < (this.options.consumers ?? 2); i++) this.consumers.push(this.consume(i));
  }

  acknowledgedCount(): number {
    return this.acknowledged.size;
  }

  deliveredCount(): number {
    return this.delivered.size;
  }

  /** Every message id (posted or claimed) and claim id seen so far: what a backend must no longer hold of the queue. */
  ids(): string[] {
    return [...this.seenIds];
  }

  /** Stops the producers, lets the consumers empty the queue, then stops them. */
  async finish(timeoutMs = 30_000): Promise<void> {
    this.producing = false;
    await Promise.all(this.producers);
    const client = new ZaqarClient(this.urls[0], this.project);
    const deadline = Date.now() + timeoutMs;
    try {
      for (;;) {
        const stats = await client.get(`/v2/queues/${this.queue}/stats`);
        // Nothing left (consumers finish the deletes they have in flight before they stop).
        if (stats.status === 200 && stats.json.messages.total === 0) break;
        if (Date.now() > deadline) throw new Error(`queue ${this.queue} not emptied within ${timeoutMs} ms: ${stats.text}`);
        await sleep(100);
      }
    } finally {
      this.consuming = false;
      await Promise.all(this.consumers);
    }
  }

  /** Every acknowledged message delivered exactly once; no request failed. */
  expectExactlyOnce(): void {
    expect(this.failures.slice(0, 5), `${this.failures.length} failed requests`).to.deep.equal([]);
    const notOnce = [...this.acknowledged].filter((body) => this.delivered.get(body) !== 1).map((body) => `${body} delivered ${this.delivered.get(body) ?? 0} times`);
    expect(notOnce.slice(0, 10), `${notOnce.length} acknowledged messages not delivered exactly once`).to.deep.equal([]);
    const reclaimed = [...this.claimed].filter(([, times]) => times > 1).map(([body, times]) => `${body} claimed ${times} times`);
    expect(reclaimed.slice(0, 10), `${reclaimed.length} messages claimed more than once`).to.deep.equal([]);
    const unknown = [...this.delivered.keys()].filter((body) => !this.acknowledged.has(body));
    expect(unknown.slice(0, 10), 'delivered but never acknowledged').to.deep.equal([]);
  }

  private client(worker: number): ZaqarClient {
    const clientId = `dddddddd-0000-4000-8000-${String(worker).padStart(12, '0')}`;
    return new ZaqarClient(this.urls[worker % this.urls.length], this.project, clientId);
  }

  private async produce(worker: number): Promise<void> {
    const client = this.client(worker);
    for (let n = 0; this.producing; n += 2) {
      const bodies = [n, n + 1].map((i) => ({ p: String(worker), n: i }));
      const reply = await client.post(`/v2/queues/${this.queue}/messages`, { body: { messages: bodies.map((body) => ({ ttl: 600, body })) } }).catch((err: Error) => err);
      if (reply instanceof Error || reply.status !== 201) {
        this.failures.push(`post: ${reply instanceof Error ? reply.message : `${reply.status} ${reply.text}`}`);
        await sleep(50);
        continue;
      }
      for (const body of bodies) this.acknowledged.add(`${body.p}:${body.n}`);
      for (const href of reply.json.resources as string[]) this.seenIds.add(href.split('/').pop()!);
      if (this.options.producerPauseMs) await sleep(this.options.producerPauseMs);
    }
  }

  private async consume(worker: number): Promise<void> {
    const client = this.client(100 + worker);
    while (this.consuming) {
      const reply = await client.post(`/v2/queues/${this.queue}/claims?limit=5`, { body: { ttl: CLAIM_TTL, grace: 60 } }).catch((err: Error) => err);
      if (reply instanceof Error || (reply.status !== 201 && reply.status !== 204)) {
        this.failures.push(`claim: ${reply instanceof Error ? reply.message : `${reply.status} ${reply.text}`}`);
        await sleep(50);
        continue;
      }
      if (reply.status === 204) {
        await sleep(20);
        continue;
      }
      for (const message of reply.json.messages as { href: string; body: { p: string; n: number } }[]) {
        const body = `${message.body.p}:${message.body.n}`;
        const href = new URL(message.href, 'http://x');
        this.seenIds.add(href.pathname.split('/').pop()!);
        this.seenIds.add(href.searchParams.get('claim_id')!);
        this.claimed.set(body, (this.claimed.get(body) ?? 0) + 1);
        const deleted = await client.delete(message.href).catch((err: Error) => err);
        if (deleted instanceof Error || deleted.status !== 204) {
          this.failures.push(`delete ${message.href}: ${deleted instanceof Error ? deleted.message : `${deleted.status} ${deleted.text}`}`);
          continue;
        }
        this.delivered.set(body, (this.delivered.get(body) ?? 0) + 1);
      }
      // Paced while the producers run (so a backlog is left for the mover); full speed to empty the queue.
      if (this.options.consumerPauseMs && this.producing) await sleep(this.options.consumerPauseMs);
    }
  }
}
