/**
 * JSON over HTTP(S) to Keystone, as a keystoneauth1 session does it for
 * auth_token: persistent connections, the TLS options of
 * [keystone_authtoken] (`cafile`, `certfile`, `keyfile`, `insecure`), a
 * timeout on every request, and connection failures retried
 * `http_request_max_retries` times with keystoneauth's back-off (0.5 s,
 * doubling). An HTTP answer, whatever its status, is returned, not thrown.
 *
 * Node's own http/https modules: undici is only a development dependency
 * of this package, and Node's fetch takes no CA file without it.
 */
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { jsonOrUndefined } from '../../../zaqar/common/json';

export interface HttpSettings {
  /** Seconds a request may take, connection included. */
  timeoutSeconds: number;
  /** Retries after a connection failure or a timeout. */
  connectRetries: number;
  cafile?: string;
  certfile?: string;
  keyfile?: string;
  insecure: boolean;
}

export interface JsonReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The parsed body; undefined when empty or not JSON. */
  body: unknown;
}

/** No answer at all: refused, reset, timed out, TLS failure. */
export class ConnectionFailure extends Error {
  constructor(message: string, public override readonly cause?: unknown) {
    super(message);
    this.name = 'ConnectionFailure';
  }
}

const FIRST_RETRY_DELAY_MS = 500;
const MAX_RETRY_DELAY_MS = 60_000;
const USER_AGENT = 'zaqar-ts keystone auth';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class KeystoneHttp {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(private readonly settings: HttpSettings) {
    this.httpAgent = new http.Agent({ keepAlive: true });
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      ca: settings.cafile ? readFileSync(settings.cafile) : undefined,
      cert: settings.certfile ? readFileSync(settings.certfile) : undefined,
      key: settings.keyfile ? readFileSync(settings.keyfile) : undefined,
      rejectUnauthorized: !settings.insecure,
    });
  }

  /**
   * Sends one request, retrying connection failures (`retries`, default
   * `connectRetries`); throws ConnectionFailure when every attempt failed.
   */
  async request(
    method: string,
    url: string,
    options: { headers?: Record<string, string>; body?: unknown; retries?: number } = {},
  ): Promise<JsonReply> {
    let delay = FIRST_RETRY_DELAY_MS;
    for (let retriesLeft = options.retries ?? this.settings.connectRetries; ; retriesLeft--) {
      try {
        return await this.once(method, url, options);
      } catch (err) {
        if (!(err instanceof ConnectionFailure) || retriesLeft <= 0) throw err;
        await sleep(delay);
        delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS);
      }
    }
  }

  private async once(method: string, url: string, options: { headers?: Record<string, string>; body?: unknown }): Promise<JsonReply> {
    try {
      return await this.send(method, url, options);
    } catch (err) {
      // A kept-alive socket the server closed meanwhile: the request never reached it, send it again at once.
      if ((err as { reusedSocket?: boolean }).reusedSocket && (err as NodeJS.ErrnoException).code === 'ECONNRESET') {
        return this.send(method, url, options);
      }
      throw err;
    }
  }

  private send(method: string, url: string, options: { headers?: Record<string, string>; body?: unknown }): Promise<JsonReply> {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': USER_AGENT, ...options.headers };
    if (payload) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    const requestOptions: http.RequestOptions = {
      method,
      headers,
      agent: secure ? this.httpsAgent : this.httpAgent,
      timeout: this.settings.timeoutSeconds * 1000,
    };
    return new Promise<JsonReply>((resolve, reject) => {
      const req = (secure ? https : http).request(target, requestOptions, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (err) => reject(new ConnectionFailure(`reading the answer of ${method} ${target.origin}${target.pathname} failed: ${err.message}`, err)));
        res.on('end', () => {
          const body = jsonOrUndefined(Buffer.concat(chunks).toString('utf8'));
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.settings.timeoutSeconds} s`)));
      req.on('error', (err: NodeJS.ErrnoException) => {
        const failure = new ConnectionFailure(`Unable to establish connection to ${target.origin}${target.pathname}: ${err.message}`, err);
        Object.assign(failure, { reusedSocket: req.reusedSocket, code: err.code });
        reject(failure);
      });
      req.end(payload);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
