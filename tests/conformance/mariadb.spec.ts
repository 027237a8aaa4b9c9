/**
 * The management store `sqlalchemy` on a real MariaDB server
 * (tools/services/mariadb.ts, one per file): the conformance suites on
 * tables it creates and on tables made by Zaqar's `zaqar-sql-db-manage
 * upgrade head`, several stores racing on one database, an outage and
 * recovery without restart, and Zaqar's Python controllers reading what we
 * wrote and the other way round.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { manifest } from '../../plugins/storage/sql';
import { dumpJson, JsonNumber, parseJsonText } from '../../zaqar/common/json';
import { Conflict, ConnectionError } from '../../zaqar/storage/errors';
import type { ManagementStore } from '../../zaqar/storage/interfaces';
import { describeManagementStoreConformance } from '../../zaqar/testing/conformance';
import { managementStoreFixture, openManagementStore } from '../../zaqar/testing/stores';
import { runCommand, skipUnlessAvailable } from '../../tools/services/process';
import { MariaDBServer, mariadbMissing } from '../../tools/services/mariadb';

/** Zaqar's four tables, and ours beside them (the topic records). */
const TABLES = ['Catalogue', 'Pools', 'Flavors', 'Queues', 'Topics'];

describe('sqlalchemy on MariaDB', function () {
  this.timeout(30_000);
  let server: MariaDBServer | undefined;
  const opened: ManagementStore[] = [];

  before(async function () {
    this.timeout(120_000);
    skipUnlessAvailable(this, mariadbMissing());
    server = await MariaDBServer.start();
  });
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });
  after(async () => {
    await server?.close();
  });

  async function open(uri: string): Promise<ManagementStore> {
    const store = await openManagementStore(manifest, { uri });
    opened.push(store);
    return store;
  }

  /** Empties the tables (they exist once a store has opened the database); TRUNCATE refuses tables under a foreign key. */
  async function emptyTables(database: string): Promise<void> {
    for (const table of TABLES) await server!.sql(database, `DELETE FROM \`${table}\``);
  }

  describe('on tables it creates', () => {
    let uri: string;
    before(async () => {
      uri = await server!.createDatabase('zaqar');
    });

    describeManagementStoreConformance('sqlalchemy on MariaDB', async () => {
      const store = await openManagementStore(manifest, { uri });
      await emptyTables('zaqar');
      return managementStoreFixture(async () => store);
    });

    it("creates Zaqar's tables with its names and column types, InnoDB, comparing names byte-wise", async () => {
      await open(uri);
      const columns = await server!.sql<{ table_name: string; column_name: string; column_type: string }>(
        'zaqar',
        `SELECT table_name, column_name, column_type FROM information_schema.columns
         WHERE table_schema = 'zaqar' ORDER BY table_name, ordinal_position`,
      );
      const layout: Record<string, string[]> = {};
      for (const c of columns) (layout[c.table_name] ??= []).push(`${c.column_name} ${c.column_type}`);
      expect(layout).to.deep.equal({
        Catalogue: ['pool varchar(64)', 'project varchar(64)', 'queue varchar(64)', 'moving_from varchar(64)'],
        Flavors: ['name varchar(64)', 'project varchar(64)', 'capabilities text'],
        Pools: ['name varchar(64)', 'uri varchar(255)', 'weight int(11)', 'options text', 'flavor varchar(64)'],
        Queues: ['id int(11)', 'project varchar(64)', 'name varchar(64)', 'metadata longblob'],
        Topics: ['id int(11)', 'project varchar(64)', 'name varchar(64)', 'metadata longblob'],
      });
      const tables = await server!.sql<{ table_name: string; engine: string; table_collation: string }>(
        'zaqar',
        "SELECT table_name, engine, table_collation FROM information_schema.tables WHERE table_schema = 'zaqar' ORDER BY table_name",
      );
      expect(tables.map((t) => `${t.table_name} ${t.engine} ${t.table_collation}`)).to.deep.equal(
        TABLES.slice()
          .sort()
          .map((table) => `${table} InnoDB utf8mb4_bin`),
      );
    });

    it('takes the URI forms Zaqar takes (mysql://, mysql+mysqldb://, mariadb://, charset=utf8)', async () => {
      for (const scheme of ['mysql', 'mysql+pymysql', 'mysql+mysqldb', 'mariadb']) {
        const store = await open(`${server!.uri('zaqar', scheme)}?charset=utf8&read_timeout=10&unknown=1`);
        expect(await store.isAlive(), scheme).to.equal(true);
      }
      // A 3-byte utf8 connection still stores any option text: JSON columns are ASCII-escaped.
      const store = await open(`${server!.uri('zaqar')}?charset=utf8`);
      await store.poolsController.create('emoji', 1, 'redis://emoji', null, { label: 'ünï 😀' });
      expect((await store.poolsController.get('emoji', true)).options).to.deep.equal({ label: 'ünï 😀' });
      await store.poolsController.delete('emoji');
    });
  });

  describe('several stores on one database', () => {
    let uri: string;
    before(async () => {
      uri = await server!.createDatabase('zaqar_race');
    });
    beforeEach(async () => {
      await open(uri);
      await emptyTables('zaqar_race');
    });

    it('one creator wins each race: queues, catalogue entries, flavor names, pool URIs', async () => {
      const stores = await Promise.all([open(uri), open(uri), open(uri), open(uri)]);
      await stores[0].poolsController.create('pool1', 1, 'redis://one', null, {});
      await stores[0].poolsController.create('pool2', 1, 'redis://two', null, {});

      const created = await Promise.all(stores.map((s) => s.queueController.create('fizbit', {}, null)));
      expect(created.filter(Boolean)).to.have.length(1);

      // NULL projects are distinct in a UNIQUE key: only the transaction keeps one row per queue.
      await Promise.all(stores.map((s, i) => s.catalogueController.insert(null, 'fizbit', i % 2 ? 'pool1' : 'pool2')));
      const [{ count }] = await server!.sql<{ count: number }>('zaqar_race', 'SELECT COUNT(*) AS count FROM `Catalogue`');
      expect(Number(count)).to.equal(1);

      const flavors = await Promise.allSettled(stores.map((s, i) => s.flavorsController.create('gold', `tenant-${i}`, { i })));
      expect(flavors.filter((r) => r.status === 'fulfilled')).to.have.length(1);
      for (const r of flavors) if (r.status === 'rejected') expect(r.reason).to.be.instanceOf(Conflict);

      const pools = await Promise.allSettled(stores.map((s, i) => s.poolsController.create(`racer${i}`, 1, 'redis://same', null, {})));
      expect(pools.filter((r) => r.status === 'fulfilled')).to.have.length(1);
    });
  });

  describe('MySQL specifics', () => {
    it('counts matched rows, so writing a value a row already has still finds the row (FOUND_ROWS)', async () => {
      const store = await open(await server!.createDatabase('zaqar_rows'));
      await store.queueController.create('fizbit', { a: 1 }, 'tenant-a');
      await store.queueController.setMetadata('fizbit', { a: 1 }, 'tenant-a');
      await store.flavorsController.create('gold', null, { FIFO: true });
      await store.flavorsController.update('gold', null, { FIFO: true });
      await store.poolsController.create('pool1', 1, 'redis://one', null, {});
      await store.catalogueController.insert(null, 'fizbit', 'pool1');
      await store.catalogueController.insert(null, 'fizbit', 'pool1');
      await store.catalogueController.update(null, 'fizbit', 'pool1');
      expect(await store.catalogueController.list(null)).to.deep.equal([{ queue: 'fizbit', project: null, pool: 'pool1' }]);
    });

    it('refuses a project id longer than the column instead of truncating it (sql_mode TRADITIONAL)', async () => {
      const store = await open(await server!.createDatabase('zaqar_strict'));
      let error: unknown;
      await store.queueController.create('fizbit', {}, 'p'.repeat(65)).catch((err: unknown) => (error = err));
      expect(error).to.be.instanceOf(Error).with.property('message').that.matches(/too long/i);
      expect(await store.queueController.count('p'.repeat(64))).to.equal(0);
    });
  });

  describe('outage', () => {
    it('is not alive while the server is down, fails with ConnectionError, and recovers without reopening', async function () {
      this.timeout(60_000);
      const uri = await server!.createDatabase('zaqar_outage');
      const store = await open(uri);
      await store.queueController.create('before', {}, 'tenant-a');

      await server!.stop();
      try {
        expect(await store.isAlive()).to.equal(false);
        let error: unknown;
        await store.queueController.get('before', 'tenant-a').catch((err: unknown) => (error = err));
        expect(error).to.be.instanceOf(ConnectionError);
        error = undefined;
        await store.poolsController.create('p', 1, 'redis://x', null, {}).catch((err: unknown) => (error = err));
        expect(error).to.be.instanceOf(ConnectionError);
        expect(String(error)).to.not.include('p@ss');
      } finally {
        await server!.launch();
      }

      expect(await store.isAlive()).to.equal(true);
      expect(await store.queueController.exists('before', 'tenant-a')).to.equal(true);
      expect(await store.queueController.create('after', {}, 'tenant-a')).to.equal(true);
    });
  });

  describe("interoperability with Zaqar's Python store, on a database migrated by zaqar-sql-db-manage", () => {
    let uri: string;
    before(async function () {
      this.timeout(60_000);
      skipUnlessAvailable(this, zaqarPythonMissing());
      uri = await server!.createDatabase('zaqar_python');
      // The tables as Zaqar's deployment tool makes them (alembic, up to
      // revision 007), then rows written by zaqar.storage.sqlalchemy.
      const conf = path.join(server!.dir, 'zaqar-sql-db-manage.conf');
      writeFileSync(conf, `[drivers:management_store:sqlalchemy]\nuri = ${uri}\n`);
      runCommand(ZAQAR_SQL_DB_MANAGE, ['--config-file', conf, 'upgrade', 'head']);
      zaqarPython(uri, [
        "driver.queue_controller.create('global-q', metadata={'_default_message_ttl': 3600}, project=None)",
        "driver.queue_controller.create('fizbit', metadata={'description': 'caf\\u00e9', 'ratio': 1.0}, project='tenant-a')",
        "driver.pools_controller.create('pool1', 100, 'mongodb://localhost:27017', flavor='gold', options={'database': 'zaqar_p1'})",
        "driver.flavors_controller.create('gold', project='tenant-a', capabilities={'FIFO': True})",
        "driver.catalogue_controller.insert('tenant-a', 'fizbit', 'pool1')",
        "driver.catalogue_controller.insert(None, 'global-q', 'pool1')",
      ]);
    });

    it('reads what Zaqar wrote', async () => {
      const store = await open(uri);
      expect(await store.queueController.get('global-q', null)).to.deep.equal({ _default_message_ttl: 3600 });
      const metadata = await store.queueController.getMetadata('fizbit', 'tenant-a');
      expect(dumpJson(metadata)).to.equal(dumpJson({ description: 'café', ratio: new JsonNumber('1.0') }));
      expect(await store.poolsController.get('pool1', true)).to.deep.equal({
        name: 'pool1',
        uri: 'mongodb://localhost:27017',
        weight: 100,
        flavor: 'gold',
        options: { database: 'zaqar_p1' },
      });
      expect(await store.flavorsController.get('gold', 'tenant-a', true)).to.deep.equal({
        name: 'gold',
        project: 'tenant-a',
        capabilities: { FIFO: true },
      });
      expect(await store.catalogueController.list(null)).to.deep.equal([{ queue: 'global-q', project: null, pool: 'pool1' }]);
      expect(await store.catalogueController.get('tenant-a', 'fizbit')).to.deep.equal({ queue: 'fizbit', project: 'tenant-a', pool: 'pool1' });
    });

    it('writes what Zaqar reads', async () => {
      const store = await open(uri);
      await store.queueController.create('ours', { n: new JsonNumber('9223372036854775807'), text: 'ünï 😀' }, null);
      await store.poolsController.create('pool2', 5, 'redis://ours', null, { dbid: 2, label: 'é' });
      await store.flavorsController.create('silver', null, { FIFO: false });
      await store.catalogueController.insert(null, 'ours', 'pool2');
      const printed = zaqarPython(uri, [
        'print(json.dumps([',
        "  driver.queue_controller.get_metadata('ours', project=None),",
        "  driver.pools_controller.get('pool2', detailed=True),",
        "  driver.flavors_controller.get('silver', project=None, detailed=True),",
        "  driver.catalogue_controller.get(None, 'ours'),",
        "  [q['name'] for q in next(driver.queue_controller.list(project=None))],",
        ']))',
      ]);
      // Through our JSON codec: the 64-bit integer must come back exact.
      expect(dumpJson(parseJsonText(printed))).to.equal(dumpJson([
        { n: new JsonNumber('9223372036854775807'), text: 'ünï 😀' },
        { name: 'pool2', uri: 'redis://ours', weight: 5, flavor: null, options: { dbid: 2, label: 'é' } },
        { name: 'silver', capabilities: { FIFO: false } },
        { queue: 'ours', project: null, pool: 'pool2' },
        ['global-q', 'ours'],
      ]));
    });

    describeManagementStoreConformance('sqlalchemy on MariaDB, tables made by zaqar-sql-db-manage', async () => {
      const store = await openManagementStore(manifest, { uri });
      await emptyTables('zaqar_python');
      return managementStoreFixture(async () => store);
    });
  });
});

