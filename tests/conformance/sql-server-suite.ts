/**
 * The suite of the management store `sqlalchemy` on a real database server,
 * shared by mariadb.spec.ts and postgres.spec.ts: the conformance suites on
 * tables it creates and on tables made by Zaqar's own tools, several stores
 * racing on one database, an outage and recovery without restart, and
 * Zaqar's Python controllers reading what we wrote and the other way round.
 *
 * What differs between the servers comes from the spec: how to start one,
 * how to quote a table name and empty the tables, how Zaqar makes its
 * tables, the test titles, and the tests only that server has.
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
import { expectZaqarRecords } from '../helpers/zaqar-records';

/** Zaqar's four management tables, and ours beside them (the topic records). */
export const TABLES = ['Catalogue', 'Pools', 'Flavors', 'Queues', 'Topics'];

/** What the suite needs of a throw-away server (tools/services/mariadb.ts, postgres.ts). */
export interface SqlTestServer {
  /** The server's own folder (for files the tests write). */
  readonly dir: string;
  /** Creates `database` (dropping an older one of that name) and returns its URI. */
  createDatabase(database: string): Promise<string>;
  /** The URI of `database`, with `scheme` or the server's default one. */
  uri(database: string, scheme?: string): string;
  /** Runs one statement in `database`; returns the rows. */
  sql<Row = Record<string, unknown>>(database: string, statement: string): Promise<Row[]>;
  /** Empties `tables` of `database` (they exist once a store has opened it). */
  emptyTables(database: string, tables: readonly string[]): Promise<void>;
  /** A clean shutdown; the data stays for `launch`. */
  stop(): Promise<void>;
  launch(): Promise<void>;
  close(): Promise<void>;
}

/** What the tests of one server get to work with. */
export interface SqlSuiteContext<S extends SqlTestServer> {
  server(): S;
  /** Opens a store on `uri`; it is closed after the test. */
  open(uri: string): Promise<ManagementStore>;
}

export interface SqlServerSuite<S extends SqlTestServer> {
  /** The server's name in the titles: `sqlalchemy on <name>`. */
  name: string;
  /** Why the server cannot run here, or undefined (skips the suite, fails it under CI). */
  missing(): string | undefined;
  start(): Promise<S>;
  /** `name` quoted as an identifier of the server's SQL. */
  quote(name: string): string;
  /** The tests of the tables the store creates, in database `zaqar` at `uri()`. */
  tablesItCreates(context: SqlSuiteContext<S> & { uri(): string }): void;
  /** Suites only this server has, after the race. */
  specifics?(context: SqlSuiteContext<S>): void;
  interoperability: {
    /** The describe's title. */
    title: string;
    /** The title of the conformance suites on the tables Zaqar made. */
    conformanceTitle: string;
    /** Why Zaqar's Python store cannot run here, or undefined (skips these tests, fails them under CI). */
    missing(): string | undefined;
    /**
     * Makes Zaqar's tables in the empty database at `uri` as Zaqar would:
     * runs what it has to and returns the Python lines (zaqarPython, with
     * `driver` and `tables`) that finish it before Zaqar writes its rows.
     */
    makeTables(server: S, uri: string): string[];
  };
}

