/**
 * What the Redis message and management stores do beyond the shared
 * contract (tests/conformance), checked against a real redis-server: Zaqar's
 * key names, key TTLs that follow claim extensions, tenant isolation where
 * Zaqar's key layout would mix tenants, markers that survive deletions,
 * queues whose heads are longer than one script call walks, stats with
 * vanished claims, garbage collection, records Zaqar's layout would put
 * under one key, and where subscriptions and topics are written.
 */
import { expect } from 'chai';
import * as sinon from 'sinon';
import { controlManifest, dataManifest } from '../../../plugins/storage/redis';
import { SCAN_BUDGET } from '../../../plugins/storage/redis/scripts/messages';
import { StorageError } from '../../../zaqar/storage/errors';
import type { ManagementStore, MessageStore, NewMessage, Project } from '../../../zaqar/storage/interfaces';
import { useRedisServer } from '../../../tools/services/redis';
import { openManagementStore, openMessageStore } from '../../../zaqar/testing/stores';

const PROJECT = 'tenant-a';
const QUEUE = 'q';
const CLIENT = '3381af92-2b9e-11e3-b191-71861300734c';
const SECOND = 1000;
const CLAIM = { ttl: 120, grace: 30, limit: 10 };

const messages = (count: number, options: { ttl?: number; delay?: number; start?: number } = {}): NewMessage[] =>
  Array.from({ length: count }, (_, i) => ({ ttl: options.ttl ?? 300, delay: options.delay ?? 0, body: { n: (options.start ?? 0) + i } }));
const ids = (list: readonly { id: string }[]): string[] => list.map((m) => m.id);

