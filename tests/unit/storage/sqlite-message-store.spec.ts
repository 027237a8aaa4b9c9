/**
 * What is particular to the SQLite message store — its plugin surface,
 * database settings, schema, and the choices the shared contract leaves
 * open (claim/dead-letter details, gc, health). The shared behaviour is in
 * tests/conformance/.
 */
import Database from 'better-sqlite3';
import { expect } from 'chai';
import * as path from 'node:path';
import * as sinon from 'sinon';
import { manifest } from '../../../plugins/storage/sqlite';
import { GC_INTERVAL_MS } from '../../../plugins/storage/sqlite/message-store';
import { readSqliteMessageStoreOptions } from '../../../plugins/storage/sqlite/options';
import { GroupCommit } from '../../../plugins/storage/sqlite/group-commit';
import { openMessageDatabase, SCHEMA_VERSION, walSyncs } from '../../../plugins/storage/sqlite/schema';
import { WalSync } from '../../../plugins/storage/sqlite/wal-sync';
import { RawJson } from '../../../zaqar/common/json';
import { ConfigError } from '../../../zaqar/config/options';
import { Capability, type ManagementStore, type MessageStore } from '../../../zaqar/storage/interfaces';
import { makeTempDir, openSqlManagementStore, openSqliteMessageStore, sqliteUri } from '../../helpers/storage-sqlite';

const QUEUE = 'fizbit';
const PROJECT = 'tenant-a';
const message = (body: unknown, ttl = 300) => ({ ttl, delay: 0, body });

