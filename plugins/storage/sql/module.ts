/**
 * DI wiring of the SQL management store: binds its ManagementStoreFactory
 * under Zaqar's plugin name `sqlalchemy`. Required only when zaqar.conf
 * selects it.
 */
import { ContainerModule } from 'inversify';
import { type ManagementStoreContext, ManagementStoreFactory } from '../../../zaqar/storage/factories';
import { openSqlClient } from './connect';
import { SqlManagementStore } from './management-store';
import { readSqlManagementStoreUri } from './options';
import { ensureSchema } from './schema';

export const PLUGIN_NAME = 'sqlalchemy';

/**
 * Opens the database and creates missing tables. A server that cannot be
 * reached fails the open with a ConnectionError.
 */
export const createSqlManagementStore: ManagementStoreFactory = async (context: ManagementStoreContext) => {
  const logger = context.logger.child({ store: PLUGIN_NAME });
  const client = openSqlClient(readSqlManagementStoreUri(context.options), context.config, logger);
  try {
    await ensureSchema(client);
  } catch (err) {
    await client.close().catch(() => undefined);
    throw err;
  }
  logger.debug({ dialect: client.dialect.name }, 'sql management store opened');
  return new SqlManagementStore(client);
};

export function createSqlControlModule(): ContainerModule {
  return new ContainerModule((options) => {
    options
      .bind(ManagementStoreFactory)
      .toConstantValue(createSqlManagementStore)
      .whenNamed(PLUGIN_NAME);
  });
}
