/**
 * What a plugin author tests a store with (`import ... from 'zaqar-ts/testing'`):
 * the storage conformance suites (Zaqar's per-controller contract tests,
 * zaqar/tests/unit/storage/base.py, as mocha suites) and helpers that open
 * a store plugin the way the server does.
 *
 *     describeMessageStoreConformance('mystore', () =>
 *       messageStoreFixture(
 *         () => openManagementStore(sqlManifest, { uri: 'sqlite://' }),
 *         (management) => openMessageStore(myManifest, { uri: 'mystore://localhost' }, management),
 *         () => dropEverything(),
 *       ),
 *     );
 *
 * Needs mocha (the suites call `describe`/`it`), chai and sinon.
 */
export * from './conformance';
export { defaultConfig, managementStoreFixture, messageStoreFixture, openManagementStore, openMessageStore, storeLoader } from './stores';
