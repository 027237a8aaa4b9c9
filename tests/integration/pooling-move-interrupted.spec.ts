/**
 * A `zaqar-manage queues move` killed half-way (SIGKILL while it waits for
 * the API nodes to see the move), then run again:
 *
 * - to the same pool: the move is resumed and finishes;
 * - back to the pool the queue was leaving: the queue ends there.
 *
 * Either way every message is still there (posted before the move, and
 * between the two runs), exactly once, and the pool the queue left holds
 * nothing of it.
 */
import { expect } from 'chai';
import { ZaqarClient } from '../helpers/client';
import type { RunningServer } from '../helpers/server';
import { waitUntil } from '../../tools/services/process';
import { AdminClient, readCatalogue, redisKeysOf, redisMessageIds, startPooledServer, startZaqarManage, usePoolBackends, zaqarManage } from './pooling-cluster';

const PROJECT = 'interrupted';
const POOL_INDEX = { 'redis-a': 0, 'redis-b': 1 } as const;

describe('integration: an interrupted queue move, run again', function () {
  this.timeout(120_000);
  const { backends, shared } = usePoolBackends();
  let server: RunningServer | undefined;
  // A second server that reads each queue's placement only after the move began (the first one may
  // route by its cached placement for up to 10 s): what it posts goes to the destination.
  let late: RunningServer | undefined;

  before(async () => {
    server = await startPooledServer(shared());
    late = await startPooledServer(shared());
    const admin = new AdminClient(server.url, PROJECT);
    await admin.putPool('redis-a', backends().redisPool(0, 100));
    await admin.putPool('redis-b', backends().redisPool(1, 0));
  });
  after(async () => {
    await server?.cleanup();
    await late?.cleanup();
  });

  /** Every message of the queue, claimed ones included, as body texts. */
  async function bodies(client: ZaqarClient, queue: string): Promise<string[]> {
    const found: string[] = [];
    let path = `/v2/queues/${queue}/messages?echo=true&include_claimed=true&limit=20`;
    for (;;) {
      const page = await client.get(path);
      expect(page.status, page.text).to.equal(200);
      const messages = page.json.messages as { body: { n: number } }[];
      if (messages.length === 0) return found;
      for (const message of messages) found.push(JSON.stringify(message.body));
      path = (page.json.links as { rel: string; href: string }[]).find((l) => l.rel === 'next')!.href;
    }
  }

  async function interruptedThenRunTo(queue: string, finalPool: 'redis-a' | 'redis-b'): Promise<void> {
    const client = new ZaqarClient(server!.url, PROJECT);
    expect((await client.put(`/v2/queues/${queue}`)).status).to.equal(201);
    const expected: string[] = [];
    const post = async (from: number, count: number, through = client) => {
      const messages = Array.from({ length: count }, (_, i) => ({ ttl: 600, body: { n: from + i } }));
      const reply = await through.post(`/v2/queues/${queue}/messages`, { body: { messages } });
      expect(reply.status, reply.text).to.equal(201);
      expected.push(...messages.map((m) => JSON.stringify(m.body)));
    };
    for (let n = 0; n < 100; n += 10) await post(n, 10);

    const first = startZaqarManage(server!.configFile, ['queues', 'move', PROJECT, queue, '--to', 'redis-b']);
    await waitUntil(async () => readCatalogue(shared()).get(`${PROJECT}/${queue}`)?.movingFrom === 'redis-a', 20_000, 'the move has begun');
    first.child.kill('SIGKILL');
    await first.done;
    expect(readCatalogue(shared()).get(`${PROJECT}/${queue}`)).to.deep.equal({ pool: 'redis-b', movingFrom: 'redis-a' });
    // Served from both pools meanwhile: new messages go to the destination.
    const lateClient = new ZaqarClient(late!.url, PROJECT);
    await post(100, 10, lateClient);
    expect((await redisMessageIds(backends().redis[1], PROJECT, queue)).length, 'posted to redis-b during the move').to.equal(10);
    expect((await bodies(lateClient, queue)).sort()).to.deep.equal([...expected].sort());

    const again = await zaqarManage(server!.configFile, ['queues', 'move', PROJECT, queue, '--to', finalPool]);
    expect(again.code, again.stderr).to.equal(0);
    expect(readCatalogue(shared()).get(`${PROJECT}/${queue}`)).to.deep.equal({ pool: finalPool, movingFrom: null });
    const found = await bodies(lateClient, queue);
    expect(found.length, 'messages after the second run').to.equal(expected.length);
    expect(found.sort()).to.deep.equal([...expected].sort());
    const left = finalPool === 'redis-a' ? 'redis-b' : 'redis-a';
    expect(await redisKeysOf(backends().redis[POOL_INDEX[left]], PROJECT, queue), `${left} after the move`).to.deep.equal([]);
    expect((await redisMessageIds(backends().redis[POOL_INDEX[finalPool]], PROJECT, queue)).length, `messages in ${finalPool}`).to.equal(expected.length);
    const report = JSON.parse(again.stdout) as { from: string; moved: number };
    expect(report).to.include({ from: finalPool === 'redis-b' ? 'redis-a' : 'redis-b', moved: finalPool === 'redis-b' ? 100 : 10 });
    console.log(`      interrupted move, run again to ${finalPool}: ${found.length} of ${expected.length} messages there (${again.ms} ms): ${again.stdout.trim()}`);
  }

  it('resumes a move that was killed half-way, to the same pool: nothing lost', async () => {
    await interruptedThenRunTo('resumed', 'redis-b');
  });

  it('moves a queue back to the pool it was leaving when the move was killed half-way: nothing lost', async () => {
    await interruptedThenRunTo('reversed', 'redis-a');
  });
});
