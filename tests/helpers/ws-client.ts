/**
 * A WebSocket client for the tests of the WebSocket transport: Zaqar's
 * envelope (`{action, headers, body}`) in text JSON or binary MessagePack
 * frames, answers matched to requests in order (the server answers in
 * arrival order), and notifications — frames without a `request` echo —
 * collected apart.
 */
import { decode, encode } from '@msgpack/msgpack';
import WebSocket from 'ws';
import type { RunningServer } from './server';

export const CLIENT_ID = '3381af92-2b9e-11e3-b191-71861300734c';

export interface WsReply {
  request: { action: unknown; body: unknown; headers: unknown; api: string };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: { status: number };
  /** Whether the answer came in a binary frame. */
  binary: boolean;
}

export interface Closed {
  code: number;
  reason: string;
}

type Waiter<T> = { resolve: (value: T) => void; reject: (err: Error) => void };

export class WsClient {
  readonly headers: Record<string, unknown>;
  private readonly replies: Waiter<WsReply>[] = [];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly notifications: { document: any; binary: boolean; at: number }[] = [];
  private notificationWaiters: (() => void)[] = [];
  readonly closed: Promise<Closed>;

  private constructor(
    readonly socket: WebSocket,
    project: string,
  ) {
    this.headers = { 'Client-ID': CLIENT_ID, 'X-Project-ID': project };
    socket.on('message', (data, isBinary) => this.onFrame(data as Buffer, isBinary));
    this.closed = new Promise((resolve) =>
      socket.once('close', (code, reason) => {
        const closed = { code, reason: reason.toString() };
        for (const waiter of this.replies.splice(0)) waiter.reject(new Error(`closed ${code} ${closed.reason}`));
        resolve(closed);
      }),
    );
    socket.on('error', () => undefined);
  }

  static open(url: string, project = 'ws-tests'): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { perMessageDeflate: false });
      socket.once('open', () => resolve(new WsClient(socket, project)));
      socket.once('error', reject);
    });
  }

  private onFrame(data: Buffer, binary: boolean): void {
    const document = binary ? decode(data) : JSON.parse(data.toString('utf8'));
    if (document !== null && typeof document === 'object' && 'request' in document && 'headers' in document) {
      this.replies.shift()?.resolve({ ...(document as Omit<WsReply, 'binary'>), binary });
      return;
    }
    this.notifications.push({ document, binary, at: performance.now() });
    for (const wake of this.notificationWaiters.splice(0)) wake();
  }

  /** Sends a raw frame; resolves with the answer to it. */
  raw(frame: string | Buffer): Promise<WsReply> {
    return new Promise((resolve, reject) => {
      this.replies.push({ resolve, reject });
      this.socket.send(frame);
    });
  }

  /** One action; `body` undefined leaves the key out; `headers` replace the defaults when given. */
  send(action: string, body?: Record<string, unknown>, options: { headers?: Record<string, unknown>; binary?: boolean } = {}): Promise<WsReply> {
    const frame: Record<string, unknown> = { action, headers: options.headers ?? this.headers };
    if (body !== undefined) frame.body = body;
    return this.raw(options.binary ? Buffer.from(encode(frame)) : JSON.stringify(frame));
  }

  /** Waits until `count` notifications arrived in all (fails after `timeoutMs`). */
  async waitForNotifications(count: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.notifications.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.notifications.length} of ${count} notifications within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.notificationWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): Promise<Closed> {
    this.socket.close();
    return this.closed;
  }
}

/** The WebSocket URL a server logged (`Serving on ws://...`), waiting for the line. */
export async function wsUrlOf(server: RunningServer, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = /Serving on ws:\/\/([^:"]+):(\d+)/.exec(server.stderr());
    if (m) return `ws://127.0.0.1:${m[2]}`;
    if (Date.now() > deadline) throw new Error(`no WebSocket listening line:\n${server.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** `[drivers] transport = wsgi, websocket` with both on ephemeral ports and the notifier stage on. */
export const BOTH_TRANSPORTS = `
[drivers]
transport = wsgi, websocket

[drivers:transport:websocket]
bind = 127.0.0.1
port = 0
notification_bind = 127.0.0.1

[storage]
message_pipeline = zaqar.notification.notifier
`;
