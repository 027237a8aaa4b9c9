/**
 * A store plugin tested the way an out-of-tree author tests theirs: the
 * suites and helpers come from the package (`zaqar-ts/testing`, resolved
 * through package.json's exports as `require('zaqar-ts/testing')` would in
 * another project), the plugin from a folder outside plugins/ (the counting
 * store of tests/fixtures, a wrapper of the SQLite store).
 */
import * as path from 'node:path';
import { manifest as sqlManifest } from '../../plugins/storage/sql';
import { describeMessageStoreConformance, messageStoreFixture, openManagementStore, openMessageStore } from 'zaqar-ts/testing';
import { manifest as countingManifest } from '../fixtures/plugins/counting-store';
import { makeTempDir, sqliteUri } from '../helpers/storage-sqlite';

describeMessageStoreConformance('the counting store of tests/fixtures, through zaqar-ts/testing', async () => {
  const temp = makeTempDir('zaqar-out-of-tree-');
  return messageStoreFixture(
    () => openManagementStore(sqlManifest, { uri: sqliteUri(path.join(temp.dir, 'management.sqlite')) }),
    (management) => openMessageStore(countingManifest, { uri: sqliteUri(path.join(temp.dir, 'messages.sqlite')), label: 'conformance' }, management),
    () => temp.remove(),
  );
});