/** Debian's interpreter, which has zaqar, SQLAlchemy and PyMySQL from their packages. */
const PYTHON = '/usr/bin/python3';
/** Zaqar's schema tool (python3-zaqar): alembic migrations up to revision 007. */
const ZAQAR_SQL_DB_MANAGE = '/usr/bin/zaqar-sql-db-manage';

function zaqarPythonMissing(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import zaqar.storage.sqlalchemy.driver, pymysql'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    return `${PYTHON} cannot import zaqar.storage.sqlalchemy and pymysql (install Debian packages python3-zaqar and python3-pymysql)`;
  }
  return existsSync(ZAQAR_SQL_DB_MANAGE) ? undefined : `${ZAQAR_SQL_DB_MANAGE} not found (install Debian package python3-zaqar)`;
}

/** Runs `lines` in Debian's Python with `driver`, Zaqar's sqlalchemy ControlDriver on `uri`; returns what they print. */
function zaqarPython(uri: string, lines: string[]): string {
  const script = [
    'import json, sys',
    'from oslo_config import cfg',
    'from osprofiler import opts as profiler_opts',
    'from zaqar import conf as zaqar_conf',
    'from zaqar.storage.sqlalchemy import driver as sql_driver, tables',
    'conf = cfg.ConfigOpts()',
    'zaqar_conf.configure(conf)',
    'profiler_opts.set_defaults(conf)',
    "conf([], project='zaqar', default_config_files=[])",
    "conf.set_override('uri', sys.argv[1], group='drivers:management_store:sqlalchemy')",
    'driver = sql_driver.ControlDriver(conf, None)',
    ...lines,
  ].join('\n');
  return runCommand(PYTHON, ['-c', script, uri]);
}
