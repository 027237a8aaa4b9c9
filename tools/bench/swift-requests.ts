/**
 * Swift requests per API operation, measured on a zaqar-server whose
 * message store is Swift (`message_store = swift`, `admin_mode = true`: the
 * counts come from /v2/health, which reports the store client's requests
 * by method):
 *
 *   node dist/tools/bench/swift-requests.js --url http://127.0.0.1:PORT [--rounds 20]
 *
 * One client, one request at a time, on a fresh queue: the cost without
 * contention (a claim that loses races to other claimers costs more, see
 * plugins/storage/swift/README.md). Prints a table on stderr and JSON on stdout.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { url: { type: 'string' }, rounds: { type: 'string', default: '20' } } });
if (!values.url) {
  process.stderr.write('usage: swift-requests.js --url URL [--rounds N]\n');
  process.exit(2);
}
const URL_BASE = values.url.replace(/\/+$/, '');
const ROUNDS = Number(values.rounds);
const HEADERS = { 'Client-ID': randomUUID(), 'X-Project-ID': 'swift-requests', 'Content-Type': 'application/json' };

type Counts = Record<string, number>;

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const response = await fetch(URL_BASE + path, { method, headers: { ...HEADERS, ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

/** The store's request counts so far (the cost of reading them is `baseline`). */
async function counts(): Promise<Counts> {
  // The detailed health report is an admin call (noauth: X-Roles).
  const health = await call('GET', '/v2/health', undefined, { 'X-Roles': 'admin' });
  const requests = health.json?.swift?.requests as Counts | undefined;
  if (!requests) throw new Error(`no swift request counts in /v2/health (admin_mode on a swift store?): ${JSON.stringify(health.json)}`);
  return requests;
}

/**
 * What one health read itself costs (its HEAD and Zaqar's self-test, which
 * creates a queue, posts, claims and deletes), measured as two reads in a row.
 */
let baseline: Counts = {};

function delta(before: Counts, after: Counts, operations: number): Counts & { total: number } {
  const out: Counts = {};
  let total = 0;
  for (const method of Object.keys(after)) {
    const n = after[method] - (before[method] ?? 0) - (baseline[method] ?? 0);
    out[method] = Math.round((n / operations) * 100) / 100;
    total += n;
  }
  return { ...out, total: Math.round((total / operations) * 100) / 100 };
}

async function measure(name: string, operations: number, run: () => Promise<void>): Promise<void> {
  const before = await counts();
  await run();
  const after = await counts();
  const perOperation = delta(before, after, operations);
  process.stdout.write(`${JSON.stringify({ operation: name, operations, requests: perOperation })}\n`);
  const detail = Object.entries(perOperation)
    .filter(([k, v]) => k !== 'total' && v > 0)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  process.stderr.write(`${name.padEnd(34)} ${String(perOperation.total).padStart(6)}  (${detail})\n`);
}

async function main(): Promise<void> {
  const queue = `req-${Date.now()}`;
  const expect = (status: number, wanted: number, what: string) => {
    if (status !== wanted) throw new Error(`${what}: ${status}`);
  };
  expect((await call('PUT', `/v2/queues/${queue}`, {})).status, 201, 'create queue');
  const first = await counts();
  const second = await counts();
  baseline = Object.fromEntries(Object.keys(second).map((method) => [method, second[method] - (first[method] ?? 0)]));
  process.stderr.write(`Swift requests per operation (${ROUNDS} rounds each, one client, no contention)\n`);
  await measure('post 1 message', ROUNDS, async () => {
    for (let i = 0; i < ROUNDS; i++) expect((await call('POST', `/v2/queues/${queue}/messages`, { messages: [{ body: i }] })).status, 201, 'post');
  });
  await measure('post 10 messages (one request)', ROUNDS, async () => {
    const messages = Array.from({ length: 10 }, (_, n) => ({ body: n }));
    for (let i = 0; i < ROUNDS; i++) expect((await call('POST', `/v2/queues/${queue}/messages`, { messages })).status, 201, 'post 10');
  });
  const claimed: string[] = [];
  await measure('claim 10 messages', ROUNDS, async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const claim = await call('POST', `/v2/queues/${queue}/claims?limit=10`, { ttl: 300, grace: 60 });
      expect(claim.status, 201, 'claim');
      for (const message of claim.json.messages as { href: string }[]) claimed.push(message.href);
    }
  });
  await measure('delete a message with its claim id', claimed.length, async () => {
    for (const href of claimed) expect((await call('DELETE', href)).status, 204, 'delete');
  });
  await measure('list 10 messages', ROUNDS, async () => {
    for (let i = 0; i < ROUNDS; i++) expect((await call('GET', `/v2/queues/${queue}/messages?echo=true&limit=10`)).status, 200, 'list');
  });
  await measure('queue stats', ROUNDS, async () => {
    for (let i = 0; i < ROUNDS; i++) expect((await call('GET', `/v2/queues/${queue}/stats`)).status, 200, 'stats');
  });
  await call('DELETE', `/v2/queues/${queue}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`swift-requests: ${(err as Error).message}\n`);
  process.exit(1);
});
