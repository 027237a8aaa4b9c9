/**
 * DI service identifiers. One token per contract, declared once here; the
 * interfaces live beside the code that defines them.
 *
 * Plugins bind the *named* tokens (named by their manifest name); the core
 * resolves the one that zaqar.conf selects.
 */
export const TYPES = {
  /** zaqar/config/options: Config */
  Config: Symbol.for('zaqar.Config'),
  /** zaqar/common/logger: Logger */
  Logger: Symbol.for('zaqar.Logger'),

  /** Named by message store name. storage/factories: MessageStoreFactory */
  MessageStoreFactory: Symbol.for('zaqar.MessageStoreFactory'),
  /** Named by management store name. storage/factories: ManagementStoreFactory */
  ManagementStoreFactory: Symbol.for('zaqar.ManagementStoreFactory'),
  /** Named by transport name. transport/transport: Transport */
  Transport: Symbol.for('zaqar.Transport'),
  /** Named by auth strategy. auth/strategy: AuthStrategy */
  AuthStrategy: Symbol.for('zaqar.AuthStrategy'),

  /** The storage facade the API uses. storage/facade: Storage */
  Storage: Symbol.for('zaqar.Storage'),
  /** The transport-neutral v2 API. api/v2/api: ApiV2 */
  ApiV2: Symbol.for('zaqar.ApiV2'),
} as const;