describe('redis stores: behaviour beyond the contract', function () {
  this.timeout(30_000);
  const redis = useRedisServer();
  let control: ManagementStore;
  let data: MessageStore;

  beforeEach(async () => {
    await redis().command('FLUSHALL');
    control = await openManagementStore(controlManifest, { uri: redis().uri() });
    data = await openMessageStore(dataManifest, { uri: redis().uri() }, control);
  });
  afterEach(async () => {
    await data.close();
    await control.close();
  });

  const post = (count: number, options?: Parameters<typeof messages>[1], queue = QUEUE, project: Project = PROJECT) =>
    data.messageController.post(queue, messages(count, options), CLIENT, project);
  const command = (...args: string[]) => redis().command(...args);

  it("hears another store's posts on the post-signal channel but not its own (it woke its waiters in-process)", async () => {
    const other = await openMessageStore(dataManifest, { uri: redis().uri() }, control);
    try {
      const heard: string[] = [];
      const stop = data.signals!.listen((posted) => heard.push(posted ? `${posted.project}/${posted.queue}` : '*'));
      await new Promise((r) => setTimeout(r, 200)); // the subscription is made lazily
      await post(1, undefined, 'mine');
      await other.messageController.post('theirs', messages(1), CLIENT, PROJECT);
      await new Promise((r) => setTimeout(r, 300));
      stop();
      expect(heard).to.deep.equal([`${PROJECT}/theirs`]);
    } finally {
      await other.close();
    }
  });

  it("writes Zaqar's key names", async () => {
    await control.queueController.create(QUEUE, { a: 1 }, PROJECT);
    const [id] = await post(1);
    const { claimId } = await data.claimController.create(QUEUE, CLAIM, PROJECT);
    const keys = (await command('KEYS', '*')) as string[];
    expect(keys.sort()).to.deep.equal(
      [
        'tenant-a.queues_set',
        'tenant-a.q',
        'msgset_index',
        'tenant-a.q.messages',
        'tenant-a.q.rank_counter',
        'tenant-a.q.messages:expires',
        'tenant-a.q.messages:held',
        'tenant-a.q.claims',
        id,
        claimId!,
        `messages.${claimId}`,
      ].sort(),
    );
    expect(await command('HGET', id, 'u')).to.equal(CLIENT);
    expect(await command('HGET', claimId!, 'n')).to.equal('1');
    expect(await command('ZSCORE', 'tenant-a.q.messages', id)).to.equal('1');
    // The held prefix: rank 1 is held until the claim expires (at most 60 s ahead), and its key expires then.
    const [rank, until] = (await command('HMGET', 'tenant-a.q.messages:held', 'r', 't')) as string[];
    expect(rank).to.equal('1');
    expect(Number(until) - Math.floor(Date.now() / 1000)).to.be.within(59, 60);
    expect(Number(await command('PTTL', 'tenant-a.q.messages:held'))).to.be.within(58_000, 61_000);
  });

  it('purging a queue removes its message keys, the held prefix included (ranks restart with the counter)', async () => {
    await control.queueController.create(QUEUE, {}, PROJECT);
    await post(3);
    await data.claimController.create(QUEUE, CLAIM, PROJECT);
    await data.queueDataController.purge(QUEUE, PROJECT);
    const left = ((await command('KEYS', '*')) as string[]).filter((key) => key !== 'tenant-a.q' && key !== 'tenant-a.queues_set');
    expect(left).to.deep.equal([]);
    const [id] = await post(1);
    expect((await data.claimController.create(QUEUE, CLAIM, PROJECT)).messages.map((m) => m.id)).to.deep.equal([id]);
  });

  it("writes subscriptions in Zaqar's layout, with the key TTL at the expiry", async () => {
    const id = await data.subscriptionController.create(QUEUE, 'http://example.com/hook', 600, { a: 1 }, PROJECT);
    expect(((await command('KEYS', '*')) as string[]).sort()).to.deep.equal([id, 'tenant-a.q.subscriptions'].sort());
    expect(await command('ZSCORE', 'tenant-a.q.subscriptions', id!)).to.equal('1');
    const fields = (await command('HGETALL', id!)) as string[];
    const hash = Object.fromEntries(Array.from({ length: fields.length / 2 }, (_, i) => [fields[2 * i], fields[2 * i + 1]]));
    expect(Object.keys(hash).sort()).to.deep.equal(['c', 'e', 'id', 'o', 'p', 's', 't', 'u']);
    expect(hash).to.deep.include({ id, s: QUEUE, u: 'http://example.com/hook', t: '600', p: PROJECT, c: '0' });
    expect(Number(hash.e) - Math.floor(Date.now() / 1000)).to.be.within(599, 600);
    expect(Number(await command('PTTL', id!))).to.be.within(599_000, 601_000);
  });

  it('keeps topic records apart from every queue key (the reference has no topics)', async () => {
    await control.queueController.create(QUEUE, {}, PROJECT);
    await control.topicController.create(QUEUE, { t: 1 }, PROJECT);
    await control.topicController.create('queues_set', {}, PROJECT);
    await control.topicController.create('g', {}, null);
    expect(((await command('KEYS', '*')) as string[]).sort()).to.deep.equal(
      ['tenant-a.queues_set', 'tenant-a.q', 'tenant-a%topics', 'tenant-a%topics.q', 'tenant-a%topics.queues_set', '%topics', '%topics.g'].sort(),
    );
    expect(await command('ZRANGE', 'tenant-a%topics', '0', '-1')).to.deep.equal(['tenant-a%topics.q', 'tenant-a%topics.queues_set']);
    // A project whose id looks like the topic scope is another scope (its '%' is encoded).
    await control.queueController.create('q', {}, 'tenant-a%topics');
    expect(await command('EXISTS', 'tenant-a%25topics.q')).to.equal(1);
    expect(await control.topicController.getMetadata(QUEUE, PROJECT)).to.deep.equal({ t: 1 });
  });

  it('keeps the key TTL beyond the message expiry, also when a claim extends it (the reference did not)', async () => {
    const [id] = await post(1, { ttl: 60 });
    const pttl = async () => Number(await command('PTTL', id));
    expect(await pttl()).to.be.within(60 * SECOND, 62 * SECOND);
    const { claimId } = await data.claimController.create(QUEUE, CLAIM, PROJECT);
    // Claim 120 s + grace 30 s: the message now lives 150 s, and so does its key.
    expect(await pttl()).to.be.within(150 * SECOND, 152 * SECOND);
    await data.claimController.update(QUEUE, claimId!, { ttl: 600, grace: 60 }, PROJECT);
    expect(await pttl()).to.be.within(660 * SECOND, 662 * SECOND);
    expect(Number(await command('PTTL', claimId!))).to.be.within(600 * SECOND, 602 * SECOND);
    expect(Number(await command('PTTL', `messages.${claimId}`))).to.be.within(600 * SECOND, 602 * SECOND);
  });

  it('reports the message volume over every queue in health (Zaqar\'s health tests expect it)', async () => {
    await control.queueController.create('v1', {}, PROJECT);
    await control.queueController.create('v.2', {}, 'tenant.b');
    await data.messageController.post('v1', messages(3), CLIENT, PROJECT);
    await data.messageController.post('v.2', messages(2), CLIENT, 'tenant.b');
    await data.claimController.create('v1', { ...CLAIM, limit: 2 }, PROJECT);
    const health = await data.health();
    expect(health.message_volume).to.deep.equal({ free: 3, claimed: 2, total: 5 });
  });

  it('keeps tenants apart where Zaqar would share keys (project "a.b" + queue "c" vs project "a" + queue "b.c")', async () => {
    expect(await control.queueController.create('c', { owner: 'a.b' }, 'a.b')).to.equal(true);
    expect(await control.queueController.create('b.c', { owner: 'a' }, 'a')).to.equal(true);
    await post(2, {}, 'c', 'a.b');
    await post(1, {}, 'b.c', 'a');
    expect(await control.queueController.get('c', 'a.b')).to.deep.equal({ owner: 'a.b' });
    expect(await control.queueController.get('b.c', 'a')).to.deep.equal({ owner: 'a' });
    expect((await data.queueDataController.stats('c', 'a.b')).messages.total).to.equal(2);
    expect((await data.queueDataController.stats('b.c', 'a')).messages.total).to.equal(1);
    expect((await control.queueController.list('a')).items).to.deep.equal([{ name: 'b.c' }]);
    // Projects without '.' or '%' keep Zaqar's exact key names.
    expect(await command('EXISTS', 'a.b.c')).to.equal(1);
    expect(await command('EXISTS', 'a%2Eb.c')).to.equal(1);
  });

  it('continues a listing after its marker message was deleted (the reference restarted from the head)', async () => {
    const posted = await post(5);
    const first = await data.messageController.list(QUEUE, PROJECT, { limit: 2, echo: true });
    expect(ids(first.items)).to.deep.equal(posted.slice(0, 2));
    await data.messageController.delete(QUEUE, posted[1], PROJECT);
    const second = await data.messageController.list(QUEUE, PROJECT, { limit: 2, echo: true, marker: first.next });
    expect(ids(second.items)).to.deep.equal(posted.slice(2, 4));
    // A reference-style marker naming a deleted message gives an empty page.
    expect((await data.messageController.list(QUEUE, PROJECT, { echo: true, marker: posted[1] })).items).to.deep.equal([]);
  });

  describe(`heads longer than one script call walks (${SCAN_BUDGET} ids)`, () => {
    it('lists, claims and pops past them, one claim spanning two calls', async () => {
      await post(SCAN_BUDGET - 5, { delay: 600 });
      const ready = await post(10, { start: SCAN_BUDGET });
      expect(ids((await data.messageController.list(QUEUE, PROJECT, { echo: true, limit: 10 })).items)).to.deep.equal(ready);

      const claim = await data.claimController.create(QUEUE, CLAIM, PROJECT);
      expect(ids(claim.messages)).to.deep.equal(ready);
      expect(ids((await data.claimController.get(QUEUE, claim.claimId!, PROJECT)).messages)).to.deep.equal(ready);
      expect((await data.queueDataController.stats(QUEUE, PROJECT)).messages).to.include({ claimed: 10, total: SCAN_BUDGET + 5 });

      await data.claimController.delete(QUEUE, claim.claimId!, PROJECT);
      expect(ids(await data.messageController.pop(QUEUE, 10, PROJECT))).to.deep.equal(ready);
    });
  });

  describe('with a fake clock', () => {
    let clock: sinon.SinonFakeTimers;
    beforeEach(() => {
      clock = sinon.useFakeTimers({ now: Date.UTC(2030, 0, 1), toFake: ['Date'] });
    });
    afterEach(() => clock.restore());

    it('counts stats when an expired claim hash is already gone (the reference crashed)', async () => {
      await post(3);
      const expired = await data.claimController.create(QUEUE, { ttl: 60, grace: 60, limit: 1 }, PROJECT);
      const live = await data.claimController.create(QUEUE, { ttl: 600, grace: 60, limit: 1 }, PROJECT);
      // Redis dropped the first claim's hash (key TTL) while its id is still in the claims set.
      await command('DEL', expired.claimId!, `messages.${expired.claimId}`);
      clock.tick(61 * SECOND);
      expect((await data.queueDataController.stats(QUEUE, PROJECT)).messages).to.include({ claimed: 1, free: 2, total: 3 });
      expect(live.claimId).to.be.a('string');
    });

    it('garbage-collects expired message ids, expired claim ids and empty queues', async () => {
      const gone = await post(3, { ttl: 60 });
      const kept = await post(2, { ttl: 600, start: 3 });
      await data.claimController.create(QUEUE, { ttl: 60, grace: 60, limit: 1 }, PROJECT);
      await post(1, { ttl: 60 }, 'other');
      clock.tick(121 * SECOND);
      // The first message was extended by its claim to 120 s: all three are gone by now.
      expect(await data.gc()).to.equal(4);
      expect(await command('ZRANGE', 'tenant-a.q.messages', '0', '-1')).to.deep.equal(kept);
      expect(await command('ZCARD', 'tenant-a.q.claims')).to.equal(0);
      for (const id of gone) expect(await command('EXISTS', id)).to.equal(0);
      expect(await command('ZRANGE', 'msgset_index', '0', '-1')).to.deep.equal(['tenant-a.q.messages']);
      expect(await data.gc()).to.equal(0);
    });
  });

  it("refuses to create a queue over another record Zaqar's layout puts under the same key", async () => {
    // Pool "tenant-a" lives in the hash tenant-a.pools — the key of queue "pools" in project tenant-a.
    await control.poolsController.create(PROJECT, 10, 'redis://pool-host', null, {});
    let error: unknown;
    try {
      await control.queueController.create('pools', {}, PROJECT);
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(StorageError);
    expect((await control.poolsController.get(PROJECT)).uri).to.equal('redis://pool-host');
    expect(await control.queueController.exists('pools', PROJECT)).to.equal(false);
  });
});
