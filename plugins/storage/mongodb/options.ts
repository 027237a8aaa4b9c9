/**
 * `[drivers:message_store:mongodb]` and `[drivers:management_store:mongodb]`
 * (`zaqar.conf.drivers_message_store_mongodb` and
 * `zaqar.conf.drivers_management_store_mongodb`): Zaqar's option groups of
 * the MongoDB stores. Both groups accept every option under the deprecated
 * group `[drivers:storage:mongodb]` too; the management group has no
 * `partitions`.
 *
 * Kept free of runtime dependencies: the plugin manifest imports this file
 * at start-up, long before the driver (and the mongodb package) is loaded.
 */
import { ConfigError, type OptionGroup, type OptionSpec } from '../../../zaqar/config/options';

export const MESSAGE_STORE_GROUP = 'drivers:message_store:mongodb';
export const MANAGEMENT_STORE_GROUP = 'drivers:management_store:mongodb';
const DEPRECATED_GROUP = 'drivers:storage:mongodb';

/** What pymongo connects to when Zaqar's `uri` is unset. */
export const DEFAULT_URI = 'mongodb://127.0.0.1:27017';

const deprecated = [{ group: DEPRECATED_GROUP }];

const uri: OptionSpec = {
  name: 'uri',
  type: 'string',
  help:
    'MongoDB connection URI (unset: mongodb://127.0.0.1:27017). Any scheme prefix such as ' +
    'mongodb.fifo:// is read as mongodb://. With ssl=true in the URI the ssl_* options apply. ' +
    'The message store refuses to start unless connected to a replica set (more than one ' +
    'member) or a mongos with a write concern of majority or w >= 2, unless [DEFAULT] ' +
    'unreliable = true.',
  deprecated,
  secret: true,
};

const database: OptionSpec = {
  name: 'database',
  type: 'string',
  default: 'zaqar',
  help:
    'Base database name. Management store: <database> (pools, flavors, catalogue), ' +
    '<database>_queues and <database>_topics; message store: <database>_messages_p<N> and ' +
    '<database>_subscriptions.',
  deprecated,
};

const sslOptions: OptionSpec[] = [
  { name: 'ssl_keyfile', type: 'string', help: 'Client private key file (PEM).', deprecated },
  { name: 'ssl_certfile', type: 'string', help: 'Client certificate file (PEM).', deprecated },
  {
    name: 'ssl_cert_reqs',
    type: 'string',
    default: 'CERT_REQUIRED',
    help: 'Server certificate check: CERT_NONE, CERT_OPTIONAL or CERT_REQUIRED (any other value means CERT_REQUIRED).',
    deprecated,
  },
  { name: 'ssl_ca_certs', type: 'string', help: 'CA bundle that validates the server certificate.', deprecated },
];

const retryOptions: OptionSpec[] = [
  {
    name: 'max_attempts',
    type: 'integer',
    default: 1000,
    min: 0,
    help: 'Maximum attempts of a message post whose markers collided with a parallel post.',
    deprecated,
  },
  {
    name: 'max_retry_sleep',
    type: 'float',
    default: 0.1,
    help: 'Upper bound (seconds) of the linear back-off between those attempts.',
    deprecated,
  },
  {
    name: 'max_retry_jitter',
    type: 'float',
    default: 0.005,
    help: 'Maximum random jitter (seconds) added to that back-off.',
    deprecated,
  },
  {
    name: 'max_reconnect_attempts',
    type: 'integer',
    default: 10,
    help: 'How often an idempotent operation is retried after a connection failure or primary fail-over.',
    deprecated,
  },
  {
    name: 'reconnect_sleep',
    type: 'float',
    default: 0.02,
    help: 'Base sleep (seconds) before such a retry; doubles with every attempt.',
    deprecated,
  },
];

const partitions: OptionSpec = {
  name: 'partitions',
  type: 'integer',
  default: 2,
  min: 1,
  help:
    'Number of message databases; a queue lives in partition crc32(project + queue) % partitions. ' +
    'Never change it on a store that holds messages.',
  deprecated,
};

