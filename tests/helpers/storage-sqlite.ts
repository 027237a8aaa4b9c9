/**
 * Builds the SQLite storage plugins the way the server does: import the
 * manifest, load its DI module into a container, resolve the factory by
 * plugin name, call it with the store's option group.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Container } from 'inversify';
import { manifest as sqlManifest } from '../../plugins/storage/sql';
import { manifest as sqliteManifest } from '../../plugins/storage/sqlite';
import { TYPES } from '../../zaqar/bootstrap/tokens';
import { silentLogger } from '../../zaqar/common/logger';
import { type Config, ConfigError } from '../../zaqar/config/options';
import type { ControlDriverFactory, DataDriverFactory } from '../../zaqar/storage/factories';
import type { ControlDriver, DataDriver } from '../../zaqar/storage/interfaces';
import type { PluginManifest } from '../../zaqar/plugins/manifest';
import type { ControlFixture, DataFixture } from '../conformance/harness';

/**
 * The drivers get their option group as `options`; reading other groups
 * would be a bug. Errors about options are located like the real Config
 * does, minus the file.
 */
const unusedConfig: Config = {
  files: [],
  register: () => undefined,
  group: () => {
    throw new Error('storage drivers must not read config groups other than their own');
  },
  withOverrides() {
    return this;
  },
  sections: () => [],
  optionError: (group, option, reason) => new ConfigError(reason, { group, option }),
};

async function resolveFactory<T>(manifest: PluginManifest, token: symbol): Promise<T> {
  const container = new Container();
  container.loadSync(await manifest.load());
  return container.get<T>(token, { name: manifest.name });
}

export async function openSqliteDataDriver(options: Record<string, unknown>, control: ControlDriver): Promise<DataDriver> {
  const factory = await resolveFactory<DataDriverFactory>(sqliteManifest, TYPES.DataDriverFactory);
  return factory({ options, config: unusedConfig, logger: silentLogger, control });
}

export async function openSqlControlDriver(options: Record<string, unknown>): Promise<ControlDriver> {
  const factory = await resolveFactory<ControlDriverFactory>(sqlManifest, TYPES.ControlDriverFactory);
  return factory({ options, config: unusedConfig, logger: silentLogger });
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
