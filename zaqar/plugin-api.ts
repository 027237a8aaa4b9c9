/**
 * Everything a plugin author needs from the core (`import ... from
 * 'zaqar-ts/plugin-api'`): the manifest, the factory tokens a plugin binds,
 * the contracts it implements, the errors it raises, and how to declare an
 * option group. A plugin never needs anything else from zaqar/ (the
 * layering lint holds the built-in plugins to the same rule, and beyond:
 * they never import the composition in zaqar/bootstrap).
 */

// Declaring a plugin and its options.
export type { PluginKind, PluginManifest, PluginModule } from './plugins/manifest';
export { defineGroup, defineOptions } from './config/groups/define';
export { ConfigError, type Config, type OptionGroup, type OptionSpec } from './config/options';
export type { Logger } from './common/logger';

// Storage plugins: message and management stores.
export * from './storage/interfaces';
export * from './storage/errors';
export * from './storage/signals';
export { ManagementStoreFactory, MessageStoreFactory, type ManagementStoreContext, type MessageStoreContext } from './storage/factories';
export { decideBulkDelete, decideDelete, throwIfBulkRefused, throwIfRefused, type DeleteOutcome } from './storage/delete-rules';
export { isWellFormedId, newId, newOrderedId } from './storage/ids';

// Pipeline stages.
export { intercept, type Interceptor } from './storage/pipeline/interceptor';
export { PipelineStageFactory, type PipelineStage, type PipelineStageContext } from './storage/pipeline/stage';
export type { QueueApi, TopicApi } from './storage/queue-api';

// Auth strategies.
export { AuthStrategyFactory, type AuthStrategy, type Credentials, type Identity, type Principal } from './auth/strategy';
export { TrustUnusable, type Trustor, type Trusts } from './auth/trusts';

// Notifiers (subscriber channels).
export {
  NotifierFactory,
  notificationJson,
  type Delivery,
  type DeliveryKind,
  type DeliveryOutcome,
  type Notifier,
  type NotifierContext,
  type NotifierRequirement,
  type Subscriber,
} from './notification/notifier';

// Transports.
export { TransportFactory, type ListeningAddress, type Transport, type TransportContext } from './transport/transport';
export type { Operations, OperationSet } from './api/operations';
export type { RequestPipeline } from './api/request/pipeline';
export { STAGE_ORDER, type RequestStage } from './api/request/stage';
export type { IncomingRequest } from './api/request/incoming';
export type { RequestContext } from './api/context';
export type { RequestBody } from './api/body';
export { V1_1_PROFILE, V2_PROFILE, type ApiProfile } from './api/profile';
export { DomainError, type DomainErrorCode } from './api/errors';

// JSON as Zaqar (Python) writes it.
export { dumpJson, JsonNumber, parseJsonText, RawJson } from './common/json';
