/**
 * Shared by the Redis integration specs: a server configuration on the
 * Redis stores, and `Traffic` — producers and consumers working one queue
 * over HTTP while a test breaks Redis, recording every outcome so the test
 * can check afterwards that
 *
 * - every failure the API reported was a 503 with Zaqar's body;
 * - every acknowledged (201) message still exists exactly once, unless a
 *   consumer's acknowledged (204) delete removed it — or a delete whose
 *   outcome is unknown (it failed with 503) may have;
 * - no message was handed out by two successful claims (claims live 300 s,
 *   far longer than a test, so any two claims of one message would overlap);
 * - bodies come back exactly as posted.
 */
import { expect } from 'chai';
import { type Reply, ZaqarClient } from '../helpers/client';

/** `[drivers]` and both Redis option groups for `uri`, appended to the functional tests' base configuration. */
export function redisStoresConfig(uri: string, extra: Record<string, string | number> = {}): string {
  const options = Object.entries({ uri, reconnect_sleep: 0.05, ...extra })
    .map(([key, value]) => `${key} = ${value}`)
    .join('\n');
  return `
[drivers]
message_store = redis
management_store = redis

[drivers:message_store:redis]
${options}

[drivers:management_store:redis]
${options}
`;
}

/** A 503 in Zaqar's format; `sentence` is the description's first part when given. */
export function expectZaqar503(reply: Reply, sentence?: string): void {
  expect(reply.status, reply.text).to.equal(503);
  expect(reply.json?.title).to.equal('Service temporarily unavailable');
  expect(reply.json?.description).to.match(/ Please try again in a few seconds\.$/);
  if (sentence !== undefined) expect(reply.json.description).to.equal(`${sentence} Please try again in a few seconds.`);
}

interface Failure {
  what: string;
  status: number;
  text: string;
}

const CLAIM_TTL = 300;

export class Traffic {
  private running = false;
  private readonly workers: Promise<void>[] = [];
  /** Acknowledged posts: id → body JSON as posted. */
  private readonly acknowledged = new Map<string, string>();
  /** Successful claims: message id → claim ids that returned it. */
  private readonly claimedBy = new Map<string, string[]>();
  private readonly deleted = new Set<string>();
  private readonly deleteUnknown = new Set<string>();
  private readonly failures: Failure[] = [];
  private sequence = 0;

  constructor(
    private readonly url: string,
    private readonly project: string,
    private readonly queue: string,
    private readonly options: { producers?: number; consumers?: number } = {},
  ) {}

  start(): void {
    this.running = true;
    for (let i = 0; i < (this.options.producers ?? 3); i++) this.workers.push(this.produce(i));
    for (let i = 0; i < (this.options.consumers ?? 2); i++) this.workers.push(this.consume(i));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }

  acknowledgedCount(): number {
    return this.acknowledged.size;
  }

  claimedCount(): number {
    return this.claimedBy.size;
  }

  /** 503s the workers received so far. */
  unavailableCount(): number {
    return this.failures.filter((f) => f.status === 503).length;
  }

  /** Counts and the last failures, for a test's failure message. */
  describe(): string {
    return `acknowledged ${this.acknowledged.size}, claimed ${this.claimedBy.size}, failures ${this.failures.length}; last: ${JSON.stringify(this.failures.slice(-3))}`;
  }

  /** Every failed request got Zaqar's 503 (never a 500, a hang or a dropped connection). */
  expectOnlyZaqar503s(): void {
    const other = this.failures.filter((f) => f.status !== 503 || !/"title": "Service temporarily unavailable"/.test(f.text));
    expect(other, JSON.stringify(other.slice(0, 5))).to.deep.equal([]);
    for (const failure of this.failures) {
      expect(JSON.parse(failure.text).description).to.match(/ Please try again in a few seconds\.$/);
    }
  }

