/**
 * The message-store conformance suites over the pooled message store: two
 * SQLite pools and a SQLite virtual pool behind the catalog. The pooled
 * store is a message store like any other, so the suites apply unchanged;
 * queues the suites create are placed through its queue lifecycle.
 */
import * as path from 'node:path';
import { manifest as sqlManifest } from '../../plugins/storage/sql';
import { manifest as sqliteManifest } from '../../plugins/storage/sqlite';
import { silentLogger } from '../../zaqar/common/logger';
import { Catalog } from '../../zaqar/pooling/catalog';
import { PooledMessageStore } from '../../zaqar/pooling/pooled-store';
import type { ManagementStore, QueueController } from '../../zaqar/storage/interfaces';
import { intercept } from '../../zaqar/storage/pipeline/interceptor';
import { describeMessageStoreConformance, describePostSignalsConformance } from '../../zaqar/testing/conformance';
import { storeLoader } from '../../zaqar/testing/stores';
import { makeTempDir, openSqlManagementStore, sqliteUri } from '../helpers/storage-sqlite';

describeMessageStoreConformance('pooled: two SQLite pools and a virtual pool', async () => {
  const temp = makeTempDir('zaqar-pooled-');
  const uri = (name: string) => sqliteUri(path.join(temp.dir, `${name}.sqlite`));
  const management = await openSqlManagementStore({ uri: uri('management') });
  await management.poolsController.create('one', 100, uri('one'), null, {});
  await management.poolsController.create('two', 100, uri('two'), null, {});
  const loader = storeLoader([sqliteManifest, sqlManifest]);
  const catalog = new Catalog(
    management,
    loader,
    { ttlMs: 10_000, openVirtualPool: () => loader.openMessageStore({ uri: uri('virtual') }, management) },
    silentLogger,
  );
  const pooled = new PooledMessageStore(catalog, management, silentLogger);
  // What the suites create goes through the pooled store's queue lifecycle, as the storage facade does.
  const queueController = intercept<QueueController>(management.queueController, [pooled.queueLifecycle as never]);
  const managementStore: ManagementStore = {
    queueController,
    // Topic metadata is the management store's alone: no placement.
    topicController: management.topicController,
    poolsController: management.poolsController,
    flavorsController: management.flavorsController,
    catalogueController: management.catalogueController,
    isAlive: () => management.isAlive(),
    close: () => management.close(),
  };
  return {
    messageStore: pooled,
    managementStore,
    async cleanup() {
      await pooled.close();
      await management.close();
      temp.remove();
    },
  };
});

// Two API processes' pooled stores over the same pools (SQLite files): the pools' signals, routed.
describePostSignalsConformance('pooled: two SQLite pools', async () => {
  const temp = makeTempDir('zaqar-pooled-signals-');
  const uri = (name: string) => sqliteUri(path.join(temp.dir, `${name}.sqlite`));
  const setup = await openSqlManagementStore({ uri: uri('management') });
  await setup.poolsController.create('one', 100, uri('one'), null, {});
  await setup.queueController.create('signalled', {}, 'tenant-a');
  await setup.close();
  const opened: { close(): Promise<void> }[] = [];
  const open = async () => {
    const management = await openSqlManagementStore({ uri: uri('management') });
    const loader = storeLoader([sqliteManifest, sqlManifest]);
    const pooled = new PooledMessageStore(new Catalog(management, loader, { ttlMs: 10_000 }, silentLogger), management, silentLogger);
    opened.push(pooled, management);
    return pooled;
  };
  const listener = await open();
  const poster = await open();
  // Place the queue (as its first post or claim would), through the poster's catalog.
  await poster.catalog.register('signalled', 'tenant-a', undefined);
  // The listener's node has used the queue (a waiter's first attempt does): its pool's store is open.
  await listener.messageController.list('signalled', 'tenant-a');
  return {
    listener,
    poster,
    async close() {
      for (const store of opened) await store.close();
      temp.remove();
    },
  };
});
