/**
 * What is particular to the SQL management store: its plugin surface, and
 * compatibility with databases laid out by Zaqar's SQLAlchemy driver. The
 * shared behaviour is in tests/conformance/.
 */
import Database from 'better-sqlite3';
import { expect } from 'chai';
import * as path from 'node:path';
import { manifest } from '../../../plugins/storage/sql';
import { JsonNumber } from '../../../zaqar/common/json';
import { ConfigError } from '../../../zaqar/config/options';
import { Conflict, ConnectionError, PoolDoesNotExist } from '../../../zaqar/storage/errors';
import type { ManagementStore } from '../../../zaqar/storage/interfaces';
import { freePort } from '../../../tools/services/process';
import { makeTempDir, openSqlManagementStore, sqliteUri } from '../../helpers/storage-sqlite';
import { expectZaqarRecords } from '../../helpers/zaqar-records';

/** The tables as alembic revision 001 creates them (lower-case names, pool groups, no Pools.flavor). */
const ZAQAR_001_SCHEMA = `
CREATE TABLE queues (id INTEGER NOT NULL, project VARCHAR(64), name VARCHAR(64), metadata BLOB,
  PRIMARY KEY (id), UNIQUE (project, name));
CREATE TABLE poolgroup (name VARCHAR(64) NOT NULL, PRIMARY KEY (name));
CREATE TABLE pools (name VARCHAR(64) NOT NULL, "group" VARCHAR(64), uri VARCHAR(255) NOT NULL,
  weight INTEGER NOT NULL, options TEXT, PRIMARY KEY (name), UNIQUE (uri),
  FOREIGN KEY("group") REFERENCES poolgroup (name) ON DELETE CASCADE);
CREATE TABLE flavors (name VARCHAR(64) NOT NULL, project VARCHAR(64), pool_group VARCHAR(64),
  capabilities TEXT, PRIMARY KEY (name), FOREIGN KEY(pool_group) REFERENCES poolgroup (name) ON DELETE CASCADE);
CREATE TABLE catalogue (pool VARCHAR(64), project VARCHAR(64), queue VARCHAR(64) NOT NULL,
  UNIQUE (project, queue), FOREIGN KEY(pool) REFERENCES pools (name) ON DELETE CASCADE);
`;

