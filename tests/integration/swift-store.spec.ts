/**
 * What Swift itself does with time, on a real Swift with its object expirer
 * running (tools/services/swift.ts, `expirer: true`, 1 s interval): a
 * message (and a claim) written with X-Delete-At is unreadable once the time
 * has passed, and the expirer then removes its name from the container
 * listing, so listings do not keep expired names for ever. The conformance
 * suite (tests/conformance/swift.spec.ts) covers the store's own handling of
 * expiry with a fake clock.
 *
 * The store is opened directly (the API's minimum TTL is 60 s; the store
 * takes any). Needs Debian's Swift (skips with a reason otherwise; fails
 * under CI=true).
 */
import { expect } from 'chai';
import { manifest as swiftManifest } from '../../plugins/storage/swift';
import { skipUnlessAvailable, waitUntil } from '../../tools/services/process';
import { SwiftServer, swiftMissing } from '../../tools/services/swift';
import type { ManagementStore, MessageStore } from '../../zaqar/storage/interfaces';
import { openMessageStore } from '../../zaqar/testing/stores';
import { openSqlManagementStore } from '../helpers/storage-sqlite';

describe('integration: Swift expiry with the object expirer', function () {
  this.timeout(120_000);
  let swift: SwiftServer | undefined;
  let management: ManagementStore | undefined;
  let store: MessageStore | undefined;

  before(async function () {
    skipUnlessAvailable(this, swiftMissing());
    swift = await SwiftServer.start({ expirer: true });
    management = await openSqlManagementStore({ uri: 'sqlite://' });
    store = await openMessageStore(swiftManifest, swift.storeOptions(), management);
  });
  after(async () => {
    await store?.close();
    await management?.close();
    await swift?.close();
  });

  it('hides an expired message at once and the expirer drops its name from the listing', async () => {
    await management!.queueController.create('ttl', {}, 'p');
    const [short] = await store!.messageController.post('ttl', [{ ttl: 2, delay: 0, body: 'short' }], 'c0ffee00-0000-4000-8000-000000000001', 'p');
    const [long] = await store!.messageController.post('ttl', [{ ttl: 300, delay: 0, body: 'long' }], 'c0ffee00-0000-4000-8000-000000000001', 'p');
    expect((await swift!.names('zaqar_message:ttl:p')).sort()).to.deep.equal([short, long].sort());

    const started = Date.now();
    await waitUntil(async () => (await store!.messageController.list('ttl', 'p', { echo: true })).items.length === 1, 10_000, 'the short message is no longer listed');
    const hiddenMs = Date.now() - started;
    const listed = await store!.messageController.list('ttl', 'p', { echo: true });
    expect(listed.items.map((m) => m.id)).to.deep.equal([long]);

    await waitUntil(async () => (await swift!.names('zaqar_message:ttl:p')).length === 1, 60_000, 'the expirer removes the expired name');
    const removedMs = Date.now() - started;
    expect(await swift!.names('zaqar_message:ttl:p')).to.deep.equal([long]);
    console.log(`      ttl 2 s: unlisted by the store ${hiddenMs} ms after posting, name gone from the container listing after ${removedMs} ms (expirer interval 1 s)`);
  });
});
