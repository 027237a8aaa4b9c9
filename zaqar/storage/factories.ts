/**
 * How storage plugins are constructed. A storage plugin's DI module binds a
 * factory under TYPES.DataDriverFactory / TYPES.ControlDriverFactory, named
 * by the plugin's name; the bootstrap (and, with pooling, the catalog, once
 * per pool) calls it with that store's resolved option group.
 */
import type { Config } from '../config/options';
import type { Logger } from '../common/logger';
import type { ControlDriver, DataDriver } from './interfaces';

export interface ControlDriverContext {
  /** The resolved option group of this store, e.g. `[drivers:management_store:sqlalchemy]`. */
  options: Record<string, unknown>;
  config: Config;
  logger: Logger;
}

export interface DataDriverContext extends ControlDriverContext {
  /** The management store: queue metadata lives there, never in the message store. */
  control: ControlDriver;
}

export type ControlDriverFactory = (context: ControlDriverContext) => Promise<ControlDriver>;
export type DataDriverFactory = (context: DataDriverContext) => Promise<DataDriver>;
