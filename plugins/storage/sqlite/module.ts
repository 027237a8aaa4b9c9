/**
 * DI wiring of the SQLite message store: binds its MessageStoreFactory under
 * the plugin name. Required only when zaqar.conf selects `sqlite`.
 */
import { ContainerModule } from 'inversify';
import { type MessageStoreContext, MessageStoreFactory } from '../../../zaqar/storage/factories';
import { sqliteFilename } from '../../../zaqar/storage/sql-uri';
import { SqliteMessageStore } from './message-store';
import { readSqliteMessageStoreOptions, SQLITE_MESSAGE_STORE_GROUP } from './options';
import { openMessageDatabase, walSyncs } from './schema';
import { WalSync } from './wal-sync';

export const PLUGIN_NAME = 'sqlite';

/** Opens the database named by the resolved option group (once per store, as it will be per pool). */
export const createSqliteMessageStore: MessageStoreFactory = async (context: MessageStoreContext) => {
  const options = readSqliteMessageStoreOptions(context.options);
  const filename = sqliteFilename(options.uri, { group: SQLITE_MESSAGE_STORE_GROUP, config: context.config });
  const db = openMessageDatabase(filename, options);
  const logger = context.logger.child({ store: PLUGIN_NAME });
  logger.debug({ filename, synchronous: options.synchronous }, 'sqlite message store opened');
  return new SqliteMessageStore(db, logger, walSyncs(filename, options) ? new WalSync(`${filename}-wal`) : undefined);
};

export function createSqliteDataModule(): ContainerModule {
  return new ContainerModule((options) => {
    options
      .bind(MessageStoreFactory)
      .toConstantValue(createSqliteMessageStore)
      .whenNamed(PLUGIN_NAME);
  });
}
