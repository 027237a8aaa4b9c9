/**
 * The conformance suites against the Swift message store (plugin `swift`),
 * built through its manifest and DI module, on a real Swift all-in-one
 * (tools/services/swift.ts, tempauth), each test on an account of its own.
 * The management store is the SQL store on SQLite in memory.
 *
 * The store takes "now" from this process's clock for every expiry
 * (X-Delete-At is written from it, and reads compare with it), so the
 * suites' fake clock works here too and nothing is skipped; what Swift
 * itself does with time (deleting expired objects, the expirer) is tested
 * for real in tests/integration/swift-store.spec.ts.
 */
import { manifest as swiftManifest } from '../../plugins/storage/swift';
import { openSqlManagementStore } from '../helpers/storage-sqlite';
import { skipUnlessAvailable } from '../../tools/services/process';
import { SwiftServer, swiftMissing } from '../../tools/services/swift';
import { describeMessageStoreConformance } from '../../zaqar/testing/conformance';
import { messageStoreFixture, openMessageStore } from '../../zaqar/testing/stores';

describe('swift', function () {
  // A real server: leave room for slow machines (mocha's default is 2 s).
  this.timeout(60_000);
  let swift: SwiftServer | undefined;

  before(async function () {
    skipUnlessAvailable(this, swiftMissing());
    swift = await SwiftServer.start();
  });
  after(async () => {
    await swift?.close();
  });

  const makeFixture = () =>
    messageStoreFixture(
      () => openSqlManagementStore({ uri: 'sqlite://' }),
      (management) => openMessageStore(swiftManifest, swift!.freshStoreOptions(), management),
    );

  describeMessageStoreConformance('swift', makeFixture);
});
