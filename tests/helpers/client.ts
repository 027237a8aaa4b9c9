/**
 * A small HTTP client for functional tests: real sockets (Node's fetch),
 * Zaqar's required headers by default, JSON in and out.
 */
import { jsonOrUndefined } from '../../zaqar/common/json';

export const CLIENT_ID = '3381af92-2b9e-11e3-b191-71861300734c';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or undefined when empty/not JSON. */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface RequestOptions {
  headers?: Record<string, string | undefined>;
  /** JSON-serialised unless a string or Buffer. */
  body?: unknown;
}

export class ZaqarClient {
  constructor(
    public readonly url: string,
    public project = 'test-project',
    public clientId = CLIENT_ID,
  ) {}

  async request(method: string, path: string, options: RequestOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { 'Client-ID': this.clientId, 'X-Project-ID': this.project };
    for (const [k, v] of Object.entries(options.headers ?? {})) {
      if (v === undefined) {
        for (const existing of Object.keys(headers)) if (existing.toLowerCase() === k.toLowerCase()) delete headers[existing];
      } else headers[k] = v;
    }
    let body: string | Buffer | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' || Buffer.isBuffer(options.body) ? options.body : JSON.stringify(options.body);
    }
    const res = await fetch(this.url + path, { method, headers, body });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: jsonOrUndefined(text) };
  }

  get(path: string, options?: RequestOptions) {
    return this.request('GET', path, options);
  }
  put(path: string, options?: RequestOptions) {
    return this.request('PUT', path, options);
  }
  post(path: string, options?: RequestOptions) {
    return this.request('POST', path, options);
  }
  patch(path: string, options?: RequestOptions) {
    return this.request('PATCH', path, options);
  }
  delete(path: string, options?: RequestOptions) {
    return this.request('DELETE', path, options);
  }
}
