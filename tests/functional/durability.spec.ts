/**
 * Durability: kill -9 the server while clients post; after a restart every
 * message acknowledged with 201 is listed exactly once (and nothing is
 * listed twice). Messages whose request was cut off may or may not exist:
 * the client never got an answer, and at-least-once delivery allows either.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ZaqarClient } from '../helpers/client';
import { startServer } from '../helpers/server';

async function listAll(client: ZaqarClient, queue: string): Promise<string[]> {
  const ids: string[] = [];
  let href = `/v2/queues/${queue}/messages?echo=true&include_claimed=true&limit=20`;
  for (;;) {
    const page = await client.get(href);
    expect(page.status).to.equal(200);
    if (page.json.messages.length === 0) return ids;
    ids.push(...page.json.messages.map((m: { id: string }) => m.id));
    href = page.json.links[0].href;
  }
}

describe('functional: durability across SIGKILL', function () {
  this.timeout(60000);

  it('keeps every acknowledged message, exactly once', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'zaqar-ts-durability-'));
    try {
      const first = await startServer({ dataDir });
      const client = new ZaqarClient(first.url, 'durable');
      const acknowledged: string[] = [];
      let killed = false;

      const producer = async (n: number) => {
        for (let i = 0; !killed; i++) {
          try {
            const reply = await client.post('/v2/queues/orders/messages', {
              body: { messages: [{ body: { producer: n, i } }, { body: { producer: n, i, second: true } }] },
            });
            if (reply.status === 201) acknowledged.push(...reply.json.resources.map((r: string) => r.split('/').pop()));
          } catch {
            return; // connection reset by the kill
          }
        }
      };
      const producers = Array.from({ length: 8 }, (_, n) => producer(n));
      await new Promise((r) => setTimeout(r, 1500));
      killed = true;
      await first.stop('SIGKILL');
      await Promise.all(producers);
      expect(acknowledged.length).to.be.greaterThan(50);

      const second = await startServer({ dataDir });
      try {
        const listed = await listAll(new ZaqarClient(second.url, 'durable'), 'orders');
        expect(new Set(listed).size, 'no message is listed twice').to.equal(listed.length);
        const present = new Set(listed);
        const lost = acknowledged.filter((id) => !present.has(id));
        expect(lost, 'acknowledged messages lost').to.deep.equal([]);
      } finally {
        await second.stop('SIGKILL');
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
