/**
 * What a transport plugin provides: a server that turns wire requests into
 * calls of the core's operations (after the core's request stages) and
 * presents the results in its own format. It holds no API logic of its own.
 */
import type { Operations } from '../api/operations';
import type { RequestPipeline } from '../api/request/pipeline';
import type { AuthStrategy } from '../auth/strategy';
import type { Logger } from '../common/logger';
import type { Config } from '../config/options';
import { token } from '../di/token';

export interface ListeningAddress {
  host: string;
  port: number;
  /** Where clients connect, e.g. `http://127.0.0.1:8888`. */
  url: string;
}

export interface Transport {
  /** The plugin's name (`wsgi`, `websocket`, ...), for logs. */
  readonly name: string;
  /** Starts serving; resolves once the socket listens. */
  listen(): Promise<ListeningAddress>;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes every connection. */
  close(graceMs?: number): Promise<void>;
}
/** Contribution point: every transport this process serves. */
export const Transport = token<Transport>('Transport');

export interface TransportContext {
  config: Config;
  logger: Logger;
  operations: Operations;
  /** The core's request stages; a transport may add its own with `pipeline.with()`. */
  pipeline: RequestPipeline;
  /**
   * The process's auth strategy (the one the pipeline's authentication
   * stage calls), for a transport whose connections authenticate once
   * rather than per request (WebSocket's `authenticate` action).
   */
  auth: AuthStrategy;
}

/** Bound by transport plugins, named by the plugin name. */
export type TransportFactory = (context: TransportContext) => Transport;
export const TransportFactory = token<TransportFactory>('TransportFactory');
