/**
 * The conformance suites against the MongoDB plugins on a real FerretDB
 * (tools/services/ferretdb.ts), built the way the server builds them:
 * manifest → DI module → factory by name, with a real Config.
 *
 * The message store runs twice: with the MongoDB management store (queue
 * counters in the queue documents, as Zaqar keeps them) and with the SQL
 * management store (counters in each partition's `messages.stats`).
 * Each fixture gets databases of its own, dropped afterwards.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { MongoClient } from 'mongodb';
import { manifest as mongoManifests } from '../../plugins/storage/mongodb';
import { OsloConfig } from '../../zaqar/config/config';
import { CORE_OPTION_GROUPS } from '../../zaqar/config/groups';
import { parseIni } from '../../zaqar/config/ini';
import type { ManagementStore, MessageStore, Project } from '../../zaqar/storage/interfaces';
import { useFerretDB } from '../../tools/services/ferretdb';
import { makeTempDir, openSqlManagementStore, sqliteUri } from '../helpers/storage-sqlite';
import { post } from '../../zaqar/testing/conformance/helpers';
import { describeManagementStoreConformance, describeMessageStoreConformance } from '../../zaqar/testing/conformance';
import { managementStoreFixture, messageStoreFixture, openManagementStore, openMessageStore } from '../../zaqar/testing/stores';

const [dataManifest, controlManifest] = mongoManifests;

/** `[DEFAULT] unreliable = true`: FerretDB is a single standalone server. */
function testConfig(): OsloConfig {
  const config = new OsloConfig({ files: [parseIni('[DEFAULT]\nunreliable = true\n', 'mongodb-conformance.conf')] });
  for (const group of CORE_OPTION_GROUPS) config.register(group);
  return config;
}

/** Every database a store with base name `database` may create. */
function databasesOf(database: string): string[] {
  return [database, `${database}_queues`, `${database}_topics`, `${database}_subscriptions`, `${database}_messages_p0`, `${database}_messages_p1`];
}

async function dropDatabases(uri: string, database: string): Promise<void> {
  const client = new MongoClient(uri);
  try {
    for (const name of databasesOf(database)) await client.db(name).dropDatabase();
  } finally {
    await client.close();
  }
}

describe('mongodb (on FerretDB)', function () {
  this.timeout(30_000);
  const ferret = useFerretDB();

  const openControl = (database: string): Promise<ManagementStore> =>
    openManagementStore(controlManifest, { uri: ferret().uri, database }, testConfig());
  const openData = (database: string, control: ManagementStore): Promise<MessageStore> =>
    openMessageStore(dataManifest, { uri: ferret().uri, database, partitions: 2 }, control, testConfig());

  const freshDatabase = () => `zt_${randomBytes(6).toString('hex')}`;

  describeMessageStoreConformance('mongodb', async () => {
    const database = freshDatabase();
    return messageStoreFixture(
      () => openControl(database),
      (management) => openData(database, management),
      () => dropDatabases(ferret().uri, database),
    );
  });

  describeMessageStoreConformance('mongodb with the sqlalchemy management store', async () => {
    const database = freshDatabase();
    const temp = makeTempDir('zaqar-mongo-sql-');
    return messageStoreFixture(
      () => openSqlManagementStore({ uri: sqliteUri(path.join(temp.dir, 'management.sqlite')) }),
      (management) => openData(database, management),
      async () => {
        temp.remove();
        await dropDatabases(ferret().uri, database);
      },
    );
  });

  describeManagementStoreConformance('mongodb', async () => {
    const database = freshDatabase();
    return managementStoreFixture(() => openControl(database), () => dropDatabases(ferret().uri, database));
  });

  describe('mongodb: several server processes on one database', () => {
    const QUEUE = 'shared';
    const PROJECT: Project = 'tenant-a';
    let database: string;
    const opened: { close(): Promise<void> }[] = [];

    beforeEach(() => {
      database = freshDatabase();
    });
    afterEach(async () => {
      for (const driver of opened.splice(0)) await driver.close();
      await dropDatabases(ferret().uri, database);
    });

    /** A server process's stores: its own clients (connections) on the shared databases. */
    async function openInstance(): Promise<MessageStore> {
      const control = await openControl(database);
      opened.unshift(control);
      const data = await openData(database, control);
      opened.unshift(data);
      await control.queueController.create(QUEUE, {}, PROJECT);
      return data;
    }

    it('parallel producers on separate connections get unique markers, every message listed once in order', async () => {
      const instances = [await openInstance(), await openInstance(), await openInstance()];
      const batches = await Promise.all(
        Array.from({ length: 24 }, (_, i) => post(instances[i % 3], QUEUE, PROJECT, 1 + (i % 4), { start: i * 10 })),
      );
      const posted = batches.flat();
      // An observer paging with markers sees each message exactly once.
      const seen: string[] = [];
      let marker: string | undefined;
      for (;;) {
        const page = await instances[1].messageController.list(QUEUE, PROJECT, { marker, limit: 7, echo: true });
        if (page.items.length === 0) break;
        seen.push(...page.items.map((m) => m.id));
        marker = page.next;
      }
      expect(seen).to.have.length(posted.length);
      expect(new Set(seen)).to.deep.equal(new Set(posted));
      // Each batch is contiguous and in input order.
      for (const batch of batches) {
        const at = seen.indexOf(batch[0]);
        expect(seen.slice(at, at + batch.length)).to.deep.equal(batch);
      }
    });

    it('subscribers racing on separate connections: one id for one subscriber, the rest null', async () => {
      const instances = [await openInstance(), await openInstance(), await openInstance()];
      const results = await Promise.all(
        Array.from({ length: 9 }, (_, i) => instances[i % 3].subscriptionController.create(QUEUE, 'http://example.com/hook', 600, { i }, PROJECT)),
      );
      expect(results.filter((id) => id !== null)).to.have.length(1);
      expect((await instances[2].subscriptionController.list(QUEUE, PROJECT)).items).to.have.length(1);
    });

    it('claimers and poppers on separate connections never share a message', async () => {
      const [a, b] = [await openInstance(), await openInstance()];
      const posted: string[] = [];
      for (let batch = 0; batch < 6; batch++) posted.push(...(await post(a, QUEUE, PROJECT, 10, { start: batch * 10 })));
      const results = await Promise.all(
        Array.from({ length: 24 }, (_, i) => {
          const instance = i % 2 === 0 ? a : b;
          return i % 4 === 3
            ? instance.messageController.pop(QUEUE, 3, PROJECT).then((messages) => ({ messages }))
            : instance.claimController.create(QUEUE, { ttl: 300, grace: 60, limit: 3 }, PROJECT);
        }),
      );
      const taken = results.flatMap((r) => r.messages.map((m) => m.id));
      expect(taken).to.have.length(new Set(taken).size);
      expect(taken.length).to.equal(Math.min(posted.length, 24 * 3));
    });
  });
});
