/**
 * The benchmark's HTTP side: one undici Client per connection (keep-alive,
 * one request in flight each), Zaqar's headers on every request.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'undici';

export interface Reply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

export class Connection {
  private readonly client: Client;
  readonly headers: Record<string, string>;

  /** `extraHeaders` go on every request too (e.g. X-Auth-Token for a server behind Keystone). */
  constructor(url: string, project: string, extraHeaders: Record<string, string> = {}) {
    this.client = new Client(url, { keepAliveTimeout: 30_000, pipelining: 1 });
    this.headers = { 'client-id': randomUUID(), 'x-project-id': project, 'content-type': 'application/json', ...extraHeaders };
  }

  async request(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: string): Promise<Reply> {
    const res = await this.client.request({ method, path, headers: this.headers, body, headersTimeout: 30_000, bodyTimeout: 30_000 });
    const text = await res.body.text();
    return { status: res.statusCode, body: text, headers: res.headers };
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/** A message body of about `bytes` bytes of JSON, stamped with the send time for end-to-end latency. */
export function messageBody(bytes: number, sentAt = 0): Record<string, unknown> {
  return { sent_at: sentAt, event: 'bench', payload: 'x'.repeat(Math.max(0, bytes - 48)) };
}
