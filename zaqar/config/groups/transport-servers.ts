/**
 * Listen addresses of Zaqar's two transports: [drivers:transport:wsgi] and
 * [drivers:transport:websocket] (plugins/transport/websocket). Zaqar
 * declares the websocket options with dashes (`external-port`); in the file
 * and here they are written with underscores, the dashed spelling is ignored
 * (oslo reads a file by `dest` name). The last three are ours (Zaqar has no
 * per-connection limits): what one WebSocket connection may hold.
 * `[drivers:transport:wsgi] workers` is ours too (zaqar/cmd/cluster.ts).
 */
import { defineGroup } from './define';

export interface WsgiTransportOptions {
  bind: string;
  port: number;
  /** Ours: server processes (node:cluster) sharing the listening ports; 0 = one per core, 1 = no cluster. */
  workers: number;
}

export interface WebsocketTransportOptions {
  bind: string;
  port: number;
  /** Port advertised to clients behind a proxy. */
  external_port: number | null;
  /** Listen address of the internal webhook receiver; all interfaces when null. */
  notification_bind: string | null;
  /** 0 = ephemeral port. */
  notification_port: number;
  /** Requests read from one connection and not yet answered; beyond it the server stops reading that socket until one is answered. */
  max_requests_in_flight: number;
  /** Bytes queued for one client that it has not read yet; beyond it the connection is closed (1008). */
  max_outbound_buffer: number;
  /** Seconds between pings; a connection that answered nothing since the previous ping is dropped. 0 = no pings. */
  ping_interval: number;
}

export const WSGI_TRANSPORT_GROUP = defineGroup<WsgiTransportOptions>('drivers:transport:wsgi', 'HTTP transport.', {
  bind: { type: 'host', default: '127.0.0.1', help: 'Address on which the self-hosting server will listen.' },
  port: { type: 'port', default: 8888, help: 'Port on which the self-hosting server will listen.' },
  workers: {
    type: 'integer',
    default: 1,
    min: 0,
    help: 'Server processes sharing the ports of every transport (0: one per core; 1: a single process, no cluster).',
  },
});

export const WEBSOCKET_TRANSPORT_GROUP = defineGroup<WebsocketTransportOptions>(
  'drivers:transport:websocket',
  'WebSocket transport.',
  {
    bind: { type: 'host', default: '127.0.0.1', help: 'Address on which the self-hosting server will listen.' },
    port: { type: 'port', default: 9000, help: 'Port on which the self-hosting server will listen.' },
    external_port: { type: 'port', help: 'Port on which the service is provided to the user.' },
    notification_bind: { type: 'host', help: 'Address on which the notification server will listen.' },
    notification_port: { type: 'port', default: 0, help: 'Port on which the notification server will listen.' },
    max_requests_in_flight: {
      type: 'integer',
      default: 8,
      help: 'Requests of one connection read and not yet answered; past it the socket is not read until one is answered.',
    },
    max_outbound_buffer: {
      type: 'integer',
      default: 8 * 1024 * 1024,
      help: 'Bytes waiting to be read by one client; past it the connection is closed with 1008.',
    },
    ping_interval: {
      type: 'integer',
      default: 30,
      help: 'Seconds between keep-alive pings; a connection silent for a whole interval is dropped (0: no pings).',
    },
  },
);
