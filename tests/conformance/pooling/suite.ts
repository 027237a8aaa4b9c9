/**
 * The pooling suite: the catalog, the pooled message store and the pool
 * admin over a management store given by the caller, with real SQLite
 * message stores as pools (files in a temp folder). Run for every
 * management store (pooling-*.spec.ts).
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { manifest as redisManifests } from '../../../plugins/storage/redis';
import { manifest as sqlManifest } from '../../../plugins/storage/sql';
import { manifest as sqliteManifest } from '../../../plugins/storage/sqlite';
import { silentLogger } from '../../../zaqar/common/logger';
import { PluginRegistry } from '../../../zaqar/plugins/registry';
import { PoolingAdmin } from '../../../zaqar/pooling/admin';
import { Catalog } from '../../../zaqar/pooling/catalog';
import { PooledMessageStore } from '../../../zaqar/pooling/pooled-store';
import { FlavorDoesNotExist, NoPoolFound, QueueDoesNotExist } from '../../../zaqar/storage/errors';
import { Capability, type ManagementStore, type MessageStore } from '../../../zaqar/storage/interfaces';
import { createStorage, type Storage } from '../../../zaqar/storage/storage';
import { expectError } from '../../../zaqar/testing/conformance/helpers';
import { storeLoader } from '../../../zaqar/testing/stores';
import { makeTempDir, openSqliteMessageStore, sqliteUri } from '../../helpers/storage-sqlite';

export interface ManagementStoreForPooling {
  store: ManagementStore;
  /** Removes whatever the store holds and closes it. */
  cleanup(): Promise<void>;
}

const P = 'tenant';
const TTL = 10_000;
const message = (body: unknown) => ({ ttl: 300, delay: 0, body });

