/**
 * Interoperability with the reference Zaqar 15 on one Swift account: the
 * reference (Debian's zaqar-server, its Swift driver, tools/services/
 * zaqar-reference-swift.ts) and our server (message_store = swift,
 * authenticating through the same Keystone v3 stand-in) on the same
 * containers.
 *
 * - what the reference posted, our server lists (ids, bodies), gets,
 *   claims and deletes with the claim, and the reference sees it gone;
 * - what our server posted, the reference lists, claims and deletes with
 *   the claim, and our server sees it gone;
 * - a claim the reference made is respected by ours: our claim takes only
 *   the messages the reference did not claim.
 *
 * Queue metadata lives in each server's own management store (as in Zaqar),
 * so each creates the queue. Needs Debian's Swift and zaqar-server (skips
 * with a reason otherwise; fails under CI=true).
 */
import { expect } from 'chai';
import { ZaqarClient } from '../helpers/client';
import { type RunningServer, startServer } from '../helpers/server';
import { skipUnlessAvailable } from '../../tools/services/process';
import { SwiftServer, swiftMissing } from '../../tools/services/swift';
import { ReferenceZaqarOnSwift, referenceZaqarMissing } from '../../tools/services/zaqar-reference-swift';
import { swiftStoreConfig } from './swift-setup';

const PROJECT = 'interop';
const idOf = (href: string) => href.split('?')[0].split('/').pop()!;
const claimIdOf = (href: string) => new URL(href, 'http://x').searchParams.get('claim_id');

describe('integration: our Swift store and the reference Zaqar on one Swift', function () {
  this.timeout(180_000);
  let swift: SwiftServer | undefined;
  let reference: ReferenceZaqarOnSwift | undefined;
  let server: RunningServer | undefined;
  let ref: ZaqarClient;
  let ours: ZaqarClient;

  before(async function () {
    skipUnlessAvailable(this, swiftMissing() ?? referenceZaqarMissing());
    swift = await SwiftServer.start();
    reference = await ReferenceZaqarOnSwift.start(swift);
    server = await startServer({ extraConfig: swiftStoreConfig(swift, { extra: { auth_url: reference.keystoneUrl } }) });
    ref = new ZaqarClient(reference.url, PROJECT);
    ours = new ZaqarClient(server.url, PROJECT);
  });
  after(async () => {
    await server?.cleanup();
    await reference?.close();
    await swift?.close();
  });

  async function bothCreate(queue: string): Promise<void> {
    expect((await ref.put(`/v2/queues/${queue}`, { body: {} })).status).to.equal(201);
    expect((await ours.put(`/v2/queues/${queue}`, { body: {} })).status).to.equal(201);
  }

  async function post(client: ZaqarClient, queue: string, count: number): Promise<Map<string, unknown>> {
    const bodies = Array.from({ length: count }, (_, n) => ({ n, price: 2.5, tags: ['a', n] }));
    const reply = await client.post(`/v2/queues/${queue}/messages`, { body: { messages: bodies.map((body) => ({ ttl: 300, body })) } });
    expect(reply.status, reply.text).to.equal(201);
    return new Map((reply.json.resources as string[]).map((href, i) => [idOf(href), bodies[i]]));
  }

  async function listAll(client: ZaqarClient, queue: string): Promise<Map<string, unknown>> {
    const reply = await client.get(`/v2/queues/${queue}/messages?echo=true&include_claimed=true&limit=20`);
    expect(reply.status, reply.text).to.be.oneOf([200, 204]);
    return new Map(((reply.json?.messages ?? []) as { id: string; body: unknown }[]).map((m) => [m.id, m.body]));
  }

  async function claimAndDelete(client: ZaqarClient, queue: string, limit: number): Promise<string[]> {
    const claim = await client.post(`/v2/queues/${queue}/claims?limit=${limit}`, { body: { ttl: 60, grace: 60 } });
    expect(claim.status, claim.text).to.equal(201);
    const messages = claim.json.messages as { id: string; href: string }[];
    for (const message of messages) {
      expect(claimIdOf(message.href)).to.be.a('string');
      const deleted = await client.delete(message.href);
      expect(deleted.status, `delete ${message.href}: ${deleted.text}`).to.equal(204);
    }
    return messages.map((m) => m.id);
  }

  it('lists, gets, claims and deletes through our server what the reference wrote', async () => {
    await bothCreate('from-reference');
    const posted = await post(ref, 'from-reference', 5);
    const listed = await listAll(ours, 'from-reference');
    expect([...listed.keys()].sort()).to.deep.equal([...posted.keys()].sort());
    for (const [id, body] of posted) {
      expect(listed.get(id)).to.deep.equal(body);
      const one = await ours.get(`/v2/queues/from-reference/messages/${id}`);
      expect(one.status, one.text).to.equal(200);
      expect(one.json.body).to.deep.equal(body);
    }
    const claimed = await claimAndDelete(ours, 'from-reference', 10);
    expect(claimed.sort()).to.deep.equal([...posted.keys()].sort());
    expect((await listAll(ref, 'from-reference')).size, 'the reference sees them deleted').to.equal(0);
    expect((await listAll(ours, 'from-reference')).size).to.equal(0);
    console.log(`      reference → ours: ${posted.size} posted by the reference, ${listed.size} listed, ${claimed.length} claimed and deleted by ours, 0 left on either`);
  });

  it('lets the reference list, claim and delete what our server wrote', async () => {
    await bothCreate('from-ours');
    const posted = await post(ours, 'from-ours', 5);
    const listed = await listAll(ref, 'from-ours');
    expect([...listed.keys()].sort()).to.deep.equal([...posted.keys()].sort());
    for (const [id, body] of posted) expect(listed.get(id)).to.deep.equal(body);
    const claimed = await claimAndDelete(ref, 'from-ours', 10);
    expect(claimed.sort()).to.deep.equal([...posted.keys()].sort());
    expect((await listAll(ours, 'from-ours')).size, 'our server sees them deleted').to.equal(0);
    expect((await listAll(ref, 'from-ours')).size).to.equal(0);
    console.log(`      ours → reference: ${posted.size} posted by ours, ${listed.size} listed, ${claimed.length} claimed and deleted by the reference, 0 left on either`);
  });

  it("respects the reference's claims: ours claims only what the reference left", async () => {
    await bothCreate('mixed');
    const posted = await post(ref, 'mixed', 5);
    const theirs = await ref.post('/v2/queues/mixed/claims?limit=2', { body: { ttl: 60, grace: 60 } });
    expect(theirs.status, theirs.text).to.equal(201);
    const theirIds = (theirs.json.messages as { id: string }[]).map((m) => m.id);
    const mine = await ours.post('/v2/queues/mixed/claims?limit=10', { body: { ttl: 60, grace: 60 } });
    expect(mine.status, mine.text).to.equal(201);
    const myIds = (mine.json.messages as { id: string }[]).map((m) => m.id);
    expect(myIds.filter((id) => theirIds.includes(id)), 'claimed by both').to.deep.equal([]);
    expect([...myIds, ...theirIds].sort()).to.deep.equal([...posted.keys()].sort());
    const stats = await ours.get('/v2/queues/mixed/stats');
    expect(stats.json.messages).to.include({ total: 5, claimed: 5, free: 0 });
  });
});
