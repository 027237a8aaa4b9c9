/**
 * SQLAlchemy-style database URIs, as operators write them in zaqar.conf
 * (`[drivers:management_store:sqlalchemy] uri`, and our own
 * `[drivers:message_store:sqlite] uri`). The forms follow SQLAlchemy 1.4's
 * `sqlalchemy.engine.url.make_url`, so a zaqar.conf written for the Python
 * server keeps working:
 *
 *   sqlite://                     in-memory database
 *   sqlite:///:memory:            in-memory database
 *   sqlite:///relative/path.db    relative to the process working directory
 *   sqlite:////absolute/path.db   absolute path
 *   mysql+pymysql://user:pass@host:3306/zaqar?charset=utf8
 *   postgresql+psycopg2://user:pass@host:5432/zaqar
 *
 * As in SQLAlchemy, user and password are percent-decoded (a password with
 * `@`, `:` or `/` must be written %40, %3A, %2F); host and database name
 * are taken as written; query options are `key=value` pairs, percent- and
 * `+`-decoded, the last one winning when a key repeats. (The SQLite path is
 * percent-decoded, as this module always did.)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Config, ConfigError } from '../config/options';

/** Where a SQLite database lives. */
export type SqliteLocation = { kind: 'memory' } | { kind: 'file'; path: string };

/** A MySQL/MariaDB or PostgreSQL database reached over the network (or a local socket). */
export interface ServerDatabaseUri {
  dialect: 'mysql' | 'postgresql';
  /** The scheme as written, lower-cased (`mysql+pymysql`). */
  scheme: string;
  user?: string;
  password?: string;
  host?: string;
  port?: number;
  database?: string;
  /** Query options (`?charset=utf8`), for the driver to map or ignore. */
  query: Record<string, string>;
}

export type DatabaseUri = { dialect: 'sqlite'; location: SqliteLocation } | ServerDatabaseUri;

export interface SqlUriOptions {
  /** Base for relative paths; defaults to `process.cwd()` (as SQLAlchemy does). */
  cwd?: string;
  /** Config group the URI came from (option `uri`), named in error messages. */
  group?: string;
  /** With `group`: errors come from `config.optionError`, which also names the file that set the URI. */
  config?: Pick<Config, 'optionError'>;
}

const SQLITE_SCHEMES = ['sqlite', 'sqlite+pysqlite'] as const;
const MYSQL_SCHEMES = ['mysql', 'mysql+pymysql', 'mysql+mysqldb', 'mariadb', 'mariadb+pymysql', 'mariadb+mysqldb'] as const;
const POSTGRESQL_SCHEMES = ['postgresql', 'postgresql+psycopg2', 'postgres'] as const;

/** Every scheme `parseDatabaseUri` accepts (the SQL management store's manifest lists them). */
export const SQL_URI_SCHEMES: readonly string[] = [...SQLITE_SCHEMES, ...MYSQL_SCHEMES, ...POSTGRESQL_SCHEMES];

function dialectOf(scheme: string): DatabaseUri['dialect'] | undefined {
  if ((SQLITE_SCHEMES as readonly string[]).includes(scheme)) return 'sqlite';
  if ((MYSQL_SCHEMES as readonly string[]).includes(scheme)) return 'mysql';
  if ((POSTGRESQL_SCHEMES as readonly string[]).includes(scheme)) return 'postgresql';
  return undefined;
}

/**
 * `sqlalchemy.engine.url._parse_url`'s pattern, after the scheme: user and
 * password up to the first `@`, host (or `[ipv6]`), port, `/database`,
 * `?query`.
 */
const SERVER_URI = /^(?:([^:/]*)(?::([^@]*))?@)?(?:(?:\[([^/?]+)\]|([^/:?]+))?(?::([^/?]*))?)?(?:\/([^?]*))?(?:\?(.*))?$/s;

type Invalid = (reason: string) => ConfigError;

function invalidFactory(options: SqlUriOptions): Invalid {
  return (reason) =>
    options.config && options.group
      ? options.config.optionError(options.group, 'uri', reason)
      : new ConfigError(reason, { group: options.group, option: 'uri' });
}

