/**
 * The MongoDB stores against a real FerretDB, for what the contract suites
 * do not cover: a database written by Zaqar's Python driver is read as is
 * (documents inserted here exactly as zaqar/storage/mongodb/messages.py
 * writes them), what we write is what Zaqar reads, index upgrades, the
 * start-up rules, dead-letter moves on disk, reaping without TTL indexes,
 * and an outage: ConnectionError while the server is down, recovery after.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import * as sinon from 'sinon';
import { Binary, Double, Int32, Long, MongoClient, ObjectId } from 'mongodb';
import { manifest as mongoManifests } from '../../../plugins/storage/mongodb';
import { NEEDS_REPLICA_SET } from '../../../plugins/storage/mongodb/durability';
import { partitionOf } from '../../../plugins/storage/mongodb/scope';
import { dumpJson, JsonNumber } from '../../../zaqar/common/json';
import { OsloConfig } from '../../../zaqar/config/config';
import { CORE_OPTION_GROUPS } from '../../../zaqar/config/groups';
import { parseIni } from '../../../zaqar/config/ini';
import { ConfigError } from '../../../zaqar/config/options';
import { ConnectionError } from '../../../zaqar/storage/errors';
import type { ManagementStore, MessageStore, StoredMessage } from '../../../zaqar/storage/interfaces';
import { type FerretDB, useFerretDB } from '../../../tools/services/ferretdb';
import { freePort } from '../../../tools/services/process';
import { openManagementStore, openMessageStore } from '../../../zaqar/testing/stores';

const PRODUCER = '3381af92-2b9e-11e3-b191-71861300734c';
const OTHER_CLIENT = 'a1b2c3d4-0000-4000-8000-000000000001';

function configWith(text: string): OsloConfig {
  const config = new OsloConfig({ files: [parseIni(text, 'zaqar.conf')] });
  for (const group of CORE_OPTION_GROUPS) config.register(group);
  return config;
}

/** Drivers built as the server builds them (manifest → DI → factory), with `unreliable` on unless said otherwise. */
async function openStores(uri: string, database: string, defaults = '[DEFAULT]\nunreliable = true\n'): Promise<{ control: ManagementStore; data: MessageStore }> {
  const config = configWith(defaults);
  const [dataManifest, controlManifest] = mongoManifests;
  const control = await openManagementStore(controlManifest, { uri, database }, config);
  try {
    const data = await openMessageStore(dataManifest, { uri, database, partitions: 2 }, control, config);
    return { control, data };
  } catch (err) {
    await control.close();
    throw err;
  }
}

const body = (message: StoredMessage) => dumpJson(message.body);
const seconds = (ms: number) => Math.floor(ms / 1000);

