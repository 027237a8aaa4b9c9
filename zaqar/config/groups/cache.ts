/**
 * [cache] (oslo.cache). Zaqar caches two short-lived
 * lookups only; with the defaults nothing is cached.
 */
import { defineGroup } from './define';

export interface CacheOptions {
  config_prefix: string;
  expiration_time: number;
  backend: string;
  /** `name:value` items, one per assignment line (multi-valued). */
  backend_argument: string[];
  proxies: string[];
  enabled: boolean;
  debug_cache_backend: boolean;
  memcache_servers: string[];
  memcache_dead_retry: number;
  memcache_socket_timeout: number;
  memcache_pool_maxsize: number;
  memcache_pool_unused_timeout: number;
  memcache_pool_connection_get_timeout: number;
  memcache_pool_flush_on_reconnect: boolean;
  memcache_sasl_enabled: boolean;
  memcache_username: string | null;
  memcache_password: string | null;
  tls_enabled: boolean;
  tls_cafile: string | null;
  tls_certfile: string | null;
  tls_keyfile: string | null;
  tls_allowed_ciphers: string | null;
  enable_socket_keepalive: boolean;
  socket_keepalive_idle: number;
  socket_keepalive_interval: number;
  socket_keepalive_count: number;
  enable_retry_client: boolean;
  retry_attempts: number;
  retry_delay: number;
  hashclient_retry_attempts: number;
  hashclient_retry_delay: number;
  dead_timeout: number;
}

/** oslo.cache's accepted backends (as listed in Zaqar 15's sample file). */
const BACKENDS = [
  'oslo_cache.memcache_pool',
  'oslo_cache.dict',
  'oslo_cache.mongo',
  'oslo_cache.etcd3gw',
  'dogpile.cache.pymemcache',
  'dogpile.cache.memcached',
  'dogpile.cache.pylibmc',
  'dogpile.cache.bmemcached',
  'dogpile.cache.dbm',
  'dogpile.cache.redis',
  'dogpile.cache.memory',
  'dogpile.cache.memory_pickle',
  'dogpile.cache.null',
];

export const CACHE_GROUP = defineGroup<CacheOptions>('cache', 'Caching (oslo.cache).', {
  config_prefix: { type: 'string', default: 'cache.oslo', help: 'Prefix of the cache region configuration.' },
  expiration_time: { type: 'integer', default: 600, help: 'Default TTL, in seconds, of cached items.' },
  backend: { type: 'string', default: 'dogpile.cache.null', choices: BACKENDS, help: 'Cache backend module.' },
  backend_argument: {
    type: 'multistring',
    default: [],
    secret: true,
    help: 'Backend argument "<argname>:<value>"; repeat the option once per argument.',
  },
  proxies: { type: 'list', default: [], help: 'Proxy classes that change the backend behaviour.' },
  enabled: { type: 'boolean', default: false, help: 'Global toggle for caching.' },
  debug_cache_backend: { type: 'boolean', default: false, help: 'Log every cache call.' },
  memcache_servers: { type: 'list', default: ['localhost:11211'], help: 'Memcache servers as "host:port".' },
  memcache_dead_retry: { type: 'integer', default: 300, help: 'Seconds a memcached server is considered dead.' },
  memcache_socket_timeout: { type: 'float', default: 1.0, help: 'Timeout in seconds for every call to a server.' },
  memcache_pool_maxsize: { type: 'integer', default: 10, help: 'Max open connections to every memcached server.' },
  memcache_pool_unused_timeout: { type: 'integer', default: 60, help: 'Seconds an unused pooled connection is kept.' },
  memcache_pool_connection_get_timeout: {
    type: 'integer',
    default: 10,
    help: 'Seconds to wait for a memcache client connection.',
  },
  memcache_pool_flush_on_reconnect: { type: 'boolean', default: false, help: 'Flush memcache on reconnect.' },
  memcache_sasl_enabled: { type: 'boolean', default: false, help: 'Use SASL with memcached.' },
  memcache_username: { type: 'string', default: '', help: 'SASL user name for memcached.' },
  memcache_password: { type: 'string', default: '', secret: true, help: 'SASL password for memcached.' },
  tls_enabled: { type: 'boolean', default: false, help: 'Use TLS towards the caching servers.' },
  tls_cafile: { type: 'string', help: 'CA certificates (PEM) of the caching servers.' },
  tls_certfile: { type: 'string', help: 'Client certificate (PEM).' },
  tls_keyfile: { type: 'string', help: 'Client private key.' },
  tls_allowed_ciphers: { type: 'string', help: 'OpenSSL cipher list.' },
  enable_socket_keepalive: { type: 'boolean', default: false, help: 'TCP keepalive for pymemcache.' },
  socket_keepalive_idle: { type: 'integer', default: 1, min: 0, help: 'Idle seconds before keepalive probes.' },
  socket_keepalive_interval: { type: 'integer', default: 1, min: 0, help: 'Seconds between keepalive probes.' },
  socket_keepalive_count: { type: 'integer', default: 1, min: 0, help: 'Keepalive probes before dropping the connection.' },
  enable_retry_client: { type: 'boolean', default: false, help: 'Retry failed pymemcache calls.' },
  retry_attempts: { type: 'integer', default: 2, min: 1, help: 'Attempts before failing.' },
  retry_delay: { type: 'float', default: 0, help: 'Seconds between attempts.' },
  hashclient_retry_attempts: { type: 'integer', default: 2, min: 1, help: 'Attempts before a client is marked dead.' },
  hashclient_retry_delay: { type: 'float', default: 1, help: 'Seconds between HashClient retries.' },
  dead_timeout: { type: 'float', default: 60, help: 'Seconds before a dead node is added back to the pool.' },
});
