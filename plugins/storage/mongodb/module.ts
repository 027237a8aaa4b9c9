/**
 * DI wiring of the MongoDB stores: the message store's MessageStoreFactory and
 * the management store's ManagementStoreFactory, both named `mongodb`. Each
 * manifest loads only its own binding, so selecting both stores binds each
 * factory once. Required only when zaqar.conf selects a MongoDB store.
 */
import { ContainerModule } from 'inversify';
import { MongoClient, MongoServerError } from 'mongodb';
import type { Logger } from '../../../zaqar/common/logger';
import { type ManagementStoreContext, ManagementStoreFactory, type MessageStoreContext, MessageStoreFactory } from '../../../zaqar/storage/factories';
import { clientOptions, normaliseUri, redactUri } from './client-options';
import { MongoManagementStore } from './management-store';
import { MongoMessageStore } from './message-store';
import { durabilityProblem, type HelloReply } from './durability';
import {
  MESSAGE_STORE_GROUP,
  type MongoConnectionOptions,
  readManagementStoreOptions,
  readMessageStoreOptions,
} from './options';
import { DEFAULT_GROUP } from '../../../zaqar/config/groups';

export const PLUGIN_NAME = 'mongodb';

/**
 * A connected client. Start-up fails when the server cannot be reached, as
 * Zaqar's driver does (it asks the server for its version first).
 */
async function connect(options: MongoConnectionOptions, role: string, logger: Logger): Promise<MongoClient> {
  const uri = normaliseUri(options.uri);
  const client = new MongoClient(uri, clientOptions(options));
  try {
    await client.connect();
  } catch (err) {
    await client.close().catch(() => undefined);
    throw new Error(`MongoDB ${role} at ${redactUri(uri)} is unreachable: ${(err as Error).message}`);
  }
  logger.debug({ uri: redactUri(uri), database: options.database }, `MongoDB ${role} connected`);
  return client;
}

/** The server's `hello` (`isMaster` before MongoDB 4.4.2, which does not know `hello`). */
async function helloReply(client: MongoClient): Promise<HelloReply> {
  const admin = client.db('admin');
  try {
    return (await admin.command({ hello: 1 })) as HelloReply;
  } catch (err) {
    if (!(err instanceof MongoServerError && err.code === 59)) throw err; // CommandNotFound
    return (await admin.command({ isMaster: 1 })) as HelloReply;
  }
}

export const createMongoMessageStore: MessageStoreFactory = async (context: MessageStoreContext) => {
  const options = readMessageStoreOptions(context.options);
  const logger = context.logger.child({ store: PLUGIN_NAME });
  const unreliable = context.config.get(DEFAULT_GROUP).unreliable === true;
  const client = await connect(options, 'message store', logger);
  try {
    // As in Zaqar, acknowledged messages must survive a server's loss (durability.ts).
    const hello = await helloReply(client);
    const problem = durabilityProblem(hello, client.writeConcern?.w, unreliable);
    if (problem !== undefined) throw context.config.optionError(MESSAGE_STORE_GROUP, 'uri', problem);
    if (unreliable) logger.warn('MongoDB message store: [DEFAULT] unreliable = true, delivery guarantees are not checked');

    const driver = new MongoMessageStore({
      client,
      options,
      queues: context.managementStore.queueController,
      // With a MongoDB management store the counters are the queue documents' (counters.ts).
      counter: context.managementStore instanceof MongoManagementStore ? context.managementStore.queueCounter() : undefined,
      logger,
    });
    await driver.initialise();
    return driver;
  } catch (err) {
    await client.close().catch(() => undefined);
    throw err;
  }
};

export const createMongoManagementStore: ManagementStoreFactory = async (context: ManagementStoreContext) => {
  const options = readManagementStoreOptions(context.options);
  const logger = context.logger.child({ store: PLUGIN_NAME });
  const client = await connect(options, 'management store', logger);
  try {
    const driver = new MongoManagementStore(client, options, logger);
    await driver.initialise();
    return driver;
  } catch (err) {
    await client.close().catch(() => undefined);
    throw err;
  }
};

export function createMongoDataModule(): ContainerModule {
  return new ContainerModule((options) => {
    options.bind(MessageStoreFactory).toConstantValue(createMongoMessageStore).whenNamed(PLUGIN_NAME);
  });
}

export function createMongoControlModule(): ContainerModule {
  return new ContainerModule((options) => {
    options.bind(ManagementStoreFactory).toConstantValue(createMongoManagementStore).whenNamed(PLUGIN_NAME);
  });
}
