/**
 * DI wiring of the Swift message store: binds its MessageStoreFactory under
 * the plugin name. Required only when zaqar.conf (or a pool URI) selects `swift`.
 */
import { ContainerModule } from 'inversify';
import { type MessageStoreContext, MessageStoreFactory } from '../../../zaqar/storage/factories';
import { SwiftClient } from './client';
import { SwiftMessageStore } from './message-store';
import { readSwiftStoreOptions, SWIFT_MESSAGE_STORE_GROUP } from './options';
import { parseSwiftUri, SwiftUriError } from './uri';

export const PLUGIN_NAME = 'swift';

export const createSwiftMessageStore: MessageStoreFactory = async (context: MessageStoreContext) => {
  const options = readSwiftStoreOptions(context.options);
  let credentials;
  try {
    credentials = parseSwiftUri(options.uri);
  } catch (err) {
    if (err instanceof SwiftUriError) throw context.config.optionError(SWIFT_MESSAGE_STORE_GROUP, 'uri', err.message);
    throw err;
  }
  const logger = context.logger.child({ store: PLUGIN_NAME, project: credentials.project });
  const client = new SwiftClient(credentials, options, logger);
  // Authenticate once now, so that a wrong password or auth_url fails at
  // start-up; an unreachable Swift does not (the store recovers by itself).
  await client.authenticate().catch((err: unknown) => {
    logger.warn({ err }, 'Swift not reachable at start-up; requests fail with 503 until it is');
  });
  return new SwiftMessageStore(client, logger);
};

export function createSwiftDataModule(): ContainerModule {
  return new ContainerModule((options) => {
    options.bind(MessageStoreFactory).toConstantValue(createSwiftMessageStore).whenNamed(PLUGIN_NAME);
  });
}
