/**
 * The management store `sqlalchemy` on a real PostgreSQL server
 * (tools/services/postgres.ts, one per file): the conformance suites on
 * tables it creates and on tables made by Zaqar's own SQLAlchemy metadata,
 * several stores racing on one database, an outage and recovery without
 * restart, and Zaqar's Python controllers reading what we wrote and the
 * other way round (sql-server-suite.ts).
 */
import { expect } from 'chai';
import { PostgresServer, postgresMissing } from '../../tools/services/postgres';
import { columnLayout, describeSqlServerStore, zaqarPythonMissing } from './sql-server-suite';

describeSqlServerStore<PostgresServer>({
  name: 'PostgreSQL',
  missing: postgresMissing,
  start: () => PostgresServer.start(),
  quote: (name) => `"${name}"`,

  tablesItCreates({ server, open, uri }) {
    it("creates Zaqar's tables, names quoted as SQLAlchemy quotes them, with its column types", async () => {
      await open(uri());
      expect(await columnLayout(server(), 'zaqar', 'public', 'data_type')).to.deep.equal({
        Catalogue: ['pool character varying', 'project character varying', 'queue character varying', 'moving_from character varying'],
        Flavors: ['name character varying', 'project character varying', 'capabilities text'],
        Pools: ['name character varying', 'uri character varying', 'weight integer', 'options text', 'flavor character varying'],
        Queues: ['id integer', 'project character varying', 'name character varying', 'metadata bytea'],
        Topics: ['id integer', 'project character varying', 'name character varying', 'metadata bytea'],
      });
    });

    it('takes the URI forms Zaqar takes (postgresql://, postgres://, query options)', async () => {
      for (const scheme of ['postgresql', 'postgres', 'postgresql+psycopg2']) {
        const store = await open(`${server().uri('zaqar', scheme)}?application_name=zaqar-test&sslmode=disable&unknown=1`);
        expect(await store.isAlive(), scheme).to.equal(true);
      }
    });
  },

  interoperability: {
    title: "interoperability with Zaqar's Python store",
    conformanceTitle: 'sqlalchemy on PostgreSQL, tables made by Zaqar',
    missing: () => zaqarPythonMissing('psycopg2'),
    // Zaqar's own tables, from its SQLAlchemy metadata.
    makeTables: () => ['tables.metadata.create_all(driver.engine)'],
  },
});