export const mongoMessageStoreOptionGroup: OptionGroup = {
  name: MESSAGE_STORE_GROUP,
  help: 'MongoDB message store.',
  options: [uri, database, ...sslOptions, ...retryOptions, partitions],
};

export const mongoManagementStoreOptionGroup: OptionGroup = {
  name: MANAGEMENT_STORE_GROUP,
  help: 'MongoDB management store.',
  options: [uri, database, ...sslOptions, ...retryOptions],
};

/** Connection settings shared by both stores. */
export interface MongoConnectionOptions {
  uri: string;
  database: string;
  sslKeyfile: string | null;
  sslCertfile: string | null;
  sslCertReqs: string;
  sslCaCerts: string | null;
  /** Retries of idempotent operations after a connection failure. */
  maxReconnectAttempts: number;
  /** Seconds; doubled with every attempt. */
  reconnectSleep: number;
}

/** The post retry policy of the FIFO marker protocol (see publisher.ts). */
export interface PostRetryOptions {
  maxAttempts: number;
  /** Seconds. */
  maxRetrySleep: number;
  /** Seconds. */
  maxRetryJitter: number;
}

export interface MongoMessageStoreOptions extends MongoConnectionOptions, PostRetryOptions {
  partitions: number;
}

export type MongoManagementStoreOptions = MongoConnectionOptions;

/** Reads resolved option values; missing keys take the declared defaults (a caller may pass a partial group). */
class GroupReader {
  constructor(
    private readonly group: string,
    private readonly values: Record<string, unknown>,
  ) {}

  private pick(spec: OptionSpec): unknown {
    return this.values[spec.name] ?? spec.default ?? null;
  }

  private invalid(spec: OptionSpec, reason: string): ConfigError {
    return new ConfigError(reason, { group: this.group, option: spec.name });
  }

  string(spec: OptionSpec): string | null {
    const value = this.pick(spec);
    if (value === null || value === '') return null;
    if (typeof value !== 'string') throw this.invalid(spec, 'must be a string');
    return value;
  }

  number(spec: OptionSpec, integer: boolean): number {
    const value = this.pick(spec);
    if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
      throw this.invalid(spec, integer ? 'must be an integer' : 'must be a number');
    }
    if (spec.min !== undefined && value < spec.min) throw this.invalid(spec, `must be at least ${spec.min}`);
    return value;
  }
}

function spec(name: string): OptionSpec {
  const found = mongoMessageStoreOptionGroup.options.find((option) => option.name === name);
  if (found === undefined) throw new Error(`no MongoDB option ${name}`);
  return found;
}

function readConnection(reader: GroupReader): MongoConnectionOptions {
  return {
    uri: reader.string(uri) ?? DEFAULT_URI,
    database: reader.string(database) ?? 'zaqar',
    sslKeyfile: reader.string(spec('ssl_keyfile')),
    sslCertfile: reader.string(spec('ssl_certfile')),
    sslCertReqs: reader.string(spec('ssl_cert_reqs')) ?? 'CERT_REQUIRED',
    sslCaCerts: reader.string(spec('ssl_ca_certs')),
    maxReconnectAttempts: reader.number(spec('max_reconnect_attempts'), true),
    reconnectSleep: reader.number(spec('reconnect_sleep'), false),
  };
}

/** Types the resolved `[drivers:message_store:mongodb]` group. */
export function readMessageStoreOptions(values: Record<string, unknown>): MongoMessageStoreOptions {
  const reader = new GroupReader(MESSAGE_STORE_GROUP, values);
  return {
    ...readConnection(reader),
    maxAttempts: reader.number(spec('max_attempts'), true),
    maxRetrySleep: reader.number(spec('max_retry_sleep'), false),
    maxRetryJitter: reader.number(spec('max_retry_jitter'), false),
    partitions: reader.number(partitions, true),
  };
}

/** Types the resolved `[drivers:management_store:mongodb]` group. */
export function readManagementStoreOptions(values: Record<string, unknown>): MongoManagementStoreOptions {
  return readConnection(new GroupReader(MANAGEMENT_STORE_GROUP, values));
}