export function describeSqlServerStore<S extends SqlTestServer>(suite: SqlServerSuite<S>): void {
  describe(`sqlalchemy on ${suite.name}`, function () {
    this.timeout(30_000);
    let running: S | undefined;
    const opened: ManagementStore[] = [];
    const server = () => running!;

    before(async function () {
      this.timeout(120_000);
      skipUnlessAvailable(this, suite.missing());
      running = await suite.start();
    });
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
    });
    after(async () => {
      await running?.close();
    });

    async function open(uri: string): Promise<ManagementStore> {
      const store = await openManagementStore(manifest, { uri });
      opened.push(store);
      return store;
    }

    describe('on tables it creates', () => {
      let uri: string;
      before(async () => {
        uri = await server().createDatabase('zaqar');
      });

      describeManagementStoreConformance(`sqlalchemy on ${suite.name}`, async () => {
        const store = await openManagementStore(manifest, { uri });
        await server().emptyTables('zaqar', TABLES);
        return managementStoreFixture(async () => store);
      });

      suite.tablesItCreates({ server, open, uri: () => uri });
    });

    describe('several stores on one database', () => {
      let uri: string;
      before(async () => {
        uri = await server().createDatabase('zaqar_race');
      });
      beforeEach(async () => {
        await open(uri);
        await server().emptyTables('zaqar_race', TABLES);
      });

      it('one creator wins each race: queues, catalogue entries, flavor names, pool URIs', async () => {
        const stores = await Promise.all([open(uri), open(uri), open(uri), open(uri)]);
        await stores[0].poolsController.create('pool1', 1, 'redis://one', null, {});
        await stores[0].poolsController.create('pool2', 1, 'redis://two', null, {});

        const created = await Promise.all(stores.map((s) => s.queueController.create('fizbit', {}, null)));
        expect(created.filter(Boolean)).to.have.length(1);

        // NULL projects are distinct in a UNIQUE key: only the transaction keeps one row per queue.
        await Promise.all(stores.map((s, i) => s.catalogueController.insert(null, 'fizbit', i % 2 ? 'pool1' : 'pool2')));
        const [{ count }] = await server().sql<{ count: number | string }>('zaqar_race', `SELECT COUNT(*) AS count FROM ${suite.quote('Catalogue')}`);
        expect(Number(count)).to.equal(1);

        const flavors = await Promise.allSettled(stores.map((s, i) => s.flavorsController.create('gold', `tenant-${i}`, { i })));
        expect(flavors.filter((r) => r.status === 'fulfilled')).to.have.length(1);
        for (const r of flavors) if (r.status === 'rejected') expect(r.reason).to.be.instanceOf(Conflict);

        const pools = await Promise.allSettled(stores.map((s, i) => s.poolsController.create(`racer${i}`, 1, 'redis://same', null, {})));
        expect(pools.filter((r) => r.status === 'fulfilled')).to.have.length(1);
      });
    });

    suite.specifics?.({ server, open });

    describe('outage', () => {
      it('is not alive while the server is down, fails with ConnectionError, and recovers without reopening', async function () {
        this.timeout(60_000);
        const uri = await server().createDatabase('zaqar_outage');
        const store = await open(uri);
        await store.queueController.create('before', {}, 'tenant-a');

        await server().stop();
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
          await server().launch();
        }

        expect(await store.isAlive()).to.equal(true);
        expect(await store.queueController.exists('before', 'tenant-a')).to.equal(true);
        expect(await store.queueController.create('after', {}, 'tenant-a')).to.equal(true);
      });
    });

    describe(suite.interoperability.title, () => {
      let uri: string;
      before(async function () {
        this.timeout(60_000);
        skipUnlessAvailable(this, suite.interoperability.missing());
        uri = await server().createDatabase('zaqar_python');
        // Zaqar's tables as Zaqar makes them, then rows written by zaqar.storage.sqlalchemy.
        zaqarPython(uri, [
          ...suite.interoperability.makeTables(server(), uri),
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
        await expectZaqarRecords(store, 'gold');
        expect(await store.flavorsController.get('gold', 'tenant-a', true)).to.deep.equal({
          name: 'gold',
          project: 'tenant-a',
          capabilities: { FIFO: true },
        });
        expect(await store.catalogueController.list(null)).to.deep.equal([{ queue: 'global-q', project: null, pool: 'pool1' }]);
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

      describeManagementStoreConformance(suite.interoperability.conformanceTitle, async () => {
        const store = await openManagementStore(manifest, { uri });
        await server().emptyTables('zaqar_python', TABLES);
        return managementStoreFixture(async () => store);
      });
    });
  });
}

/**
 * Table → its columns in order, as `name type`, in schema `schema` of
 * `database`, read from information_schema.columns; `typeColumn` names the
 * column there that gives the type as the test compares it.
 */
export async function columnLayout(
  server: SqlTestServer,
  database: string,
  schema: string,
  typeColumn: 'column_type' | 'data_type',
): Promise<Record<string, string[]>> {
  const columns = await server.sql<{ table_name: string; column_name: string; column_type: string }>(
    database,
    `SELECT table_name, column_name, ${typeColumn} AS column_type FROM information_schema.columns
     WHERE table_schema = '${schema}' ORDER BY table_name, ordinal_position`,
  );
  const layout: Record<string, string[]> = {};
  for (const c of columns) (layout[c.table_name] ??= []).push(`${c.column_name} ${c.column_type}`);
  return layout;
}

/** Debian's interpreter, which has zaqar, SQLAlchemy and the DB-API drivers from their packages. */
const PYTHON = '/usr/bin/python3';

/**
 * Why Zaqar's sqlalchemy store cannot run here with DB-API module `driver`
 * (Debian package `python3-<driver>`), or undefined.
 */
export function zaqarPythonMissing(driver: string): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', `import zaqar.storage.sqlalchemy.driver, ${driver}`], { encoding: 'utf8' });
  return probe.status === 0
    ? undefined
    : `${PYTHON} cannot import zaqar.storage.sqlalchemy and ${driver} (install Debian packages python3-zaqar and python3-${driver})`;
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
