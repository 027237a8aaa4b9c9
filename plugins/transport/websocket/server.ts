/**
 * The WebSocket server (Zaqar's `zaqar.transport.websocket.driver`): plain
 * RFC 6455 on `[drivers:transport:websocket] bind:port` (any request path,
 * no sub-protocol), each connection with a random id, plus the notification
 * listener on `notification_bind:notification_port`.
 *
 * Notifications for a connection held here are pushed in-process: the
 * connection's subscriber URI is registered with the core's local
 * subscribers (zaqar/notification/local-subscribers.ts), so this node's
 * dispatcher hands the document straight to the socket. Another node's
 * dispatcher cannot see that registry; it POSTs to the URI, i.e. to the
 * listener here, which forwards the body to the connection.
 *
 * Shutdown: stop accepting, let each connection's frames in progress be
 * answered (within the grace), close every socket with 1001 and delete the
 * subscriptions the connections created.
 */
import { createServer, type Server } from 'node:http';
import { hostname } from 'node:os';
import { isIPv6 } from 'node:net';
import { WebSocketServer } from 'ws';
import type { RequestContext } from '../../../zaqar/api/context';
import { NOAUTH } from '../../../zaqar/auth/strategy';
import type { Logger } from '../../../zaqar/common/logger';
import { DEFAULT_GROUP, TRANSPORT_GROUP, WEBSOCKET_TRANSPORT_GROUP, type WebsocketTransportOptions } from '../../../zaqar/config/groups';
import { localSubscribers } from '../../../zaqar/notification/local-subscribers';
import type { ListeningAddress, Transport, TransportContext } from '../../../zaqar/transport/transport';
import { WsApi } from './api';
import { Connection, type ConnectionHost, type ConnectionLimits } from './connection';
import { WS_PROFILE } from './actions';
import { notificationListener } from './listener';

/**
 * Frames up to twice the largest configured document (plus the envelope's
 * slack) are read, so that an oversized post or metadata gets Zaqar's 400
 * from its own size checks (the reference reads frames of any size);
 * beyond that the frame is refused with 1009 before it is held in memory.
 */
const FRAME_FACTOR = 2;
const FRAME_SLACK = 64 * 1024;

const bracketed = (host: string): string => (isIPv6(host) ? `[${host}]` : host);

/** `exclusive`: in a cluster worker, a socket of this process's own rather than one shared through the primary. */
function listenOn(server: Server, port: number, host: string | undefined, exclusive = false): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, exclusive }, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

export class WebSocketTransport implements Transport, ConnectionHost {
  readonly name = 'websocket';
  readonly api: WsApi;
  readonly limits: ConnectionLimits;
  readonly logger: Logger;
  subscriberBase = '';
  private readonly options: WebsocketTransportOptions;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly listener: Server;
  private readonly connections = new Map<string, Connection>();
  private pingTimer: NodeJS.Timeout | undefined;
  private closing = false;

  constructor(private readonly context: TransportContext) {
    const defaults = context.config.get(DEFAULT_GROUP);
    const limits = context.config.get(TRANSPORT_GROUP);
    this.options = context.config.get(WEBSOCKET_TRANSPORT_GROUP);
    this.logger = context.logger;
    this.limits = { maxInFlight: Math.max(1, this.options.max_requests_in_flight), maxOutbound: this.options.max_outbound_buffer };
    this.api = new WsApi({
      operations: context.operations,
      pipeline: context.pipeline,
      auth: context.auth,
      gated: (defaults.auth_strategy || NOAUTH) !== NOAUTH,
      pooling: defaults.admin_mode && defaults.pooling,
      deleteWithClaimIds: limits.message_delete_with_claim_id,
      logger: context.logger,
    });
    const maxFrame = FRAME_FACTOR * Math.max(limits.max_messages_post_size, limits.max_queue_metadata) + FRAME_SLACK;

    this.http = createServer((req, res) => {
      req.resume();
      res.writeHead(426, { Upgrade: 'websocket', 'Content-Type': 'text/plain', Connection: 'close' });
      res.end('This port serves the Zaqar WebSocket API.\n');
    });
    this.wss = new WebSocketServer({ server: this.http, maxPayload: maxFrame, perMessageDeflate: false, clientTracking: false });
    this.wss.on('connection', (socket) => {
      if (this.closing) return socket.close(1001, 'Server is shutting down');
      const connection = new Connection(socket, this);
      this.connections.set(connection.id, connection);
    });
    this.wss.on('error', (err) => this.logger.warn({ err }, 'WebSocket server error'));
    this.listener = notificationListener((id, text) => this.connections.get(id)?.notify(text), maxFrame);
  }

  registerSubscriber(uri: string, connection: Connection): () => void {
    return localSubscribers.register(uri, { deliver: async (delivery) => connection.push(delivery) });
  }

  deleteSubscription(queue: string, id: string, ctx: RequestContext): Promise<void> {
    return this.context.operations.for(WS_PROFILE).subscriptions.delete(ctx, queue, id);
  }

  forget(connection: Connection): void {
    this.connections.delete(connection.id);
  }

  /** Connections open now (for tests and logs). */
  get connectionCount(): number {
    return this.connections.size;
  }

  async listen(): Promise<ListeningAddress> {
    const { bind, port, external_port, notification_bind, notification_port, ping_interval } = this.options;
    // The listener first: its port is part of every connection's subscriber URI. It is this
    // process's own even with `[drivers:transport:wsgi] workers` > 1: it forwards to the
    // connections held here, so another worker must not accept for it.
    const listenerPort = await listenOn(this.listener, notification_port, notification_bind ?? undefined, true);
    this.subscriberBase = `http://${bracketed(notification_bind ?? hostname())}:${listenerPort}/`;
    const actual = await listenOn(this.http, port, bind);
    if (ping_interval > 0) {
      this.pingTimer = setInterval(() => this.ping(), ping_interval * 1000);
      this.pingTimer.unref();
    }
    this.logger.info({ notifications: this.subscriberBase }, 'WebSocket notification listener ready');
    return { host: bind, port: actual, url: `ws://${bracketed(bind)}:${external_port ?? actual}` };
  }

  /** Drops connections that answered nothing since the last ping, pings the others. */
  private ping(): void {
    for (const connection of this.connections.values()) {
      if (connection.awaitingPong && !connection.busy) {
        connection.socket.terminate();
        continue;
      }
      connection.awaitingPong = true;
      connection.socket.ping();
    }
  }

  async close(graceMs = 10_000): Promise<void> {
    this.closing = true;
    clearInterval(this.pingTimer);
    const stopped = new Promise<void>((resolve) => this.http.close(() => resolve()));
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    const open = [...this.connections.values()];
    await Promise.race([Promise.all(open.map((c) => c.drained())), deadline]);
    for (const connection of open) connection.close(1001, 'Server is shutting down');
    await Promise.race([Promise.all(open.map((c) => c.finished)), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    this.wss.close();
    this.http.closeAllConnections();
    await stopped;
    await new Promise<void>((resolve) => {
      this.listener.close(() => resolve());
      this.listener.closeAllConnections();
    });
  }
}
