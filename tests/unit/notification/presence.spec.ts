/**
 * The notifier stage writes an outbox entry only for posts to queues (and
 * topics) that have subscriptions (zaqar/notification/presence.ts), and a
 * subscription is effective for the very next post: "no subscriptions" is
 * never cached. Through the pooled store (two SQLite pools behind a SQL
 * management store), the dispatcher not started so entries stay put.
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { manifest as sqlManifest } from '../../../plugins/storage/sql';
import { manifest as sqliteManifest } from '../../../plugins/storage/sqlite';
import { MessageCipher } from '../../../zaqar/api/rules/encryption';
import { RawJson } from '../../../zaqar/common/json';
import { silentLogger } from '../../../zaqar/common/logger';
import { DEFAULT_DISPATCHER_SETTINGS } from '../../../zaqar/notification/dispatcher';
import { Notifications } from '../../../zaqar/notification/notifications';
import type { Notifiers } from '../../../zaqar/notification/notifiers';
import { OUTBOX_PROJECT, OUTBOX_QUEUE, type PostEntry } from '../../../zaqar/notification/outbox';
import { SubscriptionPresence } from '../../../zaqar/notification/presence';
import { Catalog } from '../../../zaqar/pooling/catalog';
import { PooledMessageStore } from '../../../zaqar/pooling/pooled-store';
import type { ManagementStore, Page, Project, Subscription, SubscriptionController } from '../../../zaqar/storage/interfaces';
import { createStorage, type Storage } from '../../../zaqar/storage/storage';
import { storeLoader } from '../../../zaqar/testing/stores';
import { makeTempDir, openSqlManagementStore, sqliteUri } from '../../helpers/storage-sqlite';

const P = 'tenant';
const noNotifiers = { serves: () => false, for: async () => undefined, close: async () => undefined } as unknown as Notifiers;

describe('notification: posts to queues without subscriptions write no outbox entry', function () {
  this.timeout(30_000);
  let temp: ReturnType<typeof makeTempDir>;
  let management: ManagementStore;
  let catalog: Catalog;
  let beneath: Storage;
  let staged: Storage;
  let notifications: Notifications;

  beforeEach(async () => {
    temp = makeTempDir('zaqar-presence-');
    const uri = (name: string) => sqliteUri(path.join(temp.dir, `${name}.sqlite`));
    management = await openSqlManagementStore({ uri: uri('management') });
    await management.poolsController.create('one', 100, uri('one'), null, {});
    await management.poolsController.create('two', 100, uri('two'), null, {});
    catalog = new Catalog(management, storeLoader([sqliteManifest, sqlManifest]), { ttlMs: 0 }, silentLogger);
    const pooled = new PooledMessageStore(catalog, management, silentLogger);
    beneath = createStorage(management, pooled);
    notifications = new Notifications(
      beneath,
      noNotifiers,
      new MessageCipher('k'),
      { dispatcher: { ...DEFAULT_DISPATCHER_SETTINGS, requireConfirmation: false, concurrency: 1 } },
      silentLogger,
    );
    staged = createStorage(management, pooled, { message: [notifications.stage] });
  });
  afterEach(async () => {
    await catalog.close();
    await management.close();
    temp.remove();
  });

  async function outbox(): Promise<PostEntry[]> {
    try {
      const page = await beneath.messages.list(OUTBOX_QUEUE, OUTBOX_PROJECT, { echo: true, includeClaimed: true, includeDelayed: true, limit: 100 });
      return page.items.map((m) => (m.body instanceof RawJson ? m.body.value() : m.body) as PostEntry);
    } catch {
      return []; // never written: the outbox queue does not even exist
    }
  }
  const post = (queue: string, n: number) => staged.messages.post(queue, [{ ttl: 300, delay: 0, body: { n } }], 'client', P);

  it('writes nothing for a queue or topic without subscriptions, and an entry for the next post once one is created', async () => {
    await staged.queues.create('quiet', {}, P);
    await staged.topics.create('news', {}, P);
    await Promise.all([post('quiet', 1), post('quiet', 2), post('news', 3)]);
    expect(await outbox()).to.deep.equal([]);

    // Created the way the API creates it (storage.subscriptions.create), then the very next post is recorded.
    expect(await staged.subscriptions.create('quiet', 'http://example.com/hook', 3600, {}, P)).to.be.a('string');
    await post('quiet', 4);
    expect((await outbox()).map((e) => [e.q, e.m[0].body])).to.deep.equal([['quiet', { n: 4 }]]);

    expect(await staged.subscriptions.create('news', 'mailto:ops@example.com', 3600, {}, P)).to.be.a('string');
    await Promise.all([post('news', 5), post('quiet', 6)]);
    const entries = (await outbox()).map((e) => `${e.q}:${(e.m[0].body as { n: number }).n}`);
    expect(entries.sort()).to.deep.equal(['news:5', 'quiet:4', 'quiet:6']);

    // Deleted: a cached "yes" may write entries for up to a second (the dispatcher drops them), then nothing again.
    const [subscription] = (await staged.subscriptions.list('quiet', P)).items;
    await staged.subscriptions.delete('quiet', subscription.id, P);
    await new Promise((r) => setTimeout(r, 1100));
    await post('quiet', 7);
    expect((await outbox()).some((e) => (e.m[0].body as { n: number }).n === 7)).to.equal(false);
  });

  it('shares one subscription read among the posts to a queue in one event-loop turn', async () => {
    await staged.queues.create('busy', {}, P);
    const before = notifications.presence.reads;
    await Promise.all(Array.from({ length: 20 }, (_, i) => post('busy', i)));
    expect(notifications.presence.reads - before).to.equal(1);
    expect(await outbox()).to.deep.equal([]);
  });
});

describe('notification: SubscriptionPresence', () => {
  function fakeSubscriptions(answer: () => Promise<Page<Subscription>>): SubscriptionController & { calls: number } {
    const fake = {
      calls: 0,
      list: () => {
        fake.calls++;
        return answer();
      },
    };
    return fake as unknown as SubscriptionController & { calls: number };
  }
  const some = { items: [{ id: 'x' } as Subscription] };
  const none = { items: [] };

  it('never caches "no subscriptions": every turn reads again', async () => {
    const subscriptions = fakeSubscriptions(async () => none);
    const presence = new SubscriptionPresence(subscriptions);
    for (let i = 0; i < 3; i++) expect(await presence.has('q', P)).to.equal(false);
    expect(subscriptions.calls).to.equal(3);
  });

  it('caches "has subscriptions" for the positive TTL only, per queue and project', async () => {
    let now = 1_000;
    const subscriptions = fakeSubscriptions(async () => some);
    const presence = new SubscriptionPresence(subscriptions, 1_000, () => now);
    expect(await presence.has('q', P)).to.equal(true);
    expect(await presence.has('q', P)).to.equal(true);
    expect(subscriptions.calls).to.equal(1);
    expect(await presence.has('q', null as Project)).to.equal(true);
    expect(subscriptions.calls).to.equal(2);
    now += 1_001;
    expect(await presence.has('q', P)).to.equal(true);
    expect(subscriptions.calls).to.equal(3);
  });

  it('answers "yes" when the read fails, so the entry is written as without the check', async () => {
    const presence = new SubscriptionPresence(fakeSubscriptions(() => Promise.reject(new Error('store down'))));
    expect(await presence.has('q', P)).to.equal(true);
  });
});
