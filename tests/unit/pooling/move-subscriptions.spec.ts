/**
 * Subscriptions of a queue moving between pools (zaqar/pooling): while it
 * moves, both pools serve them as one (moving-store.ts); the mover copies
 * them to the new pool and deletes them from the old one (mover.ts). Two
 * SQLite pools behind a SQL management store.
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { manifest as sqlManifest } from '../../../plugins/storage/sql';
import { manifest as sqliteManifest } from '../../../plugins/storage/sqlite';
import { silentLogger } from '../../../zaqar/common/logger';
import { Catalog } from '../../../zaqar/pooling/catalog';
import { QueueMover } from '../../../zaqar/pooling/mover';
import { movingStore } from '../../../zaqar/pooling/moving-store';
import { PooledMessageStore } from '../../../zaqar/pooling/pooled-store';
import { QueueDoesNotExist, SubscriptionAlreadyExists, SubscriptionDoesNotExist } from '../../../zaqar/storage/errors';
import type { ManagementStore, MessageStore, Subscription, SubscriptionController } from '../../../zaqar/storage/interfaces';
import { createStorage, type Storage } from '../../../zaqar/storage/storage';
import { expectError } from '../../../zaqar/testing/conformance/helpers';
import { storeLoader } from '../../../zaqar/testing/stores';
import { makeTempDir, openSqlManagementStore, sqliteUri } from '../../helpers/storage-sqlite';

const P = 'tenant';
const Q = 'moving';
const hook = (n: number) => `http://example.com/hook/${n}`;

describe('pooling: subscriptions of a queue on the move', function () {
  this.timeout(30_000);
  let temp: ReturnType<typeof makeTempDir>;
  let management: ManagementStore;
  let catalog: Catalog;
  let storage: Storage;
  let from: MessageStore;
  let to: MessageStore;

  beforeEach(async () => {
    temp = makeTempDir('zaqar-move-subscriptions-');
    const uri = (name: string) => sqliteUri(path.join(temp.dir, `${name}.sqlite`));
    management = await openSqlManagementStore({ uri: uri('management') });
    await management.poolsController.create('old', 100, uri('old'), null, {});
    await management.poolsController.create('new', 0, uri('new'), null, {});
    catalog = new Catalog(management, storeLoader([sqliteManifest, sqlManifest]), { ttlMs: 0 }, silentLogger);
    storage = createStorage(management, new PooledMessageStore(catalog, management, silentLogger));
    await storage.queues.create(Q, {}, P);
    [from, to] = [await catalog.storeOf('old'), await catalog.storeOf('new')];
  });
  afterEach(async () => {
    await catalog.close();
    await management.close();
    temp.remove();
  });

  const subscribersOf = (items: readonly Subscription[]) => items.map((s) => s.subscriber).sort();
  async function listAll(subscriptions: SubscriptionController, limit = 2): Promise<Subscription[]> {
    const all: Subscription[] = [];
    let marker: string | undefined;
    for (;;) {
      const page = await subscriptions.list(Q, P, { marker, limit });
      if (page.items.length === 0) return all;
      all.push(...page.items);
      marker = page.next;
    }
  }

  describe('served from both pools', () => {
    let both: SubscriptionController;
    beforeEach(() => {
      both = movingStore(from, to).subscriptionController;
    });

    it('finds subscriptions in either pool, lists each once, and keeps subscribers unique across both', async () => {
      const old = (await from.subscriptionController.create(Q, hook(1), 600, { where: 'old' }, P))!;
      await from.subscriptionController.create(Q, hook(2), 600, {}, P);
      // hook(2) copied already, not yet deleted from the old pool: listed once.
      await to.subscriptionController.create(Q, hook(2), 600, {}, P);
      expect((await both.get(Q, old, P)).options).to.deep.equal({ where: 'old' });
      expect(await both.exists(Q, old, P)).to.equal(true);
      expect((await both.getWithSubscriber(Q, hook(1), P))?.id).to.equal(old);

      expect(await both.create(Q, hook(1), 600, {}, P)).to.equal(null);
      const fresh = (await both.create(Q, hook(3), 600, {}, P))!;
      expect((await to.subscriptionController.get(Q, fresh, P)).subscriber).to.equal(hook(3));
      expect(subscribersOf(await listAll(both))).to.deep.equal([hook(1), hook(2), hook(3)]);
      expect(subscribersOf(await listAll(both, 1))).to.deep.equal([hook(1), hook(2), hook(3)]);

      await expectError(both.update(Q, fresh, P, { subscriber: hook(1) }), SubscriptionAlreadyExists);
      await expectError(both.update(Q, old, P, { subscriber: hook(3) }), SubscriptionAlreadyExists);
      await both.update(Q, old, P, { options: { updated: true } });
      expect((await from.subscriptionController.get(Q, old, P)).options).to.deep.equal({ updated: true });
      await both.confirm(Q, old, P, true);
      expect((await both.get(Q, old, P)).confirmed).to.equal(true);
      await expectError(both.confirm(Q, '00000000-0000-4000-8000-000000000000', P, true), SubscriptionDoesNotExist);

      await both.delete(Q, old, P);
      await expectError(both.get(Q, old, P), SubscriptionDoesNotExist);
      expect(subscribersOf(await listAll(both))).to.deep.equal([hook(2), hook(3)]);
    });
  });

  it('the mover copies subscriptions to the new pool, then deletes them from the old one', async () => {
    const confirmed = (await storage.subscriptions.create(Q, hook(1), 600, { a: 1 }, P))!;
    await storage.subscriptions.confirm(Q, confirmed, P, true);
    await storage.subscriptions.create(Q, hook(2), 60, { b: 2 }, P);
    const report = await new QueueMover(catalog, management, { ttlMs: 0 }, silentLogger).move(Q, P, 'new');
    expect(report).to.include({ from: 'old', to: 'new' });

    expect(await from.subscriptionController.list(Q, P)).to.deep.equal({ items: [] });
    const moved = (await listAll(to.subscriptionController)).sort((a, b) => a.subscriber.localeCompare(b.subscriber));
    expect(moved.map(({ subscriber, options, confirmed: c, ttl }) => ({ subscriber, options, confirmed: c, ttl }))).to.deep.equal([
      { subscriber: hook(1), options: { a: 1 }, confirmed: true, ttl: 600 },
      { subscriber: hook(2), options: { b: 2 }, confirmed: false, ttl: 60 },
    ]);
    // Through the facade, the queue is the new pool's now.
    expect(subscribersOf(await listAll(storage.subscriptions))).to.deep.equal([hook(1), hook(2)]);
  });

  it('refuses subscriptions on a queue no pool serves, as it refuses posts', async () => {
    await expectError(storage.subscriptions.create('nowhere', hook(1), 600, {}, P), QueueDoesNotExist);
    expect(await storage.subscriptions.list('nowhere', P)).to.deep.equal({ items: [] });
    expect(await storage.subscriptions.getWithSubscriber('nowhere', hook(1), P)).to.equal(null);
    await expectError(storage.subscriptions.get('nowhere', 'x', P), SubscriptionDoesNotExist);
    await storage.subscriptions.delete('nowhere', 'x', P);
  });
});