describe('sql management store', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let file: string;
  const toClose: { close(): unknown }[] = [];

  beforeEach(() => {
    temp = makeTempDir('zaqar-sql-unit-');
    file = path.join(temp.dir, 'management.sqlite');
  });
  afterEach(async () => {
    for (const item of toClose.splice(0).reverse()) await item.close();
    temp.remove();
  });

  async function open(): Promise<ManagementStore> {
    const control = await openSqlManagementStore({ uri: sqliteUri(file) });
    toClose.push(control);
    return control;
  }

  function raw(): Database.Database {
    const db = new Database(file);
    toClose.push(db);
    return db;
  }

  describe('plugin surface', () => {
    it("declares a management_store plugin named sqlalchemy with Zaqar's option group", () => {
      expect(manifest).to.include({ kind: 'management_store', name: 'sqlalchemy' });
      const [group] = manifest.optionGroups!;
      expect(group.name).to.equal('drivers:management_store:sqlalchemy');
      expect(group.options).to.have.length(1);
      expect(group.options[0]).to.deep.include({
        name: 'uri',
        type: 'string',
        default: 'sqlite:///:memory:',
        deprecated: [{ group: 'drivers:storage:sqlalchemy' }],
      });
    });

    it('defaults to a private in-memory database', async () => {
      const control = await openSqlManagementStore({});
      toClose.push(control);
      expect(await control.queueController.create('q', {}, null)).to.equal(true);
      expect(await control.isAlive()).to.equal(true);
    });

    it('opens PostgreSQL and MySQL URIs: a server that does not answer fails the open with ConnectionError', async () => {
      const port = await freePort();
      for (const uri of [`postgresql://zaqar:s3cret@127.0.0.1:${port}/zaqar`, `mysql+pymysql://zaqar:s3cret@127.0.0.1:${port}/zaqar`]) {
        let error: unknown;
        await openSqlManagementStore({ uri }).catch((err: unknown) => (error = err));
        expect(error, uri).to.be.instanceOf(ConnectionError);
        expect(String(error), uri).to.include(`127.0.0.1:${port}/zaqar`).and.not.include('s3cret');
      }
    });

    it('refuses malformed URIs and unknown MySQL character sets with a ConfigError naming the option', async () => {
      for (const uri of ['postgresql://db:port/zaqar', 'mysql://zaqar@db', 'mysql://zaqar@db/zaqar?charset=klingon', 'oracle://db/zaqar']) {
        let error: unknown;
        await openSqlManagementStore({ uri }).catch((err: unknown) => (error = err));
        expect(error, uri).to.be.instanceOf(ConfigError);
        expect(String(error), uri).to.match(/^\[drivers:management_store:sqlalchemy\] uri: /);
      }
    });

    it('lists every URI scheme it opens, so pools can be chosen by URI', () => {
      expect(manifest.uriSchemes).to.include.members(['sqlite', 'mysql', 'mysql+pymysql', 'postgresql', 'postgresql+psycopg2', 'postgres']);
    });

    it('is not alive once closed', async () => {
      const control = await open();
      await control.close();
      expect(await control.isAlive()).to.equal(false);
    });
  });

  describe('compatibility with Zaqar databases', () => {
    it('reads a database written by the Python server and adds the missing Pools.flavor column', async () => {
      const db = raw();
      db.exec(ZAQAR_001_SCHEMA);
      // As SQLAlchemy writes them: '' for the global namespace, metadata as JSON bytes (ASCII-escaped).
      const insertQueue = db.prepare('INSERT INTO queues (project, name, metadata) VALUES (?, ?, ?)');
      insertQueue.run('', 'global-q', Buffer.from('{"_default_message_ttl": 3600}'));
      insertQueue.run('tenant-a', 'fizbit', Buffer.from('{"description": "caf\\u00e9", "ratio": 1.0}'));
      db.prepare('INSERT INTO pools (name, "group", uri, weight, options) VALUES (?, NULL, ?, ?, ?)').run(
        'pool1',
        'mongodb://localhost:27017',
        100,
        Buffer.from('{"database": "zaqar_p1"}'),
      );
      db.prepare('INSERT INTO catalogue (pool, project, queue) VALUES (?, ?, ?)').run('pool1', 'tenant-a', 'fizbit');
      db.close();

      const control = await open();
      await expectZaqarRecords(control, null);
      await control.poolsController.update('pool1', { flavor: 'gold' });
      expect((await control.poolsController.get('pool1')).flavor).to.equal('gold');
      // Zaqar has no topics table: ours was added beside its tables.
      expect(await control.topicController.create('fizbit', { kind: 'topic' }, 'tenant-a')).to.equal(true);
      expect(await control.queueController.getMetadata('fizbit', 'tenant-a')).to.deep.include({ ratio: new JsonNumber('1.0') });
    });

    it('reads JSON text columns that Zaqar wrote on PostgreSQL (bytes kept in bytea hex form)', async () => {
      const control = await open();
      await control.poolsController.create('pool1', 10, 'redis://r', null, {});
      await control.flavorsController.create('gold', null, {});
      const db = raw();
      const hex = (json: string) => `\\x${Buffer.from(json).toString('hex')}`;
      db.prepare('UPDATE Pools SET options = ?').run(hex('{"database": "caf\\u00e9"}'));
      db.prepare('UPDATE Flavors SET capabilities = ?').run(hex('{"FIFO": true}'));
      expect((await control.poolsController.get('pool1', true)).options).to.deep.equal({ database: 'café' });
      expect((await control.flavorsController.get('gold', null, true)).capabilities).to.deep.equal({ FIFO: true });
    });

    it("writes rows in Zaqar's encodings", async () => {
      const control = await open();
      await control.queueController.create('global-q', { n: new JsonNumber('9223372036854775807') }, null);
      await control.poolsController.create('pool1', 10, 'redis://r', null, { a: 1 });
      await control.flavorsController.create('gold', null, { FIFO: true });
      await control.catalogueController.insert(null, 'global-q', 'pool1');
      await control.topicController.create('global-t', { n: 1 }, null);

      const db = raw();
      const queue = db.prepare('SELECT project, name, metadata FROM Queues').get() as { project: string; metadata: Buffer };
      expect(queue.project).to.equal('');
      expect(Buffer.isBuffer(queue.metadata)).to.equal(true);
      expect(queue.metadata.toString('utf8')).to.equal('{"n": 9223372036854775807}');
      expect(db.prepare('SELECT options FROM Pools').get()).to.deep.equal({ options: '{"a": 1}' });
      expect(db.prepare('SELECT project, capabilities FROM Flavors').get()).to.deep.equal({
        project: null,
        capabilities: '{"FIFO": true}',
      });
      const topic = db.prepare('SELECT project, name, metadata FROM Topics').get() as { project: string; name: string; metadata: Buffer };
      expect([topic.project, topic.name, Buffer.isBuffer(topic.metadata) && topic.metadata.toString('utf8')]).to.deep.equal(['', 'global-t', '{"n": 1}']);
      expect(db.prepare('SELECT pool, project, queue FROM Catalogue').get()).to.deep.equal({
        pool: 'pool1',
        project: null,
        queue: 'global-q',
      });
    });
  });

  describe('choices beyond the shared contract', () => {
    it("refuses project '' for queues, since Zaqar stores the global namespace as ''", async () => {
      const control = await open();
      let error: unknown;
      await control.queueController.create('q', {}, '').catch((err: unknown) => (error = err));
      expect(error).to.be.instanceOf(RangeError);
    });

    it('drops the catalogue entries of a deleted pool (ON DELETE CASCADE)', async () => {
      const control = await open();
      await control.poolsController.create('pool1', 10, 'redis://one', null, {});
      await control.catalogueController.insert('tenant-a', 'fizbit', 'pool1');
      await control.poolsController.delete('pool1');
      expect(await control.catalogueController.exists('tenant-a', 'fizbit')).to.equal(false);
    });

    it('refuses to map a queue to an unknown pool (PoolDoesNotExist)', async () => {
      const control = await open();
      let error: unknown;
      await control.catalogueController.insert('tenant-a', 'fizbit', 'missing').catch((err: unknown) => (error = err));
      expect(error).to.be.instanceOf(PoolDoesNotExist);
      expect(await control.catalogueController.exists('tenant-a', 'fizbit')).to.equal(false);
    });

    it("refuses a flavor name that another project owns (Zaqar's Flavors table keys by name)", async () => {
      const control = await open();
      await control.flavorsController.create('gold', 'tenant-a', { a: 1 });
      let error: unknown;
      await control.flavorsController.create('gold', 'tenant-b', { b: 2 }).catch((err: unknown) => (error = err));
      expect(error).to.be.instanceOf(Conflict);
      expect((await control.flavorsController.get('gold', 'tenant-a', true)).capabilities).to.deep.equal({ a: 1 });
    });

    it('counts the real number of queues (the reference returns a boolean)', async () => {
      const control = await open();
      for (const name of ['a', 'b', 'c']) await control.queueController.create(name, {}, 'tenant-a');
      expect(await control.queueController.count('tenant-a')).to.equal(3);
    });
  });
});