describe('sqlite message store', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let file: string;
  const toClose: { close(): Promise<void> | unknown }[] = [];

  beforeEach(() => {
    temp = makeTempDir('zaqar-sqlite-unit-');
    file = path.join(temp.dir, 'messages.sqlite');
  });
  afterEach(async () => {
    for (const item of toClose.splice(0).reverse()) await item.close();
    temp.remove();
  });

  async function open(options: Record<string, unknown> = {}): Promise<MessageStore> {
    const control: ManagementStore = await openSqlManagementStore({ uri: 'sqlite://' });
    const data = await openSqliteMessageStore({ uri: sqliteUri(file), ...options }, control);
    toClose.push(control, data);
    return data;
  }

  /** A second, raw connection to the same file, to look at what the driver stored. */
  function inspect(): Database.Database {
    const db = new Database(file, { readonly: true });
    toClose.push(db);
    return db;
  }

  describe('plugin surface', () => {
    it('declares a message_store plugin named sqlite with its option group', () => {
      expect(manifest).to.include({ kind: 'message_store', name: 'sqlite' });
      const [group] = manifest.optionGroups!;
      expect(group.name).to.equal('drivers:message_store:sqlite');
      expect(group.options.map((o) => [o.name, o.type, o.default])).to.deep.equal([
        ['uri', 'string', 'sqlite:///data/zaqar-messages.sqlite'],
        ['synchronous', 'string', 'FULL'],
        ['busy_timeout', 'integer', 5000],
      ]);
      expect(group.options[1].choices).to.deep.equal(['OFF', 'NORMAL', 'FULL']);
      expect(group.options[1].help).to.match(/NORMAL.*crash.*power/s);
    });

    it('fills missing options with their defaults and rejects invalid ones', () => {
      expect(readSqliteMessageStoreOptions({})).to.deep.equal({
        uri: 'sqlite:///data/zaqar-messages.sqlite',
        synchronous: 'FULL',
        busyTimeoutMs: 5000,
      });
      expect(() => readSqliteMessageStoreOptions({ synchronous: 'normal' })).to.throw(ConfigError, /one of OFF, NORMAL, FULL/);
      expect(() => readSqliteMessageStoreOptions({ busy_timeout: -1 })).to.throw(ConfigError);
      expect(() => readSqliteMessageStoreOptions({ uri: 42 })).to.throw(ConfigError);
    });

    it('reports its capabilities', async () => {
      const data = await open();
      expect(data.capabilities).to.deep.equal([Capability.FIFO, Capability.CLAIMS, Capability.DURABILITY, Capability.AOD]);
    });

    it('refuses a server database URI through the factory', async () => {
      const control = await openSqlManagementStore({ uri: 'sqlite://' });
      toClose.push(control);
      let error: unknown;
      await openSqliteMessageStore({ uri: 'mysql+pymysql://root@db/zaqar' }, control).catch((err: unknown) => (error = err));
      expect(error).to.be.instanceOf(ConfigError);
      expect(String(error)).to.contain('[drivers:message_store:sqlite] uri');
    });

    it('works in memory', async () => {
      const control = await openSqlManagementStore({ uri: 'sqlite://' });
      const data = await openSqliteMessageStore({ uri: 'sqlite://' }, control);
      toClose.push(control, data);
      const [id] = await data.messageController.post(QUEUE, [message({ a: 1 })], 'client', PROJECT);
      expect((await data.messageController.get(QUEUE, id, PROJECT)).id).to.equal(id);
    });
  });

  describe('database', () => {
    it('opens in WAL mode with the configured synchronous level, foreign keys and busy timeout', () => {
      const db = openMessageDatabase(file, { synchronous: 'NORMAL', busyTimeoutMs: 1234 });
      toClose.push(db);
      expect(db.pragma('journal_mode', { simple: true })).to.equal('wal');
      expect(db.pragma('synchronous', { simple: true })).to.equal(1); // NORMAL
      expect(db.pragma('foreign_keys', { simple: true })).to.equal(1);
      expect(db.pragma('busy_timeout', { simple: true })).to.equal(1234);
    });

    it('defaults to synchronous FULL, made durable by an fsync of the WAL off the event loop (the connection runs at NORMAL)', () => {
      const defaults = readSqliteMessageStoreOptions({});
      expect(defaults.synchronous).to.equal('FULL');
      expect(walSyncs(file, defaults)).to.equal(true);
      expect(walSyncs(':memory:', defaults)).to.equal(false);
      const db = openMessageDatabase(file, defaults);
      toClose.push(db);
      expect(db.pragma('synchronous', { simple: true })).to.equal(1); // NORMAL: WalSync does FULL's fsync
    });

    it('acknowledges a FULL write only after the WAL fsync, and refuses it when the fsync fails', async () => {
      const db = openMessageDatabase(file, readSqliteMessageStoreOptions({}));
      toClose.push(db);
      db.exec('CREATE TABLE t (v INTEGER)');
      let release: (err?: Error) => void = () => undefined;
      const syncs: Promise<void>[] = [];
      const durable = {
        sync: () => {
          const p = new Promise<void>((resolve, reject) => (release = (err) => (err ? reject(err) : resolve())));
          syncs.push(p);
          return p;
        },
      } as unknown as WalSync;
      const commit = new GroupCommit(db, durable);
      let settled = false;
      const write = commit.run(() => db.prepare('INSERT INTO t VALUES (1)').run()).then(() => (settled = true));
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
      expect(syncs).to.have.length(1);
      expect(settled).to.equal(false);
      release();
      await write;
      expect(settled).to.equal(true);
      const failing = commit.run(() => db.prepare('INSERT INTO t VALUES (2)').run());
      await new Promise((r) => setImmediate(r));
      release(new Error('EIO'));
      await failing.then(
        () => expect.fail('a write whose fsync failed was acknowledged'),
        (err: Error) => expect(err.message).to.equal('EIO'),
      );
    });

    it('holds writes that arrive during an fsync and commits them together, with one more fsync, when it ends', async () => {
      const db = openMessageDatabase(file, readSqliteMessageStoreOptions({}));
      toClose.push(db);
      db.exec('CREATE TABLE t (v INTEGER)');
      const releases: (() => void)[] = [];
      const durable = { sync: () => new Promise<void>((resolve) => releases.push(resolve)) } as unknown as WalSync;
      const commit = new GroupCommit(db, durable);
      const insert = db.prepare('INSERT INTO t VALUES (?)');
      const count = () => (db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n;
      const turn = () => new Promise((r) => setImmediate(r));

      const first = commit.run(() => insert.run(1));
      await turn();
      expect(releases).to.have.length(1); // the first batch committed and is syncing
      const held = [2, 3, 4].map((v) => commit.run(() => insert.run(v)));
      await turn();
      await turn();
      expect(count()).to.equal(1); // held: not yet run
      expect(releases).to.have.length(1);

      releases[0]();
      await first;
      await turn(); // the held writes flush in the turn after the fsync's callbacks
      await turn();
      expect(count()).to.equal(4);
      expect(releases).to.have.length(2); // the three shared one commit and one fsync
      releases[1]();
      await Promise.all(held);
    });

    it('undoes only the failing write of a shared commit, with a savepoint (run) and as one statement (runStatement)', async () => {
      const db = openMessageDatabase(file, readSqliteMessageStoreOptions({ synchronous: 'NORMAL' }));
      toClose.push(db);
      db.exec('CREATE TABLE t (v INTEGER UNIQUE)');
      const commit = new GroupCommit(db);
      const insert = db.prepare('INSERT INTO t VALUES (?)');
      const values = () => (db.prepare('SELECT v FROM t ORDER BY v').all() as { v: number }[]).map((row) => row.v);
      const refused = (write: Promise<unknown>) => write.then(() => expect.fail('the write succeeded'), (err: Error) => err.message);

      const outcomes = await Promise.all([
        commit.runStatement(() => insert.run(1)),
        // Two statements, the second failing: the savepoint takes back the first.
        refused(commit.run(() => (insert.run(2), insert.run(1)))),
        // One multi-row statement failing on its second row: SQLite takes back the first.
        refused(commit.runStatement(() => db.prepare('INSERT INTO t VALUES (3), (1)').run())),
        refused(commit.runStatement(() => { throw new Error('refused before writing'); })),
        commit.run(() => (insert.run(4), insert.run(5))),
      ]);
      expect(outcomes.slice(1, 4)).to.deep.equal(['UNIQUE constraint failed: t.v', 'UNIQUE constraint failed: t.v', 'refused before writing']);
      expect(values()).to.deep.equal([1, 4, 5]);
      expect(db.inTransaction).to.equal(false);
    });

    it('WalSync fsyncs the WAL file, sharing one fsync among concurrent callers', async () => {
      const db = openMessageDatabase(file, readSqliteMessageStoreOptions({}));
      toClose.push(db);
      db.exec('CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1)');
      const sync = new WalSync(`${file}-wal`);
      await Promise.all([sync.sync(), sync.sync(), sync.sync()]);
      sync.close();
      const missing = new WalSync(`${file}-nowhere`);
      await missing.sync().then(
        () => expect.fail('fsync of a missing WAL succeeded'),
        (err: NodeJS.ErrnoException) => expect(err.code).to.equal('ENOENT'),
      );
    });

    it('records the schema version and reopens an existing file with its messages', async () => {
      const first = await open();
      const [id] = await first.messageController.post(QUEUE, [message({ kept: true })], 'client', PROJECT);
      await first.close();
      const second = await open();
      expect((await second.messageController.get(QUEUE, id, PROJECT)).id).to.equal(id);
      expect(inspect().prepare('SELECT version FROM schema_version').all()).to.deep.equal([{ version: SCHEMA_VERSION }]);
    });

    it('migrates a version 1 file (no subscriptions table), keeping its messages', async () => {
      const first = await open();
      const [id] = await first.messageController.post(QUEUE, [message({ kept: true })], 'client', PROJECT);
      await first.close();
      // What version 1 wrote: the same file without the subscriptions table.
      const raw = new Database(file);
      raw.exec('DROP TABLE subscriptions');
      raw.prepare('UPDATE schema_version SET version = 1').run();
      raw.close();

      const second = await open();
      expect((await second.messageController.get(QUEUE, id, PROJECT)).id).to.equal(id);
      const subscription = await second.subscriptionController.create(QUEUE, 'http://example.com/hook', 600, {}, PROJECT);
      expect(await second.subscriptionController.exists(QUEUE, subscription!, PROJECT)).to.equal(true);
      expect(inspect().prepare('SELECT version FROM schema_version').all()).to.deep.equal([{ version: 2 }]);
    });

    it('refuses a database written by a newer schema version', () => {
      openMessageDatabase(file, { synchronous: 'FULL', busyTimeoutMs: 100 }).close();
      const raw = new Database(file);
      raw.prepare('UPDATE schema_version SET version = ?').run(SCHEMA_VERSION + 1);
      raw.close();
      expect(() => openMessageDatabase(file, { synchronous: 'FULL', busyTimeoutMs: 100 })).to.throw(/newer than this server/);
    });

    it('creates the parent directory of the database file', async () => {
      file = path.join(temp.dir, 'data', 'nested', 'messages.sqlite');
      await open();
      expect(inspect().prepare('SELECT COUNT(*) AS n FROM messages').get()).to.deep.equal({ n: 0 });
    });
  });

  describe('messages', () => {
    it('returns bodies as RawJson holding the stored text', async () => {
      const data = await open();
      const [id] = await data.messageController.post(QUEUE, [message({ b: [1, 2] })], 'client', PROJECT);
      const { body } = await data.messageController.get(QUEUE, id, PROJECT);
      expect(body).to.be.instanceOf(RawJson);
      expect((body as RawJson).text).to.equal('{"b": [1, 2]}');
      expect(inspect().prepare('SELECT body FROM messages').get()).to.deep.equal({ body: '{"b": [1, 2]}' });
    });

    it('stores {} for a message without body', async () => {
      const data = await open();
      const [id] = await data.messageController.post(QUEUE, [{ ttl: 60, delay: 0, body: undefined }], 'client', PROJECT);
      expect(((await data.messageController.get(QUEUE, id, PROJECT)).body as RawJson).text).to.equal('{}');
    });

    it('never reuses a marker, even after the newest message was deleted', async () => {
      const data = await open();
      const [, newest] = await data.messageController.post(QUEUE, [message(1), message(2)], 'client', PROJECT);
      const page = await data.messageController.list(QUEUE, PROJECT, { echo: true });
      await data.messageController.delete(QUEUE, newest, PROJECT);
      const [later] = await data.messageController.post(QUEUE, [message(3)], 'client', PROJECT);
      const after = await data.messageController.list(QUEUE, PROJECT, { echo: true, marker: page.next });
      expect(after.items.map((m) => m.id)).to.deep.equal([later]);
    });

    it('treats a marker beyond any message as the end of the queue', async () => {
      const data = await open();
      await data.messageController.post(QUEUE, [message(1)], 'client', PROJECT);
      for (const marker of ['99999', '12345678901234567890']) {
        expect(await data.messageController.list(QUEUE, PROJECT, { marker, echo: true })).to.deep.equal({ items: [] });
      }
    });

    it("keeps project '' apart from the global namespace", async () => {
      const data = await open();
      await data.messageController.post(QUEUE, [message('empty-string project')], 'client', '');
      expect((await data.messageController.list(QUEUE, null, { echo: true })).items).to.deep.equal([]);
      expect(await data.queueDataController.stats(QUEUE, null)).to.deep.equal({ messages: { claimed: 0, free: 0, total: 0 } });
    });
  });

  describe('claims', () => {
    it('keeps a claim whose messages were all deleted until it expires or is released', async () => {
      const data = await open();
      const [id] = await data.messageController.post(QUEUE, [message(1)], 'client', PROJECT);
      const { claimId } = await data.claimController.create(QUEUE, { ttl: 60, grace: 60, limit: 1 }, PROJECT);
      await data.messageController.delete(QUEUE, id, PROJECT, claimId!);
      const claim = await data.claimController.get(QUEUE, claimId!, PROJECT);
      expect(claim.messages).to.deep.equal([]);
      await data.claimController.update(QUEUE, claimId!, { ttl: 120, grace: 60 }, PROJECT);
      expect((await data.claimController.get(QUEUE, claimId!, PROJECT)).ttl).to.equal(120);
    });

    it('treats a null dead-letter limit as dead-lettering off', async () => {
      const data = await open();
      const [id] = await data.messageController.post(QUEUE, [message(1)], 'client', PROJECT);
      const deadLetter = { maxClaimCount: null as unknown as number, queue: 'dlq' };
      const { messages } = await data.claimController.create(QUEUE, { ttl: 60, grace: 60, limit: 1, deadLetter }, PROJECT);
      expect(messages.map((m) => [m.id, m.claimCount])).to.deep.equal([[id, 0]]);
    });

    it('issues UUID7 claim and message ids, later ones sorting after earlier ones (index appends, ids.ts)', async () => {
      const data = await open();
      const [first, second] = await data.messageController.post(QUEUE, [message(1), message(2)], 'client', PROJECT);
      const [third] = await data.messageController.post(QUEUE, [message(3)], 'client', PROJECT);
      const { claimId } = await data.claimController.create(QUEUE, { ttl: 60, grace: 60, limit: 1 }, PROJECT);
      const uuid7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
      for (const id of [first, second, third, claimId]) expect(id).to.match(uuid7);
      expect([third, second, first].sort()).to.deep.equal([first, second, third]);
    });

    it('delivers dead-lettered messages to the tail of the DLQ, unclaimed, with their claim count', async () => {
      const data = await open();
      const [waiting] = await data.messageController.post('dlq', [message('already there')], 'client', PROJECT);
      const [exhausted] = await data.messageController.post(QUEUE, [message('exhausted')], 'client', PROJECT);
      const deadLetter = { maxClaimCount: 1, queue: 'dlq' };
      const first = await data.claimController.create(QUEUE, { ttl: 60, grace: 60, limit: 1, deadLetter }, PROJECT);
      await data.claimController.delete(QUEUE, first.claimId!, PROJECT);
      await data.claimController.create(QUEUE, { ttl: 60, grace: 60, limit: 1, deadLetter }, PROJECT);

      const dlq = await data.messageController.list('dlq', PROJECT, { echo: true });
      expect(dlq.items.map((m) => [m.id, m.claimId, m.claimCount])).to.deep.equal([
        [waiting, null, 0],
        [exhausted, null, 1],
      ]);
      const claimed = await data.claimController.create('dlq', { ttl: 60, grace: 60, limit: 10 }, PROJECT);
      expect(claimed.messages.map((m) => m.id)).to.deep.equal([waiting, exhausted]);
    });
  });

  describe('garbage collection and health', () => {
    const EPOCH = Date.UTC(2030, 0, 1);

    it('gc deletes expired messages and claims and counts them', async () => {
      const clock = sinon.useFakeTimers({ now: EPOCH, toFake: ['Date'] });
      try {
        const data = await open();
        await data.messageController.post(QUEUE, [message(1, 60), message(2, 60), message(3, 600)], 'client', PROJECT);
        await data.claimController.create(QUEUE, { ttl: 90, grace: 60, limit: 1 }, PROJECT);
        expect(await data.gc()).to.equal(0);
        clock.tick(120_000);
        // The claim (90 s) and the unclaimed 60 s message expired; the claimed
        // one lives until claim expiry + grace (150 s).
        expect(await data.gc()).to.equal(2);
        clock.tick(30_000);
        expect(await data.gc()).to.equal(1);
        const db = inspect();
        expect(db.prepare('SELECT COUNT(*) AS n FROM messages').get()).to.deep.equal({ n: 1 });
        expect(db.prepare('SELECT COUNT(*) AS n FROM claims').get()).to.deep.equal({ n: 0 });
        expect(await data.gc()).to.equal(0);
      } finally {
        clock.restore();
      }
    });

    it('gc deletes expired subscriptions and counts them', async () => {
      const clock = sinon.useFakeTimers({ now: EPOCH, toFake: ['Date'] });
      try {
        const data = await open();
        const subscriptions = data.subscriptionController;
        await subscriptions.create(QUEUE, 'http://example.com/short', 60, {}, PROJECT);
        const renewed = await subscriptions.create(QUEUE, 'http://example.com/renewed', 60, {}, PROJECT);
        clock.tick(30_000);
        await subscriptions.update(QUEUE, renewed!, PROJECT, { ttl: 60 });
        clock.tick(30_000);
        expect(await data.gc()).to.equal(1);
        expect(inspect().prepare('SELECT subscriber FROM subscriptions').all()).to.deep.equal([{ subscriber: 'http://example.com/renewed' }]);
        clock.tick(30_000);
        expect(await data.gc()).to.equal(1);
        expect(await data.gc()).to.equal(0);
      } finally {
        clock.restore();
      }
    });

    it('runs gc every minute until closed', async () => {
      const clock = sinon.useFakeTimers({ now: EPOCH, toFake: ['Date', 'setInterval', 'clearInterval'] });
      try {
        const data = await open();
        await data.messageController.post(QUEUE, [message(1, 60)], 'client', PROJECT);
        clock.tick(GC_INTERVAL_MS);
        expect(inspect().prepare('SELECT COUNT(*) AS n FROM messages').get()).to.deep.equal({ n: 0 });
        expect(clock.countTimers()).to.equal(1);
        await data.close();
        expect(clock.countTimers()).to.equal(0);
      } finally {
        clock.restore();
      }
    });

    it('reports reachability and the message volume over all queues', async () => {
      const data = await open();
      await data.messageController.post('a', [message(1), message(2)], 'client', PROJECT);
      await data.messageController.post('b', [message(3)], 'client', null);
      await data.claimController.create('a', { ttl: 60, grace: 60, limit: 1 }, PROJECT);
      expect(await data.isAlive()).to.equal(true);
      expect(await data.health()).to.deep.equal({
        storage_reachable: true,
        message_volume: { free: 2, claimed: 1, total: 3 },
      });
    });

    it('is not alive once closed; closing twice is harmless', async () => {
      const data = await open();
      await data.close();
      await data.close();
      expect(await data.isAlive()).to.equal(false);
    });
  });
});
