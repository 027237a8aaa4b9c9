/**
 * The pooling suite (pooling/suite.ts) with the catalogue, pools and
 * flavors in each management store, on real servers where the store needs
 * one: SQL on SQLite, MariaDB and PostgreSQL; Redis; MongoDB (FerretDB).
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { MongoClient } from 'mongodb';
import { manifest as mongoManifests } from '../../plugins/storage/mongodb';
import { controlManifest as redisControl } from '../../plugins/storage/redis';
import { manifest as sqlManifest } from '../../plugins/storage/sql';
import { MariaDBServer, mariadbMissing } from '../../tools/services/mariadb';
import { PostgresServer, postgresMissing } from '../../tools/services/postgres';
import { useFerretDB } from '../../tools/services/ferretdb';
import { useService } from '../../tools/services/process';
import { useRedisServer } from '../../tools/services/redis';
import { openManagementStore } from '../../zaqar/testing/stores';
import { makeTempDir, openSqlManagementStore, sqliteUri } from '../helpers/storage-sqlite';
import { describePoolingSuite } from './pooling/suite';
import type { SqlTestServer } from './sql-server-suite';

describePoolingSuite('sqlalchemy (SQLite)', async () => {
  const temp = makeTempDir('zaqar-pooling-sql-');
  const store = await openSqlManagementStore({ uri: sqliteUri(path.join(temp.dir, 'management.sqlite')) });
  return {
    store,
    async cleanup() {
      await store.close();
      temp.remove();
    },
  };
});

describe('pooling with a Redis management store', function () {
  this.timeout(30_000);
  const redis = useRedisServer();

  describePoolingSuite('redis', async () => {
    await redis().command('FLUSHALL');
    const store = await openManagementStore(redisControl, { uri: redis().uri() });
    return { store, cleanup: () => store.close() };
  });
});

describe('pooling with a MongoDB management store (on FerretDB)', function () {
  this.timeout(30_000);
  const ferret = useFerretDB();
  const control = (Array.isArray(mongoManifests) ? mongoManifests : [mongoManifests]).find((m) => m.kind === 'management_store')!;

  describePoolingSuite('mongodb', async () => {
    const database = `zp_${randomBytes(6).toString('hex')}`;
    const store = await openManagementStore(control, { uri: ferret().uri, database });
    return {
      store,
      async cleanup() {
        await store.close();
        const client = new MongoClient(ferret().uri);
        try {
          for (const name of [database, `${database}_queues`]) await client.db(name).dropDatabase();
        } finally {
          await client.close();
        }
      },
    };
  });
});

/** The SQL management store on a database server: tables emptied before each test (children first). */
function describeOnSqlServer(name: string, start: () => Promise<SqlTestServer>, missing: () => string | undefined): void {
  describe(`pooling with the SQL management store on ${name}`, function () {
    this.timeout(60_000);
    const server = useService({
      what: name,
      missing,
      async start() {
        const started = await start();
        await started.createDatabase(DATABASE);
        return started;
      },
      stop: (running) => running.close(),
    });

    describePoolingSuite(`sqlalchemy (${name})`, async () => {
      const store = await openManagementStore(sqlManifest, { uri: server().uri(DATABASE) });
      await server().emptyTables(DATABASE, TABLES_CHILDREN_FIRST);
      return { store, cleanup: () => store.close() };
    });
  });
}

const DATABASE = 'zaqar_pooling';
const TABLES_CHILDREN_FIRST = ['Catalogue', 'Pools', 'Flavors', 'Queues'];

describeOnSqlServer('MariaDB', () => MariaDBServer.start(), mariadbMissing);
describeOnSqlServer('PostgreSQL', () => PostgresServer.start(), postgresMissing);