/** Parses a database URI of any supported dialect; throws ConfigError for anything else. */
export function parseDatabaseUri(uri: string, options: SqlUriOptions = {}): DatabaseUri {
  const invalid = invalidFactory(options);
  const schemeEnd = uri.indexOf('://');
  if (schemeEnd <= 0) throw invalid(`"${uri}" is not a database URI (expected e.g. sqlite:///data/zaqar.sqlite)`);
  const scheme = uri.slice(0, schemeEnd).toLowerCase();
  const rest = uri.slice(schemeEnd + 3);
  const dialect = dialectOf(scheme);
  if (dialect === undefined) {
    throw invalid(
      `unsupported database URI scheme "${scheme}://"; use sqlite://, mysql+pymysql:// (MySQL, MariaDB) or postgresql:// (PostgreSQL)`,
    );
  }
  if (dialect === 'sqlite') return { dialect, location: sqliteLocation(uri, rest, invalid, options.cwd) };
  return parseServerUri(uri, scheme, dialect, rest, invalid);
}

/** Parses a SQLite URI; throws ConfigError for anything that is not a usable SQLite URI. */
export function parseSqlUri(uri: string, options: SqlUriOptions = {}): SqliteLocation {
  const invalid = invalidFactory(options);
  const schemeEnd = uri.indexOf('://');
  if (schemeEnd <= 0) throw invalid(`"${uri}" is not a database URI (expected e.g. sqlite:///data/zaqar.sqlite)`);
  const scheme = uri.slice(0, schemeEnd).toLowerCase();
  const dialect = dialectOf(scheme);
  if (dialect === 'mysql' || dialect === 'postgresql') {
    throw invalid(`database URI scheme "${scheme}://" names a database server; this store keeps its data in SQLite: use a sqlite:// URI`);
  }
  if (dialect !== 'sqlite') throw invalid(`unsupported database URI scheme "${scheme}://"; use a sqlite:// URI`);
  return sqliteLocation(uri, uri.slice(schemeEnd + 3), invalid, options.cwd);
}

function sqliteLocation(uri: string, rest: string, invalid: Invalid, cwd: string | undefined): SqliteLocation {
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
  return { kind: 'file', path: path.resolve(cwd ?? process.cwd(), database) };
}

function parseServerUri(
  uri: string,
  scheme: string,
  dialect: ServerDatabaseUri['dialect'],
  rest: string,
  invalid: Invalid,
): ServerDatabaseUri {
  const match = SERVER_URI.exec(rest);
  // The password is never repeated in a message: the URI is shown with it masked.
  const shown = redactDatabaseUri(uri);
  if (match === null) throw invalid(`cannot parse database URI "${shown}"`);
  const [, user, password, ipv6Host, host, port, database, query] = match;

  const decode = (text: string, what: string): string => {
    try {
      return decodeURIComponent(text);
    } catch {
      throw invalid(`malformed percent-encoding in the ${what} of "${shown}"`);
    }
  };
  const parsed: ServerDatabaseUri = { dialect, scheme, query: {} };
  if (user !== undefined && user !== '') parsed.user = decode(user, 'user name');
  if (password !== undefined) parsed.password = decode(password, 'password');
  const hostName = ipv6Host ?? host;
  if (hostName) parsed.host = hostName;
  if (port !== undefined && port !== '') {
    const number = /^\d+$/.test(port) ? Number(port) : NaN;
    if (!(number >= 1 && number <= 65535)) throw invalid(`invalid port "${port}" in "${shown}"`);
    parsed.port = number;
  }
  if (database) parsed.database = database;
  if (query) {
    for (const pair of query.split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      const key = decode((eq < 0 ? pair : pair.slice(0, eq)).replace(/\+/g, ' '), 'query');
      parsed.query[key] = eq < 0 ? '' : decode(pair.slice(eq + 1).replace(/\+/g, ' '), 'query');
    }
  }
  if (dialect === 'mysql' && parsed.database === undefined) {
    throw invalid(`the MySQL URI "${shown}" names no database (expected ${scheme}://user:password@host/zaqar)`);
  }
  return parsed;
}

/** `uri` with its password replaced by `***`, for logs and error messages. */
export function redactDatabaseUri(uri: string): string {
  return uri.replace(/^([^:/?]+:\/\/[^:/@]*:)[^@]*@/, '$1***@');
}

/**
 * The filename to hand to the SQLite library for `uri`: `:memory:` or an
 * absolute path whose parent directory has been created if it was missing
 * (the default `sqlite:///data/...` must work in a fresh checkout).
 */
export function sqliteFilename(uri: string, options: SqlUriOptions = {}): string {
  return sqliteLocationFilename(parseSqlUri(uri, options));
}

/** As `sqliteFilename`, for an already parsed location. */
export function sqliteLocationFilename(location: SqliteLocation): string {
  if (location.kind === 'memory') return ':memory:';
  fs.mkdirSync(path.dirname(location.path), { recursive: true });
  return location.path;
}
