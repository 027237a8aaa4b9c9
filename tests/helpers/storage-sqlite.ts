/**
 * The SQLite storage plugins built the way the server builds them
 * (helpers/storage-drivers.ts), on temporary files.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { manifest as sqlManifest } from '../../plugins/storage/sql';
import { manifest as sqliteManifest } from '../../plugins/storage/sqlite';
import type { ManagementStore, MessageStore } from '../../zaqar/storage/interfaces';
import type { ManagementStoreFixture, MessageStoreFixture } from '../../zaqar/testing/conformance/harness';
import { managementStoreFixture, messageStoreFixture, openManagementStore, openMessageStore } from '../../zaqar/testing/stores';

export async function openSqliteMessageStore(options: Record<string, unknown>, control: ManagementStore): Promise<MessageStore> {
  return openMessageStore(sqliteManifest, options, control);
}

export async function openSqlManagementStore(options: Record<string, unknown>): Promise<ManagementStore> {
  return openManagementStore(sqlManifest, options);
}

/** A fresh temporary directory, removed by the returned function. */
export function makeTempDir(prefix: string): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** `sqlite:////abs/path` for a file. */
export function sqliteUri(file: string): string {
  return `sqlite:///${path.resolve(file)}`;
}

/** Fresh message store + management store, each in its own temp file (a real WAL file, not :memory:). */
export async function makeSqliteMessageStoreFixture(): Promise<MessageStoreFixture> {
  const temp = makeTempDir('zaqar-sqlite-');
  return messageStoreFixture(
    () => openSqlManagementStore({ uri: sqliteUri(path.join(temp.dir, 'management.sqlite')) }),
    (management) =>
      openSqliteMessageStore({ uri: sqliteUri(path.join(temp.dir, 'messages.sqlite')), synchronous: 'NORMAL', busy_timeout: 5000 }, management),
    () => temp.remove(),
  );
}

/** Fresh management store in a temp file. */
export async function makeSqlManagementStoreFixture(): Promise<ManagementStoreFixture> {
  const temp = makeTempDir('zaqar-sql-');
  return managementStoreFixture(() => openSqlManagementStore({ uri: sqliteUri(path.join(temp.dir, 'management.sqlite')) }), () => temp.remove());
}
