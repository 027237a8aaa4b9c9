/**
 * The SQLite storage plugins built the way the server builds them
 * (helpers/storage-drivers.ts), on temporary files.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { manifest as sqlManifest } from '../../plugins/storage/sql';
import { manifest as sqliteManifest } from '../../plugins/storage/sqlite';
import type { ControlDriver, DataDriver } from '../../zaqar/storage/interfaces';
import type { ControlFixture, DataFixture } from '../conformance/harness';
import { openControlDriver, openDataDriver } from './storage-drivers';

export async function openSqliteDataDriver(options: Record<string, unknown>, control: ControlDriver): Promise<DataDriver> {
  return openDataDriver(sqliteManifest, options, control);
}

export async function openSqlControlDriver(options: Record<string, unknown>): Promise<ControlDriver> {
  return openControlDriver(sqlManifest, options);
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
export async function makeSqliteDataFixture(): Promise<DataFixture> {
  const temp = makeTempDir('zaqar-sqlite-');
  const control = await openSqlControlDriver({ uri: sqliteUri(path.join(temp.dir, 'management.sqlite')) });
  const data = await openSqliteDataDriver(
    { uri: sqliteUri(path.join(temp.dir, 'messages.sqlite')), synchronous: 'NORMAL', busy_timeout: 5000 },
    control,
  );
  return {
    data,
    control,
    async cleanup() {
      await data.close();
      await control.close();
      temp.remove();
    },
  };
}

/** Fresh management store in a temp file. */
export async function makeSqlControlFixture(): Promise<ControlFixture> {
  const temp = makeTempDir('zaqar-sql-');
  const control = await openSqlControlDriver({ uri: sqliteUri(path.join(temp.dir, 'management.sqlite')) });
  return {
    control,
    async cleanup() {
      await control.close();
      temp.remove();
    },
  };
}
