/**
 * The `uri` option of the Redis stores, parsed as Zaqar's
 * `zaqar.storage.redis.driver.ConnectionURI` does:
 *
 *   redis://[:password]@host[:port][?options]            TCP (port 6379)
 *   redis://password@host[:port][?options]                TCP, the reference's form
 *   redis:/path/to/redis.sock[?options]                   unix socket
 *   redis:[:password]@/path/to/redis.sock[?options]       unix socket with password
 *   redis://[pw@]host1[:port1],host2[:port2]?master=name  Sentinel (port 26379)
 *
 * Options: `socket_timeout` (seconds), `dbid` (database number, default 0),
 * `master` (selects Sentinel mode).
 *
 * Passwords: the reference takes everything before `@` as the password, so
 * `redis://pw@host` authenticates with `pw`, while the documented form
 * `redis://:pw@host` would send `:pw`. Both forms work here: a leading `:`
 * is dropped (there is no user part; Redis ACL users are not supported by
 * Zaqar's URIs either), anything else before `@` is the password verbatim,
 * colons included.
 *
 * Problems are ConfigErrors with the reference's messages, so a bad URI
 * stops start-up with a one-line message naming the option.
 */
export const REDIS_DEFAULT_PORT = 6379;
export const SENTINEL_DEFAULT_PORT = 26379;

export interface HostPort {
  host: string;
  port: number;
}

interface Common {
  password?: string;
  /** Database number (`SELECT`). */
  dbid: number;
  /** `socket_timeout` in milliseconds, when the URI sets one. */
  socketTimeoutMs?: number;
}

export type RedisTarget =
  | (Common & { kind: 'tcp'; host: string; port: number })
  | (Common & { kind: 'unix'; path: string })
  | (Common & { kind: 'sentinel'; sentinels: HostPort[]; master: string });

/** Raised for a URI the reference would refuse too; the caller locates it (group, option). */
export class RedisUriError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisUriError';
  }
}

export function parseRedisUri(uri: string): RedisTarget {
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri);
  if (!schemeMatch || schemeMatch[1].toLowerCase() !== 'redis') {
    throw new RedisUriError('Invalid scheme in Redis URI');
  }
  let rest = uri.slice(schemeMatch[0].length);
  // urlsplit: a fragment is not part of anything we read.
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);

  let netloc = '';
  if (rest.startsWith('//')) {
    const end = rest.slice(2).search(/[/?]/);
    netloc = end < 0 ? rest.slice(2) : rest.slice(2, 2 + end);
    rest = end < 0 ? '' : rest.slice(2 + end);
  }
  const question = rest.indexOf('?');
  let path = question < 0 ? rest : rest.slice(0, question);
  const query = parseQuery(question < 0 ? '' : rest.slice(question + 1));

  // The password is everything before '@' (in the path for hostless URIs).
  let password: string | undefined;
  const atInPath = path.indexOf('@');
  if (atInPath >= 0) {
    password = path.slice(0, atInPath);
    path = path.slice(atInPath + 1);
  }
  const atInNetloc = netloc.indexOf('@');
  if (atInNetloc >= 0) {
    password = netloc.slice(0, atInNetloc);
    netloc = netloc.slice(atInNetloc + 1);
  }
  if (password !== undefined && password.startsWith(':')) password = password.slice(1);

  const common: Common = { dbid: parseDbid(query.get('dbid')) };
  if (password) common.password = password;
  const timeout = query.get('socket_timeout');
  if (timeout !== undefined) common.socketTimeoutMs = parseSocketTimeout(timeout);

  const master = query.get('master');
  if (master !== undefined) {
    const sentinels = netloc
      .split(',')
      .filter((entry) => entry !== '')
      .map((entry) => {
        const colon = entry.indexOf(':');
        if (colon < 0) return { host: entry, port: SENTINEL_DEFAULT_PORT };
        return { host: entry.slice(0, colon), port: parsePort(entry.slice(colon + 1), SENTINEL_DEFAULT_PORT) };
      });
    if (sentinels.length === 0 || sentinels.some((s) => s.host === '')) {
      throw new RedisUriError('The Redis configuration URI does not define any sentinel hosts');
    }
    if (master === '') throw new RedisUriError('The Redis configuration URI names an empty sentinel "master"');
    return { ...common, kind: 'sentinel', sentinels, master };
  }

  if (netloc !== '') {
    if (netloc.includes(',')) {
      throw new RedisUriError(
        'The Redis URI specifies multiple sentinel hosts, but is missing the "master" query string parameter. ' +
          'Please set "master" to the name of the Redis master server as specified in the sentinel configuration file.',
      );
    }
    const { host, port } = splitHostPort(netloc);
    if (host === '') throw new RedisUriError('Missing host name in Redis URI');
    return { ...common, kind: 'tcp', host, port };
  }

  if (path === '') throw new RedisUriError('Missing path in Redis URI');
  return { ...common, kind: 'unix', path };
}

/** A human-readable address for logs and errors (no password). */
export function describeTarget(target: RedisTarget): string {
  switch (target.kind) {
    case 'tcp':
      return `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
    case 'unix':
      return target.path;
    case 'sentinel':
      return `sentinel master "${target.master}" via ${target.sentinels.map((s) => `${s.host}:${s.port}`).join(',')}`;
  }
}

/** Python's `parse_qsl` into a map; a repeated key keeps its last value, as `dict()` does. */
function parseQuery(query: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const [key, value] of new URLSearchParams(query)) values.set(key, value);
  return values;
}

/** `host[:port]` or `[v6]:port`; the host lower-cased as urllib's `hostname` is. */
function splitHostPort(netloc: string): HostPort {
  let host: string;
  let portText: string | undefined;
  if (netloc.startsWith('[')) {
    const close = netloc.indexOf(']');
    if (close < 0) throw new RedisUriError('Malformed Redis URI');
    host = netloc.slice(1, close);
    const after = netloc.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) throw new RedisUriError('Malformed Redis URI');
    portText = after === '' ? undefined : after.slice(1);
  } else {
    const colon = netloc.lastIndexOf(':');
    host = colon < 0 ? netloc : netloc.slice(0, colon);
    portText = colon < 0 ? undefined : netloc.slice(colon + 1);
  }
  return { host: host.toLowerCase(), port: parsePort(portText, REDIS_DEFAULT_PORT) };
}

function parsePort(text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new RedisUriError('The Redis configuration URI contains an invalid port');
  return port;
}

function parseDbid(text: string | undefined): number {
  if (text === undefined) return 0;
  if (!/^\s*[+-]?\d+\s*$/.test(text) || Number(text) < 0) {
    throw new RedisUriError(`The Redis configuration URI contains an invalid dbid '${text}'`);
  }
  return Number(text);
}

function parseSocketTimeout(text: string): number {
  const seconds = Number(text);
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new RedisUriError(`The Redis configuration URI contains an invalid socket_timeout '${text}'`);
  }
  return seconds * 1000;
}
