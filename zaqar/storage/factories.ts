/**
 * How storage plugins are constructed. A storage plugin's DI module binds a
 * factory under TYPES.MessageStoreFactory / TYPES.ManagementStoreFactory, named
 * by the plugin's name; the bootstrap (and, with pooling, the catalog, once
 * per pool) calls it with that store's resolved option group.
 */
import type { Config } from '../config/options';
import type { Logger } from '../common/logger';
import type { ManagementStore, MessageStore } from './interfaces';

export interface ManagementStoreContext {
  /** The resolved option group of this store, e.g. `[drivers:management_store:sqlalchemy]`. */
  options: Record<string, unknown>;
  config: Config;
  logger: Logger;
}

export interface MessageStoreContext extends ManagementStoreContext {
  /** The management store: queue metadata lives there, never in the message store. */
  control: ManagementStore;
}

export type ManagementStoreFactory = (context: ManagementStoreContext) => Promise<ManagementStore>;
export type MessageStoreFactory = (context: MessageStoreContext) => Promise<MessageStore>;
