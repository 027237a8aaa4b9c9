/**
 * `[drivers:message_store:redis]` and `[drivers:management_store:redis]`
 * (Zaqar's zaqar.conf.drivers_message_store_redis and
 * drivers_management_store_redis; both also read from the deprecated
 * `[drivers:storage:redis]`), plus this implementation's durability options.
 *
 * Kept free of runtime dependencies: the plugin manifest imports this file
 * at start-up, long before the driver itself is loaded.
 */
import { ConfigError, type OptionGroup, type OptionSpec } from '../../../zaqar/config/options';

export const REDIS_MESSAGE_STORE_GROUP = 'drivers:message_store:redis';
export const REDIS_MANAGEMENT_STORE_GROUP = 'drivers:management_store:redis';
const DEPRECATED_GROUP = 'drivers:storage:redis';

function options(store: 'message' | 'management'): OptionSpec[] {
  const deprecated = [{ group: DEPRECATED_GROUP }];
  return [
    {
      name: 'uri',
      type: 'string',
      default: 'redis://127.0.0.1:6379',
      deprecated,
      help:
        'Redis connection URI, in Zaqar\'s forms: redis://[:password]@host[:port][?options] (TCP, port ' +
        '6379; redis://password@host also works, as in Zaqar), redis:/path/to/redis.sock or ' +
        'redis:[:password]@/path/to/redis.sock (unix socket), or ' +
        'redis://[password@]host1[:port1],host2[:port2],...?master=name (Sentinel: the sentinels are ' +
        'asked for the current master of "name", port 26379 by default; after a failover the store ' +
        'follows the new master). Options: dbid (database number, default 0) and socket_timeout ' +
        '(seconds a reply may take before the request fails with 503; default 5 here, where Zaqar\'s ' +
        'redis-py default is 0.1, because one command may be a Lua script over a batch of messages).',
    },
    {
      name: 'max_reconnect_attempts',
      type: 'integer',
      default: 10,
      min: 0,
      deprecated,
      help:
        'Connection attempts at start-up before the server gives up (with reconnect_sleep between ' +
        'them). Once running, a lost connection is retried without limit, so the store recovers by ' +
        'itself when Redis is back; meanwhile requests fail at once with 503 instead of waiting. ' +
        '(Zaqar retried each operation this many times, which makes clients wait minutes.)',
    },
    {
      name: 'reconnect_sleep',
      type: 'float',
      default: 1.0,
      min: 0,
      deprecated,
      help:
        'Seconds before the first reconnection attempt; the wait doubles after each failed attempt, ' +
        'up to 10 seconds.',
    },
    {
      name: 'wait_replicas',
      type: 'integer',
      min: 0,
      help:
        `Durability across failover (not in Zaqar): a write of the ${store} store (post, claim, ` +
        'delete, release, ...) is acknowledged only once this many replicas confirmed it (WAIT N ' +
        'wait_timeout); otherwise the request fails with 503 and the client retries (the write may ' +
        'still have happened). Unset: 1 with a Sentinel URI (?master=), 0 otherwise. 0 is Zaqar\'s ' +
        'behaviour: acknowledged once the master has it; Redis replicates asynchronously, so writes ' +
        'not yet on a replica when the master dies, and those the old master takes in the ~11 s after ' +
        'a Sentinel failover, are lost. Set it to the number of replicas Sentinel may promote: WAIT is ' +
        'not consensus, and Sentinel may promote a replica that was not among those that confirmed. ' +
        'One WAIT covers every write of an event-loop turn on one connection, and writes use a few ' +
        'connections so none waits behind a WAIT, which keeps the cost small.',
    },
    {
      name: 'wait_timeout',
      type: 'integer',
      default: 1000,
      min: 1,
      help:
        'Milliseconds WAIT may block for replica acknowledgements (wait_replicas > 0) before the ' +
        'request fails with 503.',
    },
  ];
}

export const redisMessageStoreOptionGroup: OptionGroup = {
  name: REDIS_MESSAGE_STORE_GROUP,
  help: 'Redis message store (messages and claims).',
  options: options('message'),
};

export const redisManagementStoreOptionGroup: OptionGroup = {
  name: REDIS_MANAGEMENT_STORE_GROUP,
  help: 'Redis management store (queues, pools, flavors, catalogue).',
  options: options('management'),
};

/** The resolved group, typed. */
export interface RedisStoreOptions {
  uri: string;
  maxReconnectAttempts: number;
  /** Seconds. */
  reconnectSleep: number;
  /** Unset (undefined): waitReplicasFor() picks the default for the URI. */
  waitReplicas: number | undefined;
  /** Milliseconds. */
  waitTimeoutMs: number;
}

/**
 * Types a resolved option group (missing keys take the declared defaults,
 * so a caller may pass a partial group, e.g. a per-pool overlay).
 */
export function readRedisStoreOptions(group: OptionGroup, values: Record<string, unknown>): RedisStoreOptions {
  const spec = (name: string): OptionSpec => group.options.find((o) => o.name === name)!;
  const pick = (name: string): unknown => values[name] ?? spec(name).default;
  const invalid = (name: string, reason: string): ConfigError =>
    new ConfigError(reason, { group: group.name, option: name });
  const number = (name: string, integer: boolean, min: number): number => {
    const value = pick(name);
    if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min) {
      throw invalid(name, `must be ${integer ? 'an integer' : 'a number'} >= ${min}`);
    }
    return value;
  };

  const uri = pick('uri');
  if (typeof uri !== 'string') throw invalid('uri', 'must be a string');
  return {
    uri,
    maxReconnectAttempts: number('max_reconnect_attempts', true, 0),
    reconnectSleep: number('reconnect_sleep', false, 0),
    waitReplicas: pick('wait_replicas') === undefined ? undefined : number('wait_replicas', true, 0),
    waitTimeoutMs: number('wait_timeout', true, 1),
  };
}

/** Sentinel URIs acknowledge a write once this many replicas have it unless wait_replicas says otherwise. */
export const SENTINEL_WAIT_REPLICAS = 1;

/**
 * `wait_replicas` in force: as configured, else SENTINEL_WAIT_REPLICAS for
 * a Sentinel URI (the deployment exists to survive a failover, which loses
 * unreplicated acknowledged writes) and 0 for a single server, whose
 * replicas, if any, the store does not know about.
 */
export function waitReplicasFor(options: RedisStoreOptions, sentinel: boolean): number {
  return options.waitReplicas ?? (sentinel ? SENTINEL_WAIT_REPLICAS : 0);
}
