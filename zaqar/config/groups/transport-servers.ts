/**
 * Listen addresses of Zaqar's two transports: [drivers:transport:wsgi] and
 * [drivers:transport:websocket] (no WebSocket transport here yet). Zaqar
 * declares the websocket options with dashes (`external-port`); in the file
 * and here they are written with underscores, the dashed spelling is ignored
 * (oslo reads a file by `dest` name).
 */
import { defineGroup } from './define';

export interface WsgiTransportOptions {
  bind: string;
  port: number;
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
}

export const WSGI_TRANSPORT_GROUP = defineGroup<WsgiTransportOptions>('drivers:transport:wsgi', 'HTTP transport.', {
  bind: { type: 'host', default: '127.0.0.1', help: 'Address on which the self-hosting server will listen.' },
  port: { type: 'port', default: 8888, help: 'Port on which the self-hosting server will listen.' },
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
  },
);
