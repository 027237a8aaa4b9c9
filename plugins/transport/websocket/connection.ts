/**
 * One client connection: its frames answered one at a time in arrival
 * order (one response each), its authentication and the timer that closes
 * it when the token expires, the subscriptions it created (deleted when it
 * closes), and the notifications pushed to it.
 *
 * Protection, so that no client can make the server grow without bound:
 * - in flight: past `max_requests_in_flight` frames read and not yet
 *   answered, the socket is no longer read (TCP pushes back on the client)
 *   until one is answered;
 * - outbound: past `max_outbound_buffer` bytes the client has not read
 *   (answers and notifications), the connection is closed with 1008;
 * - frame size: the server's `maxPayload` closes an oversized frame with 1009;
 * - keep-alive: the server pings; a connection that answered nothing for a
 *   whole interval is dropped (server.ts).
 */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { RequestContext } from '../../../zaqar/api/context';
import type { Identity } from '../../../zaqar/auth/strategy';
import type { Logger } from '../../../zaqar/common/logger';
import type { Delivery, DeliveryOutcome } from '../../../zaqar/notification/notifier';
import { notificationJson } from '../../../zaqar/notification/notifier';
import type { ConnectionState, WsApi } from './api';
import { encodeFrame, textAsFrame } from './framing';

export interface ConnectionLimits {
  maxInFlight: number;
  maxOutbound: number;
}

/** What a connection needs from its server. */
export interface ConnectionHost {
  readonly api: WsApi;
  readonly limits: ConnectionLimits;
  readonly logger: Logger;
  /** `http://<notification host>:<port>/`. */
  readonly subscriberBase: string;
  /** Serves this connection's subscriber URI in-process from now on (returns the undo). */
  registerSubscriber(uri: string, connection: Connection): () => void;
  /** Deletes a subscription this connection created (it is closing). */
  deleteSubscription(queue: string, id: string, ctx: RequestContext): Promise<void>;
  forget(connection: Connection): void;
}

/** The longest timer Node arms; a later expiry is re-armed in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** How long a closing handshake may take before the socket is cut. */
const CLOSE_GRACE_MS = 2000;

/** The placeholder of `post_data` a webhook replaces by the notification (quotes included). */
const MESSAGE_PLACEHOLDER = '"$zaqar_message$"';

export class Connection implements ConnectionState {
  readonly id = randomUUID();
  identity: Identity | undefined;
  /** Set by a ping, cleared by any sign of life. */
  awaitingPong = false;
  private chain: Promise<void> = Promise.resolve();
  private inFlight = 0;
  private paused = false;
  private expiryTimer: NodeJS.Timeout | undefined;
  private notifyBinary = false;
  private readonly subscriptions: { queue: string; id: string; ctx: RequestContext }[] = [];
  private unregister: (() => void) | undefined;
  private closing = false;
  /** Resolves once the socket closed and this connection's subscriptions are deleted. */
  readonly finished: Promise<void>;

  constructor(
    readonly socket: WebSocket,
    private readonly host: ConnectionHost,
  ) {
    socket.on('message', (data, isBinary) => this.onFrame(toBuffer(data), isBinary));
    socket.on('pong', () => (this.awaitingPong = false));
    // Protocol errors (bad UTF-8: 1007, oversized frame: 1009) close the socket; the error is only news.
    socket.on('error', (err) => host.logger.debug({ err, connection: this.id }, 'WebSocket protocol error'));
    this.finished = new Promise((resolve) => socket.once('close', () => void this.onClose().finally(resolve)));
  }

  subscriberUri(): string {
    return `${this.host.subscriberBase}${this.id}`;
  }

  authenticated(identity: Identity): void {
    this.identity = identity;
    this.armExpiry(identity.expiresAt);
  }

  subscribed(queue: string, subscriptionId: string, ctx: RequestContext, binary: boolean): void {
    // Notifications use the frame type of the latest such subscription (Zaqar's notify_in_binary).
    this.notifyBinary = binary;
    if (!this.subscriptions.some((s) => s.queue === queue && s.id === subscriptionId)) this.subscriptions.push({ queue, id: subscriptionId, ctx });
    this.unregister ??= this.host.registerSubscriber(this.subscriberUri(), this);
  }

  /** Frames still to be answered. */
  get busy(): boolean {
    return this.inFlight > 0;
  }

  /** Resolves when every frame read so far is answered. */
  drained(): Promise<void> {
    return this.chain;
  }

  private onFrame(data: Buffer, binary: boolean): void {
    this.awaitingPong = false;
    this.inFlight++;
    if (this.inFlight >= this.host.limits.maxInFlight && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
    this.chain = this.chain
      .then(async () => {
        const answer = await this.host.api.answer(this, data, binary);
        this.send(encodeFrame(answer, binary));
      })
      .catch((err: unknown) => this.host.logger.error({ err, connection: this.id }, 'WebSocket frame not answered'))
      .finally(() => {
        this.inFlight--;
        if (this.paused && this.inFlight < this.host.limits.maxInFlight) {
          this.paused = false;
          this.socket.resume();
        }
      });
  }

  private send(frame: string | Buffer): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    this.socket.send(frame);
    if (this.socket.bufferedAmount > this.host.limits.maxOutbound) {
      this.close(1008, 'Outbound buffer limit exceeded: the client does not read');
    }
  }

  /** A notification as the notifier would POST it to a webhook: the document, or `post_data` around it. */
  push(delivery: Delivery): DeliveryOutcome {
    let text = notificationJson(delivery.document);
    const template = delivery.subscription.options.post_data;
    if (typeof template === 'string') text = template.split(MESSAGE_PLACEHOLDER).join(text);
    return this.notify(text);
  }

  /** Sends a notification's text (from the listener or `push`) in the frame type of the subscription. */
  notify(text: string): DeliveryOutcome {
    let frame: string | Buffer;
    try {
      frame = textAsFrame(text, this.notifyBinary);
    } catch {
      return { status: 'failed', reason: 'the notification is not JSON and cannot be sent as MessagePack' };
    }
    // A connection that is gone (or going) drops it, as Zaqar's listener drops unknown ids.
    this.send(frame);
    return { status: 'delivered' };
  }

  /** Closes with `code` (once); a client that does not complete the handshake is cut after a short grace. */
  close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    this.socket.close(code, reason);
    setTimeout(() => this.socket.terminate(), CLOSE_GRACE_MS).unref();
  }

  private armExpiry(expiresAt: number | undefined): void {
    clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
    if (expiresAt === undefined) return;
    const delay = Math.max(0, expiresAt - Date.now());
    this.expiryTimer = setTimeout(() => {
      if (delay > MAX_TIMER_MS) return this.armExpiry(expiresAt);
      this.identity = undefined;
      this.close(4003, 'Authentication expired.');
    }, Math.min(delay, MAX_TIMER_MS));
    this.expiryTimer.unref();
  }

  private async onClose(): Promise<void> {
    this.closing = true;
    clearTimeout(this.expiryTimer);
    this.unregister?.();
    this.host.forget(this);
    // Frames still being answered may create subscriptions: clean up after them.
    await this.chain;
    await Promise.all(
      this.subscriptions.splice(0).map((s) =>
        this.host.deleteSubscription(s.queue, s.id, s.ctx).catch((err: unknown) =>
          this.host.logger.warn({ err, connection: this.id, subscription: s.id }, 'could not delete the subscription of a closed connection'),
        ),
      ),
    );
  }
}

function toBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
