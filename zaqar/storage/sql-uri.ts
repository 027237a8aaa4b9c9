/**
 * SQLAlchemy-style database URIs, as operators write them in zaqar.conf
 * (`[drivers:management_store:sqlalchemy] uri`, and our own
 * `[drivers:message_store:sqlite] uri`).
 *
 * Only SQLite is supported: it is embedded, so it needs no connection pool.
 * The forms follow SQLAlchemy exactly, so a zaqar.conf written for the
 * Python server keeps working:
 *
 *   sqlite://                     in-memory database
 *   sqlite:///:memory:            in-memory database
 *   sqlite:///relative/path.db    relative to the process working directory
 *   sqlite:////absolute/path.db   absolute path
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Config, ConfigError } from '../config/options';

/** Where a SQLite database lives. */
export type SqliteLocation = { kind: 'memory' } | { kind: 'file'; path: string };

export interface SqlUriOptions {
  /** Base for relative paths; defaults to `process.cwd()` (as SQLAlchemy does). */
  cwd?: string;
  /** Config group the URI came from (option `uri`), named in error messages. */
  group?: string;
  /** With `group`: errors come from `config.optionError`, which also names the file that set the URI. */
  config?: Pick<Config, 'optionError'>;
}

const SQLITE_SCHEMES = new Set(['sqlite', 'sqlite+pysqlite']);
/** Server databases that SQLAlchemy reaches through a connection pool. */
const POOLED_SERVER_DATABASES = /^(postgres|postgresql|mysql|mariadb)(\+[a-z0-9_]+)?$/;

/** Parses a database URI; throws ConfigError for anything that is not a usable SQLite URI. */
export function parseSqlUri(uri: string, options: SqlUriOptions = {}): SqliteLocation {
  const invalid = (reason: string): ConfigError =>
    options.config && options.group
      ? options.config.optionError(options.group, 'uri', reason)
      : new ConfigError(reason, { group: options.group, option: 'uri' });

  const schemeEnd = uri.indexOf('://');
  if (schemeEnd <= 0) throw invalid(`"${uri}" is not a database URI (expected e.g. sqlite:///data/zaqar.sqlite)`);
  const scheme = uri.slice(0, schemeEnd).toLowerCase();
  const rest = uri.slice(schemeEnd + 3);

  if (POOLED_SERVER_DATABASES.test(scheme)) {
    throw invalid(
      `database URI scheme "${scheme}://" is not supported yet: PostgreSQL and MySQL stores come with ` +
        `connection pooling, which this server does not implement; use a sqlite:// URI`,
    );
  }
  if (!SQLITE_SCHEMES.has(scheme)) throw invalid(`unsupported database URI scheme "${scheme}://"; use a sqlite:// URI`);
  if (rest.includes('?')) throw invalid(`query parameters are not supported in SQLite URIs ("${uri}")`);

  // SQLAlchemy: everything before the first "/" is the (empty) host part,
  // the rest is the database path.
  if (rest === '') return { kind: 'memory' };
  const slash = rest.indexOf('/');
  const host = slash < 0 ? rest : rest.slice(0, slash);
  if (host !== '') {
    throw invalid(`SQLite URIs have no host part: use sqlite:///relative.db or sqlite:////absolute.db ("${uri}")`);
  }

  let database: string;
  try {
    database = decodeURIComponent(rest.slice(slash + 1));
  } catch {
    throw invalid(`malformed percent-encoding in "${uri}"`);
  }
  if (database === '' || database === ':memory:') return { kind: 'memory' };
  return { kind: 'file', path: path.resolve(options.cwd ?? process.cwd(), database) };
}

/**
 * The filename to hand to the SQLite library for `uri`: `:memory:` or an
 * absolute path whose parent directory has been created if it was missing
 * (the default `sqlite:///data/...` must work in a fresh checkout).
 */
export function sqliteFilename(uri: string, options: SqlUriOptions = {}): string {
  const location = parseSqlUri(uri, options);
  if (location.kind === 'memory') return ':memory:';
  fs.mkdirSync(path.dirname(location.path), { recursive: true });
  return location.path;
}
