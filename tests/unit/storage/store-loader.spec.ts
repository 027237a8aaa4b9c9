/**
 * The store loader opens stores by plugin name or URI scheme, each with its
 * own option overrides — as pooling (not built yet) is to open one store
 * per pool — in one
 * process, on real SQLite files.
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { manifest as sqlManifest } from '../../../plugins/storage/sql';
import { manifest as sqliteManifest } from '../../../plugins/storage/sqlite';
import { dumpJson } from '../../../zaqar/common/json';
import { ConfigError } from '../../../zaqar/config/options';
import { UnknownPluginError } from '../../../zaqar/plugins/registry';
import type { ManagementStore, MessageStore } from '../../../zaqar/storage/interfaces';
import { uriScheme } from '../../../zaqar/storage/store-loader';
import { storeLoader } from '../../../zaqar/testing/stores';
import { makeTempDir, sqliteUri } from '../../helpers/storage-sqlite';

/** The SQLite `synchronous` level a store's database runs with (1 = NORMAL, 2 = FULL). */
function synchronousOf(store: MessageStore): string {
  return (store as unknown as { synchronousLevel(): string }).synchronousLevel();
}

describe('storage/store-loader', () => {
  let temp: ReturnType<typeof makeTempDir>;
  const opened: { close(): Promise<void> }[] = [];
  beforeEach(() => {
    temp = makeTempDir('zaqar-store-loader-');
  });
  afterEach(async () => {
    for (const store of opened.splice(0).reverse()) await store.close();
    temp.remove();
  });

  const loader = () => storeLoader([sqliteManifest, sqlManifest]);
  const file = (name: string) => sqliteUri(path.join(temp.dir, name));

  async function management(): Promise<ManagementStore> {
    const store = await loader().openManagementStore({ uri: file('management.sqlite') });
    opened.push(store);
    return store;
  }

  it('reads the scheme of a URI as Zaqar writes them', () => {
    expect(uriScheme('redis://h:6379')).to.equal('redis');
    expect(uriScheme('mysql+pymysql://u:p@h/db')).to.equal('mysql+pymysql');
    expect(uriScheme('sqlite:////tmp/x')).to.equal('sqlite');
    expect(uriScheme('MongoDB://h')).to.equal('mongodb');
    expect(uriScheme('no scheme here')).to.equal(undefined);
  });

  it('opens two SQLite message stores from two URIs with different option overrides, independent of each other', async () => {
    const control = await management();
    const fast = await loader().openMessageStore({ uri: file('fast.sqlite'), options: { synchronous: 'NORMAL' }, label: 'pool "fast"' }, control);
    opened.push(fast);
    const safe = await loader().openMessageStore({ uri: file('safe.sqlite'), options: { synchronous: 'FULL' }, label: 'pool "safe"' }, control);
    opened.push(safe);

    expect(synchronousOf(fast)).to.equal('NORMAL');
    expect(synchronousOf(safe)).to.equal('FULL');

    await control.queueController.create('q', {}, 'p');
    const [id] = await fast.messageController.post('q', [{ ttl: 300, delay: 0, body: 'on fast' }], 'c', 'p');
    expect(dumpJson((await fast.messageController.get('q', id, 'p')).body)).to.equal('"on fast"');
    expect(await safe.messageController.bulkGet('q', [id], 'p')).to.deep.equal([]);
    expect((await safe.queueDataController.stats('q', 'p')).messages.total).to.equal(0);
    expect((await fast.queueDataController.stats('q', 'p')).messages.total).to.equal(1);
  });

  it('opens stores of one plugin concurrently on first use (its module is loaded once)', async () => {
    const control = await management();
    const shared = loader();
    const stores = await Promise.all(['a', 'b', 'c'].map((name) => shared.openMessageStore({ uri: file(`${name}.sqlite`) }, control)));
    opened.push(...stores);
    expect(new Set(stores).size).to.equal(3);
  });

  it('picks the plugin by name when one is given, whatever the URI', async () => {
    const control = await management();
    const store = await loader().openMessageStore({ plugin: 'sqlite', options: { uri: file('named.sqlite') } }, control);
    opened.push(store);
    expect(await store.isAlive()).to.equal(true);
  });

  it('refuses a bad override with a ConfigError naming the instance, the group and the option', async () => {
    const control = await management();
    const failure = await loader()
      .openMessageStore({ uri: file('bad.sqlite'), options: { synchronous: 'SOMETIMES' }, label: 'pool "bad"' }, control)
      .catch((err: unknown) => err);
    expect(failure).to.be.instanceOf(ConfigError);
    expect(String(failure)).to.match(/^pool "bad" \[drivers:message_store:sqlite\] synchronous: /);
  });

  it('names the schemes it knows when no plugin opens a URI', () => {
    expect(() => loader().manifestFor('message_store', { uri: 'swift://u:p@/project' }))
      .to.throw(UnknownPluginError)
      .with.property('message', "unknown message_store URI scheme 'swift://' (available: sqlite://)");
  });
});
