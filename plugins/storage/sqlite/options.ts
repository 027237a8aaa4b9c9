/**
 * `[drivers:message_store:sqlite]` — options of the embedded message store.
 *
 * Kept free of runtime dependencies: the plugin manifest imports this file
 * at start-up, long before the driver itself is loaded.
 */
import { ConfigError, type OptionGroup, type OptionSpec } from '../../../zaqar/config/options';

export const SQLITE_MESSAGE_STORE_GROUP = 'drivers:message_store:sqlite';

const SYNCHRONOUS_LEVELS = ['OFF', 'NORMAL', 'FULL'] as const;
export type SynchronousLevel = (typeof SYNCHRONOUS_LEVELS)[number];

const uri: OptionSpec = {
  name: 'uri',
  type: 'string',
  default: 'sqlite:///data/zaqar-messages.sqlite',
  help:
    'SQLAlchemy-style URI of the SQLite database file holding messages and claims: ' +
    'sqlite:///relative/path (relative to the working directory), sqlite:////absolute/path, ' +
    'or sqlite:// for a private in-memory database (lost on exit, not shared between processes). ' +
    'Several server processes may share one file.',
};

const synchronous: OptionSpec = {
  name: 'synchronous',
  type: 'string',
  default: 'FULL',
  choices: SYNCHRONOUS_LEVELS,
  help:
    'SQLite "synchronous" level; the database always runs in WAL mode. FULL syncs every ' +
    'commit to disk, so acknowledged messages survive a power loss. NORMAL syncs only at ' +
    'checkpoints: much faster, and in WAL mode still safe against crashes of the server ' +
    'process, but the last commits can be lost on power failure or an OS crash. OFF leaves ' +
    'syncing to the OS and may corrupt the database on power loss.',
};

const busyTimeout: OptionSpec = {
  name: 'busy_timeout',
  type: 'integer',
  default: 5000,
  min: 0,
  help:
    'Milliseconds a write waits for another process holding the database lock before the ' +
    'request fails with 503. Only matters when several server processes share the file.',
};

export const sqliteMessageStoreOptionGroup: OptionGroup = {
  name: SQLITE_MESSAGE_STORE_GROUP,
  help: 'Embedded SQLite message store.',
  options: [uri, synchronous, busyTimeout],
};

/** The resolved group, typed. */
export interface SqliteMessageStoreOptions {
  uri: string;
  synchronous: SynchronousLevel;
  busyTimeoutMs: number;
}

/**
 * Types the resolved option group. Missing keys take the declared defaults
 * (so a caller may pass a partial group, e.g. an overlay of a few options).
 */
export function readSqliteMessageStoreOptions(values: Record<string, unknown>): SqliteMessageStoreOptions {
  const pick = (spec: OptionSpec): unknown => values[spec.name] ?? spec.default;
  const invalid = (spec: OptionSpec, reason: string): ConfigError =>
    new ConfigError(reason, { group: SQLITE_MESSAGE_STORE_GROUP, option: spec.name });

  const uriValue = pick(uri);
  if (typeof uriValue !== 'string') throw invalid(uri, 'must be a string');

  const level = pick(synchronous);
  if (!SYNCHRONOUS_LEVELS.includes(level as SynchronousLevel)) {
    throw invalid(synchronous, `must be one of ${SYNCHRONOUS_LEVELS.join(', ')}`);
  }

  const timeout = pick(busyTimeout);
  if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 0) {
    throw invalid(busyTimeout, 'must be a non-negative integer');
  }

  return { uri: uriValue, synchronous: level as SynchronousLevel, busyTimeoutMs: timeout };
}
