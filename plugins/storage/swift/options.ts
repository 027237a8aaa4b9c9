/**
 * `[drivers:message_store:swift]` (Zaqar's zaqar.conf.drivers_message_store_swift),
 * plus this implementation's client options (`timeout`, `retries`,
 * `connections`).
 *
 * Kept free of runtime dependencies: the plugin manifest imports this file
 * at start-up, long before the driver itself is loaded.
 */
import { ConfigError, type OptionGroup, type OptionSpec } from '../../../zaqar/config/options';

export const SWIFT_MESSAGE_STORE_GROUP = 'drivers:message_store:swift';

const options: OptionSpec[] = [
  {
    name: 'auth_url',
    type: 'string',
    default: 'http://127.0.0.1:5000/v3/',
    help:
      'Where to authenticate. A Keystone endpoint (Identity v3; "/v3" is added when missing): password ' +
      'authentication with the user, password and project of `uri`, then the object-store endpoint from the ' +
      "token's catalog. An URL ending in /auth/v1.0 (or /v1.0) is Swift's tempauth instead (not in Zaqar): " +
      'X-Auth-User "project:user", X-Auth-Key the password, and the storage URL tempauth returns.',
  },
  {
    name: 'uri',
    type: 'string',
    default: 'swift://demo:nomoresecrete@/demo',
    secret: true,
    help: 'swift://<username>:<password>@/<project_name> (user, password and project; the host part is empty). Percent-encode ":", "@" and "/" in them.',
  },
  {
    name: 'insecure',
    type: 'string',
    default: 'False',
    help:
      'Skip TLS certificate verification towards Keystone and Swift. Read as a boolean (true/yes/on/1); ' +
      'Zaqar passes the string itself on, so there any non-empty value, even its default "False", turns ' +
      'verification off.',
  },
  { name: 'project_domain_id', type: 'string', default: 'default', help: 'Domain id of the project (Keystone).' },
  { name: 'project_domain_name', type: 'string', help: 'Domain name of the project (Keystone); used instead of project_domain_id when set.' },
  { name: 'user_domain_id', type: 'string', default: 'default', help: 'Domain id of the user (Keystone).' },
  { name: 'user_domain_name', type: 'string', help: 'Domain name of the user (Keystone); used instead of user_domain_id when set.' },
  { name: 'region_name', type: 'string', help: 'Region of the object-store endpoint in the catalog (any region when unset).' },
  {
    name: 'interface',
    type: 'string',
    default: 'publicURL',
    help: 'Interface of the object-store endpoint in the catalog: public, internal or admin (publicURL, internalURL, adminURL as in Zaqar).',
  },
  {
    name: 'timeout',
    type: 'float',
    default: 10,
    min: 0.1,
    help: 'Seconds a Swift (or Keystone) request may take before it counts as failed (then retried, or 503).',
  },
  {
    name: 'retries',
    type: 'integer',
    default: 2,
    min: 0,
    help:
      'Retries of a request that may be repeated safely (GET, HEAD, POST, DELETE, object PUT) after a ' +
      'connection error, a timeout or a 5xx answer, 100 ms and 400 ms apart; then the API answers 503.',
  },
  {
    name: 'connections',
    type: 'integer',
    default: 32,
    min: 1,
    help: 'Keep-alive connections to the Swift proxy at most (one request at a time on each).',
  },
];

export const swiftMessageStoreOptionGroup: OptionGroup = {
  name: SWIFT_MESSAGE_STORE_GROUP,
  help: 'OpenStack Swift message store (messages, claims and subscriptions as objects).',
  options,
};

/** The resolved group, typed. */
export interface SwiftStoreOptions {
  authUrl: string;
  uri: string;
  insecure: boolean;
  projectDomainId: string | undefined;
  projectDomainName: string | undefined;
  userDomainId: string | undefined;
  userDomainName: string | undefined;
  regionName: string | undefined;
  interface: string;
  timeoutMs: number;
  retries: number;
  connections: number;
}

/** Zaqar's `insecure` is a string; here it is read as a boolean. */
export function parseInsecure(value: string): boolean {
  return /^(true|yes|on|1)$/i.test(value.trim());
}

/** Types a resolved option group (missing keys take the declared defaults, e.g. in a pool's overlay). */
export function readSwiftStoreOptions(values: Record<string, unknown>): SwiftStoreOptions {
  const spec = (name: string): OptionSpec => options.find((o) => o.name === name)!;
  const pick = (name: string): unknown => values[name] ?? spec(name).default;
  const invalid = (name: string, reason: string): ConfigError => new ConfigError(reason, { group: SWIFT_MESSAGE_STORE_GROUP, option: name });
  const text = (name: string): string | undefined => {
    const value = pick(name);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw invalid(name, 'must be a string');
    return value;
  };
  const number = (name: string, integer: boolean, min: number): number => {
    const value = pick(name);
    if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min) {
      throw invalid(name, `must be ${integer ? 'an integer' : 'a number'} >= ${min}`);
    }
    return value;
  };
  return {
    authUrl: text('auth_url') ?? String(spec('auth_url').default),
    uri: text('uri') ?? String(spec('uri').default),
    insecure: parseInsecure(text('insecure') ?? ''),
    projectDomainId: text('project_domain_id'),
    projectDomainName: text('project_domain_name'),
    userDomainId: text('user_domain_id'),
    userDomainName: text('user_domain_name'),
    regionName: text('region_name'),
    interface: text('interface') ?? 'publicURL',
    timeoutMs: Math.round(number('timeout', false, 0.1) * 1000),
    retries: number('retries', true, 0),
    connections: number('connections', true, 1),
  };
}
