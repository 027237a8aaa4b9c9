/**
 * The management store `sqlalchemy` on a real PostgreSQL server
 * (tools/services/postgres.ts, one per file): the conformance suites on
 * tables it creates and on tables made by Zaqar's own SQLAlchemy metadata,
 * several stores racing on one database, an outage and recovery without
 * restart, and Zaqar's Python controllers reading what we wrote and the
 * other way round.
 */
import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { manifest } from '../../plugins/storage/sql';
import { dumpJson, JsonNumber, parseJsonText } from '../../zaqar/common/json';
import { Conflict, ConnectionError } from '../../zaqar/storage/errors';
import type { ManagementStore } from '../../zaqar/storage/interfaces';
import { describeManagementStoreConformance } from '../../zaqar/testing/conformance';
import { managementStoreFixture, openManagementStore } from '../../zaqar/testing/stores';
import { runCommand, skipUnlessAvailable } from '../../tools/services/process';
import { PostgresServer, postgresMissing } from '../../tools/services/postgres';

/** Zaqar's four tables, and ours beside them (the topic records). */
const TABLES = ['Catalogue', 'Pools', 'Flavors', 'Queues', 'Topics'];

describe('sqlalchemy on PostgreSQL', function () {
  this.timeout(30_000);
  let server: PostgresServer | undefined;
  const opened: ManagementStore[] = [];

  before(async function () {
    this.timeout(120_000);
    skipUnlessAvailable(this, postgresMissing());
    server = await PostgresServer.start();
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

  /** Empties the tables (they exist once a store has opened the database). */
  async function emptyTables(database: string): Promise<void> {
    await server!.sql(database, `TRUNCATE ${TABLES.map((table) => `"${table}"`).join(', ')} RESTART IDENTITY`);
  }

  describe('on tables it creates', () => {
    let uri: string;
    before(async () => {
      uri = await server!.createDatabase('zaqar');
    });

    describeManagementStoreConformance('sqlalchemy on PostgreSQL', async () => {
      const store = await openManagementStore(manifest, { uri });
      await emptyTables('zaqar');
      return managementStoreFixture(async () => store);
    });

    it("creates Zaqar's tables, names quoted as SQLAlchemy quotes them, with its column types", async () => {
      await open(uri);
      const columns = await server!.sql<{ table_name: string; column_name: string; data_type: string }>(
        'zaqar',
        `SELECT table_name, column_name, data_type FROM information_schema.columns
         WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
      );
      const layout: Record<string, string[]> = {};
      for (const c of columns) (layout[c.table_name] ??= []).push(`${c.column_name} ${c.data_type}`);
      expect(layout).to.deep.equal({
        Catalogue: ['pool character varying', 'project character varying', 'queue character varying', 'moving_from character varying'],
        Flavors: ['name character varying', 'project character varying', 'capabilities text'],
        Pools: ['name character varying', 'uri character varying', 'weight integer', 'options text', 'flavor character varying'],
        Queues: ['id integer', 'project character varying', 'name character varying', 'metadata bytea'],
        Topics: ['id integer', 'project character varying', 'name character varying', 'metadata bytea'],
      });
    });

    it('takes the URI forms Zaqar takes (postgresql://, postgres://, query options)', async () => {
      for (const scheme of ['postgresql', 'postgres', 'postgresql+psycopg2']) {
        const store = await open(`${server!.uri('zaqar', scheme)}?application_name=zaqar-test&sslmode=disable&unknown=1`);
        expect(await store.isAlive(), scheme).to.equal(true);
      }
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
      const [{ count }] = await server!.sql<{ count: string }>('zaqar_race', `SELECT COUNT(*) AS count FROM "Catalogue"`);
      expect(Number(count)).to.equal(1);

      const flavors = await Promise.allSettled(stores.map((s, i) => s.flavorsController.create('gold', `tenant-${i}`, { i })));
      expect(flavors.filter((r) => r.status === 'fulfilled')).to.have.length(1);
      for (const r of flavors) if (r.status === 'rejected') expect(r.reason).to.be.instanceOf(Conflict);

      const pools = await Promise.allSettled(stores.map((s, i) => s.poolsController.create(`racer${i}`, 1, 'redis://same', null, {})));
      expect(pools.filter((r) => r.status === 'fulfilled')).to.have.length(1);
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

  describe("interoperability with Zaqar's Python store", () => {
    let uri: string;
    before(async function () {
      this.timeout(60_000);
      skipUnlessAvailable(this, zaqarPythonMissing());
      uri = await server!.createDatabase('zaqar_python');
      // Zaqar's own tables and rows, written by zaqar.storage.sqlalchemy.
      zaqarPython(uri, [
        'tables.metadata.create_all(driver.engine)',
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

    describeManagementStoreConformance('sqlalchemy on PostgreSQL, tables made by Zaqar', async () => {
      const store = await openManagementStore(manifest, { uri });
      await emptyTables('zaqar_python');
      return managementStoreFixture(async () => store);
    });
  });
});

/** Debian's interpreter, which has zaqar, SQLAlchemy and psycopg2 from their packages. */
const PYTHON = '/usr/bin/python3';

function zaqarPythonMissing(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import zaqar.storage.sqlalchemy.driver, psycopg2'], { encoding: 'utf8' });
  return probe.status === 0
    ? undefined
    : `${PYTHON} cannot import zaqar.storage.sqlalchemy and psycopg2 (install Debian packages python3-zaqar and python3-psycopg2)`;
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