export function describePoolingSuite(name: string, makeManagement: () => Promise<ManagementStoreForPooling>): void {
  describe(`${name}: pooling`, function () {
    this.timeout(60_000);
    let temp: ReturnType<typeof makeTempDir>;
    let management: ManagementStoreForPooling;
    let now: number;
    let catalog: Catalog;
    let storage: Storage;
    let admin: PoolingAdmin;
    const extra: MessageStore[] = [];

    const poolUri = (pool: string) => sqliteUri(path.join(temp.dir, `${pool}.sqlite`));

    function build(virtual = false): void {
      const loader = storeLoader([sqliteManifest, sqlManifest]);
      catalog = new Catalog(
        management.store,
        loader,
        { ttlMs: TTL, openVirtualPool: virtual ? () => loader.openMessageStore({ uri: poolUri('virtual') }, management.store) : undefined },
        silentLogger,
        () => now,
      );
      storage = createStorage(management.store, new PooledMessageStore(catalog, management.store, silentLogger));
      const registry = new PluginRegistry(silentLogger);
      registry.add({ manifest: [sqliteManifest, sqlManifest, ...redisManifests] }, 'tests');
      admin = new PoolingAdmin(management.store, loader, registry, silentLogger);
    }

    /** A pool's store opened directly (not through the catalog), to look at what it holds. */
    async function poolStore(pool: string): Promise<MessageStore> {
      const store = await openSqliteMessageStore({ uri: poolUri(pool), synchronous: 'NORMAL' }, management.store);
      extra.push(store);
      return store;
    }

    beforeEach(async () => {
      temp = makeTempDir('zaqar-pooling-');
      management = await makeManagement();
      now = Date.UTC(2030, 0, 1);
      build();
    });
    afterEach(async () => {
      for (const store of extra.splice(0)) await store.close();
      await catalog.close();
      await management.cleanup();
      temp.remove();
    });

    const pools = () => management.store.poolsController;

    it('places each new queue on a pool in proportion to the weights, never on a pool of weight 0', async () => {
      await pools().create('light', 1, poolUri('light'), null, {});
      await pools().create('heavy', 3, poolUri('heavy'), null, {});
      await pools().create('off', 0, poolUri('off'), null, {});
      const counts: Record<string, number> = { light: 0, heavy: 0, off: 0 };
      for (let i = 0; i < 200; i++) {
        await storage.queues.create(`q${i}`, {}, P);
        counts[(await catalog.poolOf(`q${i}`, P))!]++;
      }
      expect(counts.off).to.equal(0);
      // Expected 50 : 150; a binomial's 4 standard deviations is ±24.
      expect(counts.light).to.be.within(26, 74);
      expect(counts.light + counts.heavy).to.equal(200);
    });

    it('places a queue with _flavor on that flavor\'s pools, one without on the pools without a flavor', async () => {
      await pools().create('gold-1', 100, poolUri('gold-1'), 'gold', {});
      await pools().create('plain-1', 100, poolUri('plain-1'), null, {});
      await management.store.flavorsController.create('gold', P, []);
      for (let i = 0; i < 10; i++) {
        await storage.queues.create(`g${i}`, { _flavor: 'gold' }, P);
        await storage.queues.create(`p${i}`, {}, P);
        expect(await catalog.poolOf(`g${i}`, P)).to.equal('gold-1');
        expect(await catalog.poolOf(`p${i}`, P)).to.equal('plain-1');
      }
      await expectError(storage.queues.create('x', { _flavor: 'silver' }, P), FlavorDoesNotExist);
      await management.store.flavorsController.create('empty', P, []);
      await expectError(storage.queues.create('y', { _flavor: 'empty' }, P), NoPoolFound);
      expect(await storage.queues.exists('x', P)).to.equal(false);
    });

    it('refuses a queue when no pool can take it, unless the virtual pool serves it', async () => {
      await expectError(storage.queues.create('q', {}, P), NoPoolFound);
      expect(await storage.queues.exists('q', P)).to.equal(false);
      await catalog.close();
      build(true);
      expect(await storage.queues.create('q', {}, P)).to.equal(true);
      expect(await catalog.poolOf('q', P)).to.equal(undefined);
      const [id] = await storage.messages.post('q', [message('on the virtual pool')], 'c', P);
      expect((await (await poolStore('virtual')).messageController.bulkGet('q', [id], P)).map((m) => m.id)).to.deep.equal([id]);
    });

    it('keeps each queue\'s messages on its own pool only, and answers a queue no pool serves as Zaqar does', async () => {
      await pools().create('a', 100, poolUri('a'), null, {});
      await storage.queues.create('qa', {}, P);
      await pools().update('a', { weight: 0 });
      await pools().create('b', 100, poolUri('b'), null, {});
      await storage.queues.create('qb', {}, P);
      const [onA] = await storage.messages.post('qa', [message('a')], 'c', P);
      const [onB] = await storage.messages.post('qb', [message('b')], 'c', P);
      const [a, b] = [await poolStore('a'), await poolStore('b')];
      expect((await a.messageController.bulkGet('qa', [onA], P)).length).to.equal(1);
      expect((await b.messageController.bulkGet('qa', [onA], P)).length).to.equal(0);
      expect((await b.messageController.bulkGet('qb', [onB], P)).length).to.equal(1);
      expect((await a.messageController.bulkGet('qb', [onB], P)).length).to.equal(0);
      const claim = await storage.claims.create('qa', { ttl: 60, grace: 60, limit: 5 }, P);
      expect(claim.messages.map((m) => m.id)).to.deep.equal([onA]);

      // Not catalogued: no pool serves it.
      await expectError(storage.messages.post('nowhere', [message(1)], 'c', P), QueueDoesNotExist);
      expect(await storage.messages.list('nowhere', P)).to.deep.equal({ items: [] });
      expect(await storage.claims.create('nowhere', { ttl: 60, grace: 60, limit: 5 }, P)).to.deep.equal({ claimId: null, messages: [] });
    });

    it('deleting a queue purges its pool and removes it from the catalogue', async () => {
      await pools().create('a', 100, poolUri('a'), null, {});
      await storage.queues.create('q', {}, P);
      await storage.messages.post('q', [message(1), message(2)], 'c', P);
      await storage.queues.delete('q', P);
      expect(await management.store.catalogueController.exists(P, 'q')).to.equal(false);
      expect((await (await poolStore('a')).queueDataController.stats('q', P)).messages.total).to.equal(0);
    });

    it('trusts a placement for the cache TTL, then reads it again', async () => {
      await pools().create('a', 100, poolUri('a'), null, {});
      await pools().create('b', 0, poolUri('b'), null, {});
      await storage.queues.create('q', {}, P);
      expect(await catalog.poolOf('q', P)).to.equal('a');
      await management.store.catalogueController.update(P, 'q', 'b');
      expect(await catalog.poolOf('q', P)).to.equal('a');
      now += TTL + 1;
      expect(await catalog.poolOf('q', P)).to.equal('b');
    });

    it('reopens a pool whose URI changed, once the cache TTL has passed', async () => {
      await pools().create('a', 100, poolUri('first'), null, {});
      await storage.queues.create('q', {}, P);
      const [before] = await storage.messages.post('q', [message('first file')], 'c', P);
      await pools().update('a', { uri: poolUri('second') });
      now += TTL + 1;
      const [after] = await storage.messages.post('q', [message('second file')], 'c', P);
      expect((await (await poolStore('first')).messageController.bulkGet('q', [before, after], P)).map((m) => m.id)).to.deep.equal([before]);
      expect((await (await poolStore('second')).messageController.bulkGet('q', [before, after], P)).map((m) => m.id)).to.deep.equal([after]);
    });

    it('reports every pool in the detailed health, and liveness as the catalog\'s', async () => {
      await pools().create('a', 100, poolUri('a'), null, {});
      const report = await storage.healthReport();
      expect(report.catalog_reachable).to.equal(true);
      expect((report.a as { storage_reachable: boolean }).storage_reachable).to.equal(true);
      expect(Object.keys((report.a as { operation_status: object }).operation_status)).to.include('post_messages');
      expect(await storage.isAlive()).to.equal(true);
    });

    it('admin: connects to a pool URI or says it cannot, compares capabilities by store, lists a pool\'s queues', async () => {
      expect(await admin.canConnect(poolUri('probe'))).to.equal(true);
      expect(await admin.canConnect('redis://127.0.0.1:1', {}, 5000)).to.equal(false);
      expect(admin.capabilitiesOf('redis://h')).to.include(Capability.HIGH_THROUGHPUT);
      expect(admin.capabilitiesOf('sqlite:////x')).to.not.include(Capability.HIGH_THROUGHPUT);
      await pools().create('a', 100, poolUri('a'), 'gold', {});
      await admin.checkCapabilities(poolUri('another'), 'gold');
      let mismatch: unknown;
      await admin.checkCapabilities('redis://h:1', 'gold').catch((err: unknown) => (mismatch = err));
      expect(String(mismatch)).to.contain('does not support the minimum set of capabilities');
      await pools().create('b', 100, poolUri('b'), null, {});
      await storage.queues.create('q1', {}, P);
      await storage.queues.create('q2', {}, 'other');
      expect((await admin.queuesOn('b')).map((e) => `${e.project}/${e.queue}`).sort()).to.deep.equal(['other/q2', 'tenant/q1']);
      expect(await admin.queuesOn('a')).to.deep.equal([]);
    });
  });
}
