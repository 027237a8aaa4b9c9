/**
 * DI wiring of the SQL management store: binds its ManagementStoreFactory
 * under Zaqar's plugin name `sqlalchemy`. Required only when zaqar.conf
 * selects it.
 */
import { ContainerModule } from 'inversify';
import { type ManagementStoreContext, ManagementStoreFactory } from '../../../zaqar/storage/factories';
import { sqliteFilename } from '../../../zaqar/storage/sql-uri';
import { SqlManagementStore } from './management-store';
import { readSqlManagementStoreUri, SQL_MANAGEMENT_STORE_GROUP } from './options';
import { openManagementDatabase } from './schema';

export const PLUGIN_NAME = 'sqlalchemy';

export const createSqlManagementStore: ManagementStoreFactory = async (context: ManagementStoreContext) => {
  const uri = readSqlManagementStoreUri(context.options);
  const filename = sqliteFilename(uri, { group: SQL_MANAGEMENT_STORE_GROUP, config: context.config });
  const driver = new SqlManagementStore(openManagementDatabase(filename));
  context.logger.child({ store: PLUGIN_NAME }).debug({ filename }, 'sql management store opened');
  return driver;
};

export function createSqlControlModule(): ContainerModule {
  return new ContainerModule((options) => {
    options
      .bind(ManagementStoreFactory)
      .toConstantValue(createSqlManagementStore)
      .whenNamed(PLUGIN_NAME);
  });
}
