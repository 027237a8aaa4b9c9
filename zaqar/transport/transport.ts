/**
 * What a transport plugin provides. A transport turns wire requests into
 * core API calls and back; it holds no API logic of its own.
 */
import type { Config } from '../config/options';
import type { Logger } from '../common/logger';
import type { ApiV2 } from '../api/v2/api';

export interface ListeningAddress {
  host: string;
  port: number;
}

export interface Transport {
  /** Starts serving; resolves once the socket listens. */
  listen(): Promise<ListeningAddress>;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes every connection. */
  close(graceMs?: number): Promise<void>;
}

export interface TransportContext {
  config: Config;
  api: ApiV2;
  logger: Logger;
}

/** Bound by transport plugins under TYPES.Transport, named by the plugin name. */
export type TransportFactory = (context: TransportContext) => Transport;
