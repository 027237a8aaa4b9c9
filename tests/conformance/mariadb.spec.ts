/**
 * The management store `sqlalchemy` on a real MariaDB server
 * (tools/services/mariadb.ts, one per file): the conformance suites on
 * tables it creates and on tables made by Zaqar's `zaqar-sql-db-manage
 * upgrade head`, several stores racing on one database, an outage and
 * recovery without restart, and Zaqar's Python controllers reading what we
 * wrote and the other way round (sql-server-suite.ts); and what only MySQL
 * does: InnoDB and byte-wise names, utf8 connections, FOUND_ROWS and
 * sql_mode TRADITIONAL.
 */
import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { runCommand } from '../../tools/services/process';
import { MariaDBServer, mariadbMissing } from '../../tools/services/mariadb';
import { columnLayout, describeSqlServerStore, TABLES, zaqarPythonMissing } from './sql-server-suite';

/** Zaqar's schema tool (python3-zaqar): alembic migrations up to revision 007. */
const ZAQAR_SQL_DB_MANAGE = '/usr/bin/zaqar-sql-db-manage';

describeSqlServerStore<MariaDBServer>({
  name: 'MariaDB',
  missing: mariadbMissing,
  start: () => MariaDBServer.start(),
  quote: (name) => `\`${name}\``,

  tablesItCreates({ server, open, uri }) {
    it("creates Zaqar's tables with its names and column types, InnoDB, comparing names byte-wise", async () => {
      await open(uri());
      expect(await columnLayout(server(), 'zaqar', 'zaqar', 'column_type')).to.deep.equal({
        Catalogue: ['pool varchar(64)', 'project varchar(64)', 'queue varchar(64)', 'moving_from varchar(64)'],
        Flavors: ['name varchar(64)', 'project varchar(64)', 'capabilities text'],
        Pools: ['name varchar(64)', 'uri varchar(255)', 'weight int(11)', 'options text', 'flavor varchar(64)'],
        Queues: ['id int(11)', 'project varchar(64)', 'name varchar(64)', 'metadata longblob'],
        Topics: ['id int(11)', 'project varchar(64)', 'name varchar(64)', 'metadata longblob'],
      });
      const tables = await server().sql<{ table_name: string; engine: string; table_collation: string }>(
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
        const store = await open(`${server().uri('zaqar', scheme)}?charset=utf8&read_timeout=10&unknown=1`);
        expect(await store.isAlive(), scheme).to.equal(true);
      }
      // A 3-byte utf8 connection still stores any option text: JSON columns are ASCII-escaped.
      const store = await open(`${server().uri('zaqar')}?charset=utf8`);
      await store.poolsController.create('emoji', 1, 'redis://emoji', null, { label: 'ünï 😀' });
      expect((await store.poolsController.get('emoji', true)).options).to.deep.equal({ label: 'ünï 😀' });
      await store.poolsController.delete('emoji');
    });
  },

  specifics({ server, open }) {
    describe('MySQL specifics', () => {
      it('counts matched rows, so writing a value a row already has still finds the row (FOUND_ROWS)', async () => {
        const store = await open(await server().createDatabase('zaqar_rows'));
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
        const store = await open(await server().createDatabase('zaqar_strict'));
        let error: unknown;
        await store.queueController.create('fizbit', {}, 'p'.repeat(65)).catch((err: unknown) => (error = err));
        expect(error).to.be.instanceOf(Error).with.property('message').that.matches(/too long/i);
        expect(await store.queueController.count('p'.repeat(64))).to.equal(0);
      });
    });
  },

  interoperability: {
    title: "interoperability with Zaqar's Python store, on a database migrated by zaqar-sql-db-manage",
    conformanceTitle: 'sqlalchemy on MariaDB, tables made by zaqar-sql-db-manage',
    missing: () =>
      zaqarPythonMissing('pymysql') ??
      (existsSync(ZAQAR_SQL_DB_MANAGE) ? undefined : `${ZAQAR_SQL_DB_MANAGE} not found (install Debian package python3-zaqar)`),
    // The tables as Zaqar's deployment tool makes them (alembic, up to revision 007).
    makeTables(server, uri) {
      const conf = path.join(server.dir, 'zaqar-sql-db-manage.conf');
      writeFileSync(conf, `[drivers:management_store:sqlalchemy]\nuri = ${uri}\n`);
      runCommand(ZAQAR_SQL_DB_MANAGE, ['--config-file', conf, 'upgrade', 'head']);
      return [];
    },
  },
});
