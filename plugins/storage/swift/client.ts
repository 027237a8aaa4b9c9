/**
 * A small Swift client on undici: the few calls the store makes (container
 * and object GET/HEAD/PUT/POST/DELETE, account listing), authentication
 * (Keystone v3 password or tempauth v1.0), and the failure policy.
 *
 * - Keep-alive connections to the proxy, `connections` at most; no HTTP
 *   pipelining, so that one slow request (a PUT waiting for its container
 *   update) never holds up the requests queued behind it on a socket.
 * - Every request has a deadline (`timeout`).
 * - Requests that may be repeated safely are retried after a connection
 *   error, a timeout or a 5xx answer (`retries`); the others — a create-once
 *   PUT (`If-None-Match: *`) and a lock container PUT, whose repetition would
 *   answer "exists" for what the first attempt created — are not.
 * - 401: the token is obtained again (Keystone tokens expire), once per request.
 * - Whatever still fails becomes ConnectionError, which the API answers with
 *   503: a write is only acknowledged once Swift said it stored it.
 *
 * Why not the npm package `swift-client`: see README.md (dependencies).
 */
import { Agent, request } from 'undici';
import type { Logger } from '../../../zaqar/common/logger';
import { ConnectionError } from '../../../zaqar/storage/errors';
import type { SwiftStoreOptions } from './options';
import type { SwiftCredentials } from './uri';

export type Method = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE';

export interface SwiftResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

export interface SwiftRequest {
  method: Method;
  /** Container name (not encoded); absent for the account. */
  container?: string;
  /** Object name (not encoded). */
  object?: string;
  query?: Record<string, string | undefined>;
  headers?: Record<string, string>;
  body?: string;
  /** False for requests whose repetition could change their answer (see the module comment). Default: true. */
  idempotent?: boolean;
}

/** Delays before the retries of an idempotent request. */
const RETRY_DELAYS_MS = [100, 400, 1000];

interface Session {
  token: string;
  storageUrl: string;
}

function flatHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** `publicURL` (Zaqar's spelling) → `public`. */
function interfaceName(value: string): string {
  return value.replace(/URL$/i, '').toLowerCase();
}

/** True for tempauth-style auth URLs (`.../auth/v1.0`). */
export function isTempauthUrl(authUrl: string): boolean {
  return /\/(auth\/)?v1(\.0)?\/?$/.test(new URL(authUrl).pathname);
}

export class SwiftClient {
  private readonly agent: Agent;
  private session: Session | undefined;
  private authenticating: Promise<Session> | undefined;
  private closed = false;
  /** Requests sent to Swift (attempts, retries included), by method: the health report shows them (README: requests per operation). */
  readonly sent: Record<Method, number> = { GET: 0, HEAD: 0, PUT: 0, POST: 0, DELETE: 0 };

  constructor(
    private readonly credentials: SwiftCredentials,
    private readonly options: SwiftStoreOptions,
    private readonly logger: Logger,
  ) {
    this.agent = new Agent({
      connections: options.connections,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connect: { timeout: Math.min(options.timeoutMs, 5000), rejectUnauthorized: !options.insecure },
    });
  }

  get storageUrl(): string | undefined {
    return this.session?.storageUrl;
  }

  /** Obtains a token (and the storage URL) unless one is held. Throws ConnectionError. */
  async authenticate(force = false): Promise<Session> {
    if (!force && this.session) return this.session;
    if (!this.authenticating) {
      this.authenticating = (isTempauthUrl(this.options.authUrl) ? this.tempauth() : this.keystone())
        .then((session) => {
          this.session = session;
          return session;
        })
        .finally(() => {
          this.authenticating = undefined;
        });
    }
    return this.authenticating;
  }

  private async raw(url: string, init: { method: Method | 'POST'; headers?: Record<string, string>; body?: string }): Promise<SwiftResponse> {
    const response = await request(url, {
      method: init.method,
      headers: init.headers,
      body: init.body,
      dispatcher: this.agent,
      headersTimeout: this.options.timeoutMs,
      bodyTimeout: this.options.timeoutMs,
    });
    const text = init.method === 'HEAD' ? (await response.body.dump(), '') : await response.body.text();
    return { status: response.statusCode, headers: flatHeaders(response.headers), text };
  }

  /** Swift tempauth v1.0: `X-Auth-User: <project>:<user>`. */
  private async tempauth(): Promise<Session> {
    const { user, password, project } = this.credentials;
    let response: SwiftResponse;
    try {
      response = await this.raw(this.options.authUrl, { method: 'GET', headers: { 'x-auth-user': `${project}:${user}`, 'x-auth-key': password } });
    } catch (err) {
      throw new ConnectionError(`Swift tempauth at ${this.options.authUrl}: ${(err as Error).message}`);
    }
    const token = response.headers['x-auth-token'] ?? response.headers['x-storage-token'];
    const storageUrl = response.headers['x-storage-url'];
    if (response.status >= 300 || !token || !storageUrl) {
      throw new ConnectionError(`Swift tempauth at ${this.options.authUrl} answered ${response.status}`);
    }
    return { token, storageUrl };
  }

  /** Keystone v3 password authentication scoped to the project, then the object-store endpoint of the catalog. */
  private async keystone(): Promise<Session> {
    const { user, password, project } = this.credentials;
    const o = this.options;
    const base = o.authUrl.replace(/\/+$/, '');
    const url = `${/\/v3$/.test(base) ? base : `${base}/v3`}/auth/tokens`;
    const domain = (name: string | undefined, id: string | undefined) => (name ? { name } : { id: id ?? 'default' });
    const body = JSON.stringify({
      auth: {
        identity: { methods: ['password'], password: { user: { name: user, password, domain: domain(o.userDomainName, o.userDomainId) } } },
        scope: { project: { name: project, domain: domain(o.projectDomainName, o.projectDomainId) } },
      },
    });
    let response: SwiftResponse;
    try {
      response = await this.raw(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    } catch (err) {
      throw new ConnectionError(`Keystone at ${url}: ${(err as Error).message}`);
    }
    const token = response.headers['x-subject-token'];
    if (response.status !== 201 || !token) throw new ConnectionError(`Keystone at ${url} answered ${response.status} to the password authentication`);
    type Catalog = { type: string; endpoints: { interface: string; region?: string; region_id?: string; url: string }[] }[];
    const catalog = (JSON.parse(response.text) as { token?: { catalog?: Catalog } }).token?.catalog ?? [];
    const wanted = interfaceName(o.interface);
    const endpoint = catalog
      .filter((service) => service.type === 'object-store')
      .flatMap((service) => service.endpoints)
      .find((e) => e.interface === wanted && (!o.regionName || e.region_id === o.regionName || e.region === o.regionName));
    if (!endpoint) {
      throw new ConnectionError(`no object-store endpoint (interface ${wanted}${o.regionName ? `, region ${o.regionName}` : ''}) in the Keystone catalog`);
    }
    return { token, storageUrl: endpoint.url.replace(/\/+$/, '') };
  }

  private url(storageUrl: string, req: SwiftRequest): string {
    let url = storageUrl;
    if (req.container) url += `/${encodeURIComponent(req.container)}`;
    if (req.object !== undefined) url += `/${encodeURIComponent(req.object)}`;
    const query = Object.entries(req.query ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined);
    if (query.length) url += `?${new URLSearchParams(query).toString()}`;
    return url;
  }

  /**
   * One Swift request, with the policy of the module comment. Any status
   * below 500 (404, 412, ...) is returned for the caller to interpret.
   */
  async send(req: SwiftRequest): Promise<SwiftResponse> {
    if (this.closed) throw new ConnectionError('the Swift store is closed');
    // An empty object name would address the container itself: no such object.
    if (req.object === '') return { status: 404, headers: {}, text: '' };
    const idempotent = req.idempotent ?? true;
    let reauthenticated = false;
    for (let attempt = 0; ; attempt++) {
      let failure: string;
      try {
        const session = await this.authenticate();
        this.sent[req.method]++;
        const response = await this.raw(this.url(session.storageUrl, req), {
          method: req.method,
          headers: { ...req.headers, 'x-auth-token': session.token },
          body: req.body,
        });
        if (response.status === 401 && !reauthenticated) {
          reauthenticated = true;
          attempt--;
          await this.authenticate(true);
          continue;
        }
        if (response.status < 500) return response;
        failure = `${req.method} ${req.container ?? ''}/${req.object ?? ''}: Swift answered ${response.status}`;
      } catch (err) {
        if (err instanceof ConnectionError && !idempotent) throw err;
        failure = `${req.method} ${req.container ?? ''}/${req.object ?? ''}: ${(err as Error).message || (err as Error).name}`;
      }
      if (!idempotent || attempt >= Math.min(this.options.retries, RETRY_DELAYS_MS.length)) {
        throw new ConnectionError(failure);
      }
      this.logger.debug({ failure, attempt }, 'Swift request failed; retrying');
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[attempt]));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.agent.close();
  }
}
