/**
 * How storage plugins are constructed. A storage plugin's DI module binds a
 * factory under `MessageStoreFactory` or `ManagementStoreFactory`, named by
 * the plugin's name; the store loader (store-loader.ts) calls it once per
 * store it opens — the configured stores at start-up (and, once pooling is
 * built, one per pool).
 */
import type { Config } from '../config/options';
import type { Logger } from '../common/logger';
import { token } from '../di/token';
import type { ManagementStore, MessageStore } from './interfaces';

export interface ManagementStoreContext {
  /**
   * The resolved option group of this store instance, e.g.
   * `[drivers:management_store:sqlalchemy]`, with the instance's overrides
   * (e.g. a `uri` and `options`, as a pool's will be) applied and validated.
   */
  options: Readonly<Record<string, unknown>>;
  /** The configuration this instance was opened with (overrides included). */
  config: Config;
  logger: Logger;
}

export interface MessageStoreContext extends ManagementStoreContext {
  /** The management store: queue metadata lives there, never in the message store. */
  managementStore: ManagementStore;
}

export type ManagementStoreFactory = (context: ManagementStoreContext) => Promise<ManagementStore>;
export const ManagementStoreFactory = token<ManagementStoreFactory>('ManagementStoreFactory');

export type MessageStoreFactory = (context: MessageStoreContext) => Promise<MessageStore>;
export const MessageStoreFactory = token<MessageStoreFactory>('MessageStoreFactory');
