/**
 * From Zaqar's connection options to a MongoClient (options.ts): the
 * URI as the driver needs it, TLS settings, and the timeouts that make a
 * down server fail fast (the API then answers 503) instead of hanging.
 */
import { readFileSync } from 'node:fs';
import type { MongoClientOptions } from 'mongodb';
import type { MongoConnectionOptions } from './options';

/**
 * How long an operation waits for a usable server. pymongo's 30 s would hold
 * every request of an outage for half a minute; a few seconds give clients
 * a quick 503 ("Please try again in a few seconds"). The client keeps
 * monitoring the server and recovers by itself when it answers again.
 */
export const SERVER_SELECTION_TIMEOUT_MS = 3000;
export const CONNECT_TIMEOUT_MS = 5000;
/** A server that stops answering on an open socket fails the request rather than hanging it forever. */
export const SOCKET_TIMEOUT_MS = 30_000;

/**
 * Zaqar accepts any scheme prefix (`mongodb.fifo://`, pools' own schemes)
 * and connects with `mongodb://` (driver.py `_connection`). `mongodb+srv://`
 * is kept: rewriting it would turn a DNS seed list into a host name.
 */
export function normaliseUri(uri: string): string {
  const at = uri.indexOf('://');
  if (at < 0) return `mongodb://${uri}`;
  const scheme = uri.slice(0, at).toLowerCase();
  if (scheme === 'mongodb+srv') return uri;
  return `mongodb://${uri.slice(at + 3)}`;
}

/** The URI's query options, keys lower-cased (MongoDB URI options are case-insensitive). */
export function uriOptions(uri: string): Map<string, string> {
  const options = new Map<string, string>();
  const query = uri.split('?')[1];
  if (!query) return options;
  for (const pair of query.split('&')) {
    const [key, value = ''] = pair.split('=');
    if (key) options.set(decodeURIComponent(key).toLowerCase(), decodeURIComponent(value));
  }
  return options;
}

/** How often the driver checks its servers (the driver's default is 10 s). */
const HEARTBEAT_FREQUENCY_MS = 2000;

/** Zaqar applies the ssl_* options only when the URI says `ssl=true` (any case). */
export function wantsTls(uri: string): boolean {
  return uri.toLowerCase().includes('ssl=true');
}

/**
 * MongoClient options: Zaqar's ssl_* files when TLS is on, and our fail-fast
 * timeouts unless the URI sets its own (the options object would override
 * the URI, so ours are only added when absent).
 */
export function clientOptions(options: MongoConnectionOptions, readFile: (path: string) => Buffer = readFileSync): MongoClientOptions {
  const fromUri = uriOptions(options.uri);
  const result: MongoClientOptions = {};
  if (!fromUri.has('serverselectiontimeoutms')) result.serverSelectionTimeoutMS = SERVER_SELECTION_TIMEOUT_MS;
  if (!fromUri.has('connecttimeoutms')) result.connectTimeoutMS = CONNECT_TIMEOUT_MS;
  if (!fromUri.has('sockettimeoutms')) result.socketTimeoutMS = SOCKET_TIMEOUT_MS;
  // Recover within seconds of the server coming back: check a lost server
  // every 2 s rather than every 10 s. Plain polling (not the streaming
  // `hello` protocol) so any MongoDB-compatible server can be monitored.
  if (!fromUri.has('heartbeatfrequencyms')) result.heartbeatFrequencyMS = HEARTBEAT_FREQUENCY_MS;
  if (!fromUri.has('servermonitoringmode')) result.serverMonitoringMode = 'poll';

  if (wantsTls(options.uri)) {
    result.tls = true;
    if (options.sslKeyfile) result.key = readFile(options.sslKeyfile);
    if (options.sslCertfile) result.cert = readFile(options.sslCertfile);
    if (options.sslCaCerts) result.ca = readFile(options.sslCaCerts);
    // Python's CERT_NONE skips verification; CERT_OPTIONAL still verifies a
    // certificate the server presents (and servers always present one), so
    // it behaves as CERT_REQUIRED, as does any unknown value.
    if (options.sslCertReqs === 'CERT_NONE') {
      result.tlsAllowInvalidCertificates = true;
      result.tlsAllowInvalidHostnames = true;
    }
  }
  return result;
}

/** The URI without credentials, for logs and error messages. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, '//***@');
}