  /** The end state agrees with every acknowledged operation (see the module comment). */
  async expectConsistent(): Promise<void> {
    const remaining = await this.listEverything();
    const remainingIds = remaining.map((m) => m.id);
    expect(new Set(remainingIds).size, 'no message is stored twice').to.equal(remainingIds.length);
    const present = new Map(remaining.map((m) => [m.id, m.body]));

    const lost: string[] = [];
    const resurrected: string[] = [];
    for (const [id, body] of this.acknowledged) {
      if (this.deleted.has(id)) {
        if (present.has(id)) resurrected.push(id);
      } else if (!this.deleteUnknown.has(id)) {
        if (!present.has(id)) lost.push(id);
        else expect(present.get(id), `body of ${id}`).to.equal(body);
      }
    }
    expect(lost, 'acknowledged messages lost').to.deep.equal([]);
    expect(resurrected, 'deleted messages back again').to.deep.equal([]);

    const twice = [...this.claimedBy].filter(([, claims]) => claims.length > 1);
    expect(twice, 'messages handed to two live claims').to.deep.equal([]);
  }

  private async produce(worker: number): Promise<void> {
    const client = new ZaqarClient(this.url, this.project);
    while (this.running) {
      // Unique bodies; the float spelled with a trailing zero must come back as sent.
      const bodies = [0, 1].map(() => `{"worker": ${worker}, "n": ${this.sequence++}, "price": 2.50}`);
      const text = `{"messages": [${bodies.map((body) => `{"ttl": 600, "body": ${body}}`).join(', ')}]}`;
      const reply = await this.call(client, 'POST', `/v2/queues/${this.queue}/messages`, text);
      if (reply?.status === 201) {
        (reply.json.resources as string[]).forEach((href, i) => this.acknowledged.set(href.split('/').pop()!, bodies[i]));
      } else {
        await pause();
      }
    }
  }

  private async consume(worker: number): Promise<void> {
    const client = new ZaqarClient(this.url, this.project, `c0ffee00-0000-4000-8000-00000000000${worker}`);
    while (this.running) {
      const reply = await this.call(client, 'POST', `/v2/queues/${this.queue}/claims?limit=5`, JSON.stringify({ ttl: CLAIM_TTL, grace: 60 }));
      if (reply?.status !== 201) {
        await pause();
        continue;
      }
      for (const message of reply.json.messages as { id: string; href: string }[]) {
        const claimId = new URL(message.href, this.url).searchParams.get('claim_id')!;
        this.claimedBy.set(message.id, [...(this.claimedBy.get(message.id) ?? []), claimId]);
        const deleted = await this.call(client, 'DELETE', message.href);
        if (deleted?.status === 204) this.deleted.add(message.id);
        else this.deleteUnknown.add(message.id);
      }
    }
  }

  /** One request; anything but 2xx is recorded as a failure. */
  private async call(client: ZaqarClient, method: string, path: string, body?: string): Promise<Reply | undefined> {
    let reply: Reply;
    try {
      reply = await client.request(method, path, body === undefined ? {} : { body, headers: { 'Content-Type': 'application/json' } });
    } catch (err) {
      this.failures.push({ what: `${method} ${path}`, status: 0, text: String(err) });
      return undefined;
    }
    if (reply.status >= 300) this.failures.push({ what: `${method} ${path}`, status: reply.status, text: reply.text });
    return reply;
  }

  /** Every message left in the queue, claimed ones included, as {id, body text}. */
  private async listEverything(): Promise<{ id: string; body: string }[]> {
    const client = new ZaqarClient(this.url, this.project);
    const found: { id: string; body: string }[] = [];
    let path = `/v2/queues/${this.queue}/messages?echo=true&include_claimed=true&limit=20`;
    for (;;) {
      const reply = await client.get(path);
      expect(reply.status, reply.text).to.equal(200);
      const page = reply.json.messages as { id: string }[];
      if (page.length === 0) return found;
      // Bodies as the server spelled them: re-read each message's text span.
      for (const message of page) found.push({ id: message.id, body: bodyText(reply.text, message.id) });
      path = (reply.json.links as { rel: string; href: string }[]).find((l) => l.rel === 'next')!.href;
    }
  }
}

/** The JSON text of message `id`'s body in a listing, exactly as sent (JSON.parse would turn 2.50 into 2.5). */
function bodyText(listing: string, id: string): string {
  const start = listing.indexOf('"body": ', listing.indexOf(`"id": "${id}"`)) + '"body": '.length;
  let depth = 0;
  for (let i = start; i < listing.length; i++) {
    if (listing[i] === '{') depth++;
    else if (listing[i] === '}' && --depth === 0) return listing.slice(start, i + 1);
  }
  throw new Error(`no body for ${id}`);
}

/** Paces a worker after a failed request (a request that fails at once would otherwise spin). */
function pause(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 20));
}