describe('storage/mongodb on FerretDB', function () {
  this.timeout(60_000);

  describe('one database shared with the Python server', () => {
    const ferret = useFerretDB();
    let database: string;
    let raw: MongoClient;
    let stores: { control: ManagementStore; data: MessageStore } | undefined;

    beforeEach(async () => {
      database = `zu_${randomBytes(5).toString('hex')}`;
      raw = new MongoClient(ferret().uri);
    });
    afterEach(async () => {
      if (stores) {
        await stores.data.close();
        await stores.control.close();
        stores = undefined;
      }
      for (const suffix of ['', '_queues', '_topics', '_subscriptions', '_messages_p0', '_messages_p1']) await raw.db(`${database}${suffix}`).dropDatabase();
      await raw.close();
    });

    const messagesOf = (queue: string, project: string | null) =>
      raw.db(`${database}_messages_p${partitionOf(queue, project, 2)}`).collection('messages');

    describe("reads what Zaqar's Python driver wrote", () => {
      const QUEUE = 'legacy';
      const PROJECT = 'tenant';
      let nowS: number;
      let ids: Record<'fresh' | 'old' | 'claimed', ObjectId>;
      let claimRef: ObjectId;

      beforeEach(async () => {
        nowS = seconds(Date.now());
        const at = (secondsAgo: number) => new ObjectId(ObjectId.generate(nowS - secondsAgo));
        ids = { fresh: at(10), old: at(9), claimed: at(8) };
        claimRef = at(20);
        // Zaqar's queue document (queues.py `_create`, after three posted messages).
        await raw.db(`${database}_queues`).collection('queues').insertOne({
          p_q: `${PROJECT}/${QUEUE}`,
          m: { _default_message_ttl: new Int32(3600), ratio: new Double(0.5), big: Long.fromString('9223372036854775807') },
          c: { v: new Int32(4), t: new Int32(nowS - 8) },
        });
        // Message documents as messages.py `post` writes them (pymongo types).
        const common = { p_q: `${PROJECT}/${QUEUE}`, u: new Binary(Buffer.from(PRODUCER.replace(/-/g, ''), 'hex'), 4), tx: null };
        await messagesOf(QUEUE, PROJECT).insertMany([
          {
            _id: ids.fresh,
            ...common,
            t: new Int32(300),
            e: new Date((nowS - 10 + 300) * 1000),
            c: { id: null, e: new Int32(nowS - 10), c: new Int32(0) },
            d: new Int32(nowS - 10),
            b: { event: 'x', f: new Double(1), n: new Int32(3), big: Long.fromString('4611686018427387904'), nested: [new Double(2.5), 'y'] },
            k: new Int32(1),
          },
          {
            // Written before delays existed: no `d`; released by Zaqar: `c` without count.
            _id: ids.old,
            ...common,
            t: new Int32(600),
            e: new Date((nowS - 9 + 600) * 1000),
            c: { id: null, e: new Int32(nowS - 5) },
            b: 'plain string body',
            k: new Int32(2),
            cs: 'MD5:0123456789abcdef0123456789abcdef',
          },
          {
            // Held by a claim Zaqar created 20 s ago with ttl 120.
            _id: ids.claimed,
            ...common,
            t: new Int32(300),
            e: new Date((nowS - 8 + 300) * 1000),
            c: { id: claimRef, t: new Int32(120), e: new Int32(nowS + 100), c: new Int32(1) },
            d: new Int32(nowS - 8),
            b: [new Int32(1), new Double(2.25)],
            k: new Int32(3),
          },
        ]);
        stores = await openStores(ferret().uri, database);
      });

      it('lists queues and reads their metadata exactly', async () => {
        const { queueController } = stores!.control;
        expect((await queueController.list(PROJECT)).items).to.deep.equal([{ name: QUEUE }]);
        expect(dumpJson(await queueController.getMetadata(QUEUE, PROJECT))).to.equal(
          '{"_default_message_ttl": 3600, "ratio": 0.5, "big": 9223372036854775807}',
        );
      });

      it('lists messages in marker order with their bodies, markers and checksums', async () => {
        const page = await stores!.data.messageController.list(QUEUE, PROJECT, { echo: true, includeClaimed: true, limit: 2 });
        expect(page.items.map((m) => m.id)).to.deep.equal([ids.fresh.toHexString(), ids.old.toHexString()]);
        expect(page.next).to.equal('2');
        expect(body(page.items[0])).to.equal('{"event": "x", "f": 1.0, "n": 3, "big": 4611686018427387904, "nested": [2.5, "y"]}');
        expect(page.items[0]).to.include({ ttl: 300, claimId: null, claimCount: 0, created: (nowS - 10) * 1000 });
        expect(page.items[0].age).to.be.within(10, 11);
        expect(page.items[1]).to.include({ checksum: 'MD5:0123456789abcdef0123456789abcdef', claimCount: 0 });
        expect(body(page.items[1])).to.equal('"plain string body"');
        const rest = await stores!.data.messageController.list(QUEUE, PROJECT, { echo: true, includeClaimed: true, marker: page.next });
        expect(rest.items.map((m) => m.id)).to.deep.equal([ids.claimed.toHexString()]);
        expect(body(rest.items[0])).to.equal('[1, 2.25]');
      });

      it('recognises the binary UUID client id for echo, and old documents without a delay', async () => {
        const messages = stores!.data.messageController;
        const own = await messages.list(QUEUE, PROJECT, { clientId: PRODUCER, includeDelayed: false });
        expect(own.items).to.deep.equal([]);
        const others = await messages.list(QUEUE, PROJECT, { clientId: OTHER_CLIENT, includeDelayed: false });
        expect(others.items.map((m) => m.id)).to.deep.equal([ids.fresh.toHexString(), ids.old.toHexString()]);
      });

      it("reads Zaqar's claims and counts them in stats", async () => {
        const claim = await stores!.data.claimController.get(QUEUE, claimRef.toHexString(), PROJECT);
        expect(claim).to.include({ id: claimRef.toHexString(), ttl: 120 });
        expect(claim.age).to.be.within(20, 21);
        expect(claim.messages.map((m) => [m.id, m.claimCount])).to.deep.equal([[ids.claimed.toHexString(), 1]]);
        const stats = await stores!.data.queueDataController.stats(QUEUE, PROJECT);
        expect(stats.messages).to.include({ claimed: 1, free: 2, total: 3 });
        expect(stats.messages.oldest).to.deep.equal({
          id: ids.fresh.toHexString(),
          age: stats.messages.oldest!.age,
          created: new Date((nowS - 10) * 1000).toISOString().slice(0, 19) + 'Z',
        });
        await stores!.data.messageController.delete(QUEUE, ids.claimed.toHexString(), PROJECT, claimRef.toHexString());
        expect((await stores!.data.queueDataController.stats(QUEUE, PROJECT)).messages.total).to.equal(2);
      });

      it("continues the queue's marker counter and claims alongside Zaqar's documents", async () => {
        const [id] = await stores!.data.messageController.post(QUEUE, [{ ttl: 120, delay: 0, body: { next: true } }], OTHER_CLIENT, PROJECT);
        const doc = await messagesOf(QUEUE, PROJECT).findOne({ _id: ObjectId.createFromHexString(id) }, { promoteValues: false });
        expect(doc?.k).to.deep.equal(new Int32(4));
        const queue = await raw.db(`${database}_queues`).collection('queues').findOne({ p_q: `${PROJECT}/${QUEUE}` });
        expect(queue?.c.v).to.equal(5);
        const { messages } = await stores!.data.claimController.create(QUEUE, { ttl: 60, grace: 60, limit: 10 }, PROJECT);
        expect(messages.map((m) => m.id)).to.deep.equal([ids.fresh.toHexString(), ids.old.toHexString(), id]);
      });
    });

    describe("reads the subscriptions and topics Zaqar's Python driver wrote", () => {
      let nowS: number;
      let ids: Record<'hook' | 'mail' | 'global', ObjectId>;
      const subscriptionsOf = () => raw.db(`${database}_subscriptions`).collection('subscriptions');

      beforeEach(async () => {
        nowS = seconds(Date.now());
        const at = (secondsAgo: number) => new ObjectId(ObjectId.generate(nowS - secondsAgo));
        ids = { hook: at(30), mail: at(20), global: at(10) };
        // As subscriptions.py `create` (and `confirm`) write them: e a whole-second date, c a bool.
        const expires = (created: number, ttl: number) => new Date((nowS - created + ttl) * 1000);
        await subscriptionsOf().insertMany([
          {
            _id: ids.hook,
            s: 'fizbit',
            u: 'http://example.com/hook',
            t: new Int32(3600),
            e: expires(30, 3600),
            o: { ratio: new Double(1), big: Long.fromString('9223372036854775807'), nested: { list: [new Int32(1), 'two', null, true] } },
            p: 'tenant-a',
            c: false,
          },
          // Written before confirmation existed: no `c`.
          { _id: ids.mail, s: 'fizbit', u: 'mailto:ops@example.com', t: new Int32(600), e: expires(20, 600), o: {}, p: 'tenant-a' },
          { _id: ids.global, s: 'globalq', u: 'https://example.com/global', t: new Int32(120), e: expires(10, 120), o: {}, p: null, c: false },
        ]);
        // As topics.py `_create` writes them.
        await raw.db(`${database}_topics`).collection('topics').insertMany([
          { p_t: 'tenant-a/fizbit', m: { ratio: new Double(1.5), big: Long.fromString('9223372036854775807') }, c: { v: new Int32(1), t: new Int32(0) } },
          { p_t: '/globalt', m: {}, c: { v: new Int32(1), t: new Int32(0) } },
        ]);
        stores = await openStores(ferret().uri, database);
      });

      it('lists and gets subscriptions with their options, age and confirmation', async () => {
        const subscriptions = stores!.data.subscriptionController;
        const page = await subscriptions.list('fizbit', 'tenant-a');
        expect(page.items.map((s) => s.id)).to.deep.equal([ids.hook.toHexString(), ids.mail.toHexString()]);
        const [hook, mail] = page.items;
        expect(dumpJson(hook.options)).to.equal('{"ratio": 1.0, "big": 9223372036854775807, "nested": {"list": [1, "two", null, true]}}');
        expect(hook).to.deep.include({ source: 'fizbit', subscriber: 'http://example.com/hook', ttl: 3600, confirmed: false });
        expect(hook.age).to.be.within(30, 31);
        expect(mail).to.deep.include({ confirmed: true, ttl: 600 });
        expect((await subscriptions.get('globalq', ids.global.toHexString(), null)).subscriber).to.equal('https://example.com/global');
        expect(await subscriptions.create('fizbit', 'http://example.com/hook', 60, {}, 'tenant-a')).to.equal(null);
        await subscriptions.confirm('fizbit', ids.mail.toHexString(), 'tenant-a', false);
        expect((await subscriptionsOf().findOne({ _id: ids.mail }))!.c).to.equal(false);
      });

      it('reads topic records and keeps them apart from queues', async () => {
        const { topicController, queueController } = stores!.control;
        expect((await topicController.list('tenant-a', { detailed: true })).items.map((t) => [t.name, dumpJson(t.metadata)])).to.deep.equal([
          ['fizbit', '{"ratio": 1.5, "big": 9223372036854775807}'],
        ]);
        expect(await topicController.exists('globalt', null)).to.equal(true);
        expect(await queueController.exists('fizbit', 'tenant-a')).to.equal(false);
        expect(await topicController.create('fizbit', {}, 'tenant-a')).to.equal(false);
      });
    });

    it("writes subscriptions and topics as Zaqar's Python driver does, with its indexes", async () => {
      stores = await openStores(ferret().uri, database);
      const before = Date.now();
      const id = await stores.data.subscriptionController.create('fresh', 'http://example.com/hook', 600, { f: new JsonNumber('1.0') }, 'tenant');
      const doc = await raw.db(`${database}_subscriptions`).collection('subscriptions').findOne({}, { promoteValues: false });
      expect(Object.keys(doc!)).to.deep.equal(['_id', 's', 'u', 't', 'e', 'o', 'p', 'c']);
      expect(doc!._id.toHexString()).to.equal(id);
      expect(doc).to.deep.include({ s: 'fresh', u: 'http://example.com/hook', t: new Int32(600), o: { f: new Double(1) }, p: 'tenant', c: false });
      expect((doc!.e as Date).getTime() - before).to.be.within(600_000, 605_000);
      const indexes = await raw.db(`${database}_subscriptions`).collection('subscriptions').indexes();
      expect(indexes.find((index) => index.name === 's_1_u_1_p_1')).to.deep.include({ key: { s: 1, u: 1, p: 1 }, unique: true });
      expect(indexes.find((index) => index.name === 'ttl')?.key).to.deep.equal({ e: 1 });

      await stores.control.topicController.create('fresh', { limit: new JsonNumber('1.0') }, 'tenant');
      const topic = await raw.db(`${database}_topics`).collection('topics').findOne({}, { promoteValues: false });
      expect(topic).to.deep.include({ p_t: 'tenant/fresh', m: { limit: new Double(1) } });
      expect(topic!.c).to.deep.equal({ v: new Int32(1), t: new Int32(0) });
      expect((await raw.db(`${database}_topics`).collection('topics').indexes()).find((i) => i.name === 'p_t_1')).to.deep.include({ unique: true });
    });

    it("writes what Zaqar's Python driver reads: its document layout, types and indexes", async () => {
      stores = await openStores(ferret().uri, database);
      await stores.control.queueController.create('fresh', { limit: new JsonNumber('1.0') }, 'tenant');
      const before = Date.now();
      const [id] = await stores.data.messageController.post(
        'fresh',
        [{ ttl: 300, delay: 30, body: { f: new JsonNumber('1.0'), max: new JsonNumber('9223372036854775807'), n: 7 }, checksum: 'MD5:00' }],
        PRODUCER,
        'tenant',
      );
      const doc = await messagesOf('fresh', 'tenant').findOne({}, { promoteValues: false });
      expect(doc).to.not.equal(null);
      expect(Object.keys(doc!)).to.deep.equal(['_id', 'p_q', 't', 'e', 'u', 'c', 'd', 'b', 'k', 'tx', 'cs']);
      expect(doc!._id.toHexString()).to.equal(id);
      expect(doc!.p_q).to.equal('tenant/fresh');
      expect(doc!.t).to.deep.equal(new Int32(300));
      expect(doc!.e).to.be.instanceOf(Date);
      expect((doc!.e as Date).getTime() - before).to.be.within(300_000, 305_000);
      expect(doc!.u).to.equal(PRODUCER);
      expect(doc!.c.id).to.equal(null);
      expect(doc!.c.e).to.be.instanceOf(Int32);
      expect(doc!.c.e.value).to.be.within(seconds(before), seconds(Date.now()));
      expect(doc!.d.value).to.equal(doc!.c.e.value + 30);
      expect(doc!.b.f).to.deep.equal(new Double(1));
      expect(doc!.b.max).to.deep.equal(Long.fromString('9223372036854775807'));
      expect(doc!.b.n).to.deep.equal(new Int32(7));
      expect(doc!.k).to.deep.equal(new Int32(1));
      expect(doc!.tx).to.equal(null);
      const queue = await raw.db(`${database}_queues`).collection('queues').findOne({ p_q: 'tenant/fresh' }, { promoteValues: false });
      expect(queue!.m).to.deep.equal({ limit: new Double(1) });
      expect(queue!.c).to.deep.equal({ v: new Int32(2), t: queue!.c.t });

      const indexes = await messagesOf('fresh', 'tenant').indexes();
      const byName = new Map(indexes.map((index) => [index.name, index]));
      expect([...byName.keys()].sort()).to.deep.equal(['_id_', 'active', 'claimed', 'counting', 'queue_marker', 'transaction', 'ttl']);
      expect(byName.get('queue_marker')).to.deep.include({ key: { k: 1, p_q: 1 }, unique: true });
      expect(byName.get('active')!.key).to.deep.equal({ p_q: 1, k: 1, 'c.e': 1 });
      expect(byName.get('claimed')!.key).to.deep.equal({ p_q: 1, 'c.id': 1, k: 1, 'c.e': 1 });
      expect(byName.get('counting')!.key).to.deep.equal({ p_q: 1, 'c.e': 1 });
      expect((await raw.db(`${database}_queues`).collection('queues').indexes()).find((i) => i.name === 'p_q_1')).to.deep.include({ unique: true });
    });

    it("makes the plain Zaqar driver's non-unique queue_marker index unique", async () => {
      const collection = raw.db(`${database}_messages_p0`).collection('messages');
      await collection.createIndex({ k: 1, p_q: 1 }, { name: 'queue_marker' });
      await collection.insertOne({ p_q: 'p/q', k: 1, tx: null, e: new Date(Date.now() + 60_000), c: { id: null, e: 0 } });
      stores = await openStores(ferret().uri, database);
      const marker = (await collection.indexes()).find((index) => index.name === 'queue_marker');
      expect(marker).to.deep.include({ unique: true });
    });

    describe('dead-letter moves on disk', () => {
      // Pick DLQ names in the same partition as the queue, and in the other one.
      const QUEUE = 'source';
      const PROJECT = 'tenant';
      const dlqIn = (same: boolean) => {
        for (let i = 0; ; i++) {
          const name = `dead-${i}`;
          if ((partitionOf(name, PROJECT, 2) === partitionOf(QUEUE, PROJECT, 2)) === same) return name;
        }
      };

      for (const same of [true, false]) {
        it(`moves a message ${same ? 'in place' : 'to the other partition'}: new DLQ marker, unclaimed, DLQ ttl enforced`, async () => {
          const dlq = dlqIn(same);
          stores = await openStores(ferret().uri, database);
          await stores.control.queueController.create(QUEUE, {}, PROJECT);
          await stores.control.queueController.create(dlq, {}, PROJECT);
          await stores.data.messageController.post(dlq, [{ ttl: 300, delay: 0, body: 'already there' }], PRODUCER, PROJECT);
          const [id] = await stores.data.messageController.post(QUEUE, [{ ttl: 3600, delay: 0, body: { n: 1 } }], PRODUCER, PROJECT);
          const before = Date.now();
          const result = await stores.data.claimController.create(
            QUEUE,
            { ttl: 60, grace: 60, limit: 5, deadLetter: { maxClaimCount: 0, queue: dlq, ttl: 120 } },
            PROJECT,
          );
          expect(result).to.deep.equal({ claimId: null, messages: [] });

          const copies = [
            ...(await messagesOf(QUEUE, PROJECT).find({ _id: ObjectId.createFromHexString(id) }).toArray()),
            ...(same ? [] : await messagesOf(dlq, PROJECT).find({ _id: ObjectId.createFromHexString(id) }).toArray()),
          ];
          expect(copies).to.have.length(1);
          const moved = copies[0];
          expect(moved.p_q).to.equal(`${PROJECT}/${dlq}`);
          expect(moved.k).to.equal(2); // after the DLQ's own first message
          expect(moved.tx).to.equal(null);
          expect(moved.t).to.equal(120);
          expect(moved.e.getTime() - before).to.be.within(119_000, 125_000);
          expect(moved.c.e).to.be.at.most(seconds(Date.now()));
          expect(moved.c.c).to.equal(0);
          const listed = await stores.data.messageController.list(dlq, PROJECT, { echo: true });
          expect(listed.items.map((m) => [m.id, m.claimId, m.ttl])).to.deep.include([id, null, 120]);
        });

        it(`moves ${same ? 'in place' : 'across partitions'} while producers post to the dead-letter queue: unique markers, nothing lost`, async () => {
          const dlq = dlqIn(same);
          stores = await openStores(ferret().uri, database);
          const { data } = stores;
          await stores.control.queueController.create(QUEUE, {}, PROJECT);
          await stores.control.queueController.create(dlq, {}, PROJECT);
          const moving: string[] = [];
          for (let batch = 0; batch < 4; batch++) {
            moving.push(...(await data.messageController.post(QUEUE, Array.from({ length: 10 }, (_, n) => ({ ttl: 300, delay: 0, body: n })), PRODUCER, PROJECT)));
          }
          const direct: string[] = [];
          const deadLetter = { maxClaimCount: 0, queue: dlq };
          await Promise.all([
            ...[0, 1, 2].map(async () => {
              for (let i = 0; i < 10; i++) direct.push(...(await data.messageController.post(dlq, [{ ttl: 300, delay: 0, body: 'direct' }], PRODUCER, PROJECT)));
            }),
            ...[0, 1, 2, 3].map(async () => {
              for (let i = 0; i < 5; i++) await data.claimController.create(QUEUE, { ttl: 60, grace: 60, limit: 2, deadLetter }, PROJECT);
            }),
          ]);
          const listed: string[] = [];
          for (let marker: string | undefined; ; ) {
            const page = await data.messageController.list(dlq, PROJECT, { marker, limit: 20, echo: true });
            if (page.items.length === 0) break;
            listed.push(...page.items.map((m) => m.id));
            marker = page.next;
          }
          expect(new Set(listed).size).to.equal(listed.length);
          expect(new Set(listed)).to.deep.equal(new Set([...direct, ...moving]));
        });
      }
    });

    it('deletes expired messages and subscriptions itself where the server has no TTL indexes (gc)', async () => {
      stores = await openStores(ferret().uri, database);
      await stores.control.queueController.create('short', {}, null);
      await stores.data.messageController.post(
        'short',
        [
          { ttl: 60, delay: 0, body: 1 },
          { ttl: 600, delay: 0, body: 2 },
        ],
        PRODUCER,
        null,
      );
      await stores.data.subscriptionController.create('short', 'http://example.com/hook', 60, {}, null);
      await stores.data.subscriptionController.create('short', 'http://example.com/other', 600, {}, null);
      const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['Date'] });
      try {
        clock.tick(61_000);
        expect(await stores.data.gc()).to.equal(2);
        expect(await messagesOf('short', null).countDocuments({})).to.equal(1);
        expect(await raw.db(`${database}_subscriptions`).collection('subscriptions').countDocuments({})).to.equal(1);
      } finally {
        clock.restore();
      }
    });

    describe('start-up', () => {
      it('refuses a standalone server unless [DEFAULT] unreliable = true', async () => {
        const error = await openStores(ferret().uri, database, '[DEFAULT]\nunreliable = false\n').catch((err: unknown) => err);
        expect(error).to.be.instanceOf(ConfigError);
        expect((error as ConfigError).message).to.equal(`[drivers:message_store:mongodb] uri: ${NEEDS_REPLICA_SET}`);
        stores = await openStores(ferret().uri, database);
        expect(await stores.data.isAlive()).to.equal(true);
      });

      it('fails within seconds, naming the store, when the server is unreachable', async () => {
        const port = await freePort();
        const started = Date.now();
        const error = await openStores(`mongodb://127.0.0.1:${port}`, database).catch((err: unknown) => err);
        expect((error as Error).message).to.match(/^MongoDB management store at mongodb:\/\/127\.0\.0\.1:\d+ is unreachable/);
        expect(Date.now() - started).to.be.below(10_000);
      });
    });
  });

  describe('while the server is down', () => {
    const ferret = useFerretDB();
    let stores: { control: ManagementStore; data: MessageStore };

    before(async () => {
      stores = await openStores(ferret().uri, 'outage');
      await stores.control.queueController.create('q', {}, 'p');
      await stores.data.messageController.post('q', [{ ttl: 300, delay: 0, body: 'kept' }], PRODUCER, 'p');
    });
    after(async () => {
      await stores?.data.close();
      await stores?.control.close();
    });

    it('reports ConnectionError within a few seconds, then recovers by itself', async () => {
      const server: FerretDB = ferret();
      await server.stop();
      const started = Date.now();
      expect(await stores.data.isAlive()).to.equal(false);
      for (const call of [
        () => stores.data.messageController.list('q', 'p', { echo: true }),
        () => stores.data.messageController.post('q', [{ ttl: 60, delay: 0, body: 'lost' }], PRODUCER, 'p'),
        () => stores.data.claimController.create('q', { ttl: 60, grace: 60, limit: 1 }, 'p'),
        () => stores.control.queueController.list('p'),
      ]) {
        const error = await call().catch((err: unknown) => err);
        expect(error, String(error)).to.be.instanceOf(ConnectionError);
      }
      expect(Date.now() - started).to.be.below(4 * 6_000);

      await server.start();
      expect(await stores.data.isAlive()).to.equal(true);
      const page = await stores.data.messageController.list('q', 'p', { echo: true });
      expect(page.items.map(body)).to.deep.equal(['"kept"']);
    });
  });
});
