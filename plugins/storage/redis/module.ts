/**
 * DI wiring of the Redis stores: binds the MessageStoreFactory and the
 * ManagementStoreFactory under the plugin name `redis`. Required only when
 * zaqar.conf selects one of them.
 */
import { ContainerModule } from 'inversify';
import type { Logger } from '../../../zaqar/common/logger';
import type { Config } from '../../../zaqar/config/options';
import {
  type ManagementStoreContext,
  ManagementStoreFactory,
  type MessageStoreContext,
  MessageStoreFactory,
} from '../../../zaqar/storage/factories';
import { RedisConnection } from './connection';
import { RedisManagementStore } from './management-store';
import { RedisMessageStore } from './message-store';
import {
  readRedisStoreOptions,
  REDIS_MANAGEMENT_STORE_GROUP,
  REDIS_MESSAGE_STORE_GROUP,
  redisManagementStoreOptionGroup,
  redisMessageStoreOptionGroup,
  type RedisStoreOptions,
} from './options';
import { describeTarget, parseRedisUri, RedisUriError, type RedisTarget } from './uri';

export const PLUGIN_NAME = 'redis';

/** Redis policies that may evict keys: messages would vanish under memory pressure. */
const EVICTING = /^(allkeys|volatile)-/;

/** The parsed `uri`; a bad one is a configuration error naming the option. */
function targetOf(options: RedisStoreOptions, group: string, config: Config): RedisTarget {
  try {
    return parseRedisUri(options.uri);
  } catch (err) {
    if (err instanceof RedisUriError) throw config.optionError(group, 'uri', err.message);
    throw err;
  }
}

/** Parses `x.y.z` into comparable numbers. */
function versionOf(text: string): number[] {
  return text.split('.').map((part) => Number.parseInt(part, 10) || 0);
}

function atLeast(version: number[], wanted: number[]): boolean {
  for (let i = 0; i < wanted.length; i++) {
    if ((version[i] ?? 0) !== wanted[i]) return (version[i] ?? 0) > wanted[i];
  }
  return true;
}

/** Start-up checks of the server: version (as the reference), eviction, replicas for wait_replicas. */
async function checkServer(redis: RedisConnection, group: string, config: Config, logger: Logger): Promise<void> {
  const server = await redis.info('server');
  const version = server.redis_version ?? '0';
  if (!atLeast(versionOf(version), [2, 6])) {
    throw new Error(`The Redis driver requires redis-server>=2.6, ${version} found`);
  }
  if (redis.waitReplicas > 0 && !atLeast(versionOf(version), [3, 0])) {
    throw config.optionError(group, 'wait_replicas', `needs WAIT (redis-server>=3.0), ${version} found; set wait_replicas = 0 to do without`);
  }
  const memory = await redis.info('memory');
  if (EVICTING.test(memory.maxmemory_policy ?? '')) {
    logger.warn(
      { maxmemory_policy: memory.maxmemory_policy },
      'Redis may evict keys under memory pressure: messages and claims would silently disappear; use maxmemory-policy noeviction',
    );
  }
  if (redis.waitReplicas > 0) {
    const replicas = Number((await redis.info('replication')).connected_slaves ?? 0);
    if (replicas < redis.waitReplicas) {
      logger.warn({ connected: replicas, wait_replicas: redis.waitReplicas }, 'fewer replicas than wait_replicas: writes fail with 503 until enough are connected');
    }
  }
}

async function openConnection(
  context: ManagementStoreContext,
  group: string,
  store: string,
): Promise<{ redis: RedisConnection; options: RedisStoreOptions; logger: Logger }> {
  const optionGroup = group === REDIS_MESSAGE_STORE_GROUP ? redisMessageStoreOptionGroup : redisManagementStoreOptionGroup;
  const options = readRedisStoreOptions(optionGroup, context.options);
  const target = targetOf(options, group, context.config);
  const logger = context.logger.child({ store: `${PLUGIN_NAME} ${store}`, redis: describeTarget(target) });
  const redis = await RedisConnection.open(target, options, logger);
  try {
    await checkServer(redis, group, context.config, logger);
  } catch (err) {
    await redis.close();
    throw err;
  }
  return { redis, options, logger };
}

export const createRedisMessageStore: MessageStoreFactory = async (context: MessageStoreContext) => {
  const { redis, logger } = await openConnection(context, REDIS_MESSAGE_STORE_GROUP, 'message store');
  return new RedisMessageStore(redis, logger);
};

export const createRedisManagementStore: ManagementStoreFactory = async (context: ManagementStoreContext) => {
  const { redis } = await openConnection(context, REDIS_MANAGEMENT_STORE_GROUP, 'management store');
  return new RedisManagementStore(redis);
};

/**
 * The DI module of one of the two stores. Each manifest loads its own, so a
 * server using Redis for both stores binds each factory once.
 */
export function createRedisModule(kind: 'message_store' | 'management_store'): ContainerModule {
  return new ContainerModule((options) => {
    if (kind === 'message_store') {
      options.bind(MessageStoreFactory).toConstantValue(createRedisMessageStore).whenNamed(PLUGIN_NAME);
    } else {
      options.bind(ManagementStoreFactory).toConstantValue(createRedisManagementStore).whenNamed(PLUGIN_NAME);
    }
  });
}
