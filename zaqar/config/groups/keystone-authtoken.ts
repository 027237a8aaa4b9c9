/**
 * [keystone_authtoken]: the options of keystonemiddleware's `auth_token`
 * that Zaqar uses, plus the `password` auth plugin's options. Zaqar reads
 * them only when [DEFAULT] auth_strategy = keystone (plugins/auth/keystone);
 * Debian's sample file sets several of them even when auth is off.
 */
import type { OptionGroup } from '../options';
import { defineOptions } from './define';
import {
  KEYSTONEAUTH_PASSWORD_OPTIONS,
  KEYSTONEAUTH_TLS_OPTIONS,
  type KeystoneauthPasswordOptions,
  type KeystoneauthTlsOptions,
} from './keystoneauth';

/** keystonemiddleware's own options (the rest are keystoneauth1's). */
interface AuthtokenOwnOptions {
  www_authenticate_uri: string | null;
  region_name: string | null;
  interface: string;
  auth_version: string | null;
  delay_auth_decision: boolean;
  http_connect_timeout: number | null;
  http_request_max_retries: number;
  memcached_servers: string[] | null;
  token_cache_time: number;
  memcache_security_strategy: string;
  memcache_secret_key: string | null;
  memcache_pool_dead_retry: number;
  memcache_pool_maxsize: number;
  memcache_pool_socket_timeout: number;
  memcache_pool_unused_timeout: number;
  memcache_pool_conn_get_timeout: number;
  memcache_use_advanced_pool: boolean;
  include_service_catalog: boolean;
  enforce_token_bind: string;
  service_token_roles: string[];
  service_token_roles_required: boolean;
  service_type: string | null;
  cache: string | null;
}

export interface KeystoneAuthtokenOptions extends KeystoneauthPasswordOptions, KeystoneauthTlsOptions, AuthtokenOwnOptions {}

const text = (help: string) => ({ type: 'string', help }) as const;

export const KEYSTONE_AUTHTOKEN_GROUP: OptionGroup<KeystoneAuthtokenOptions> = {
  name: 'keystone_authtoken',
  help: 'Keystone token validation (keystonemiddleware auth_token).',
  options: [
    ...KEYSTONEAUTH_PASSWORD_OPTIONS,
    ...KEYSTONEAUTH_TLS_OPTIONS,
    ...defineOptions<AuthtokenOwnOptions>({
      www_authenticate_uri: {
        type: 'string',
        help: 'Public Identity endpoint sent in WWW-Authenticate on 401.',
        deprecated: [{ name: 'auth_uri' }],
      },
      region_name: text('Region of the Identity server.'),
      interface: { type: 'string', default: 'internal', help: 'Identity endpoint interface (public, internal, admin).' },
      auth_version: text('Identity API version.'),
      delay_auth_decision: {
        type: 'boolean',
        default: false,
        help: 'Pass invalid tokens downstream instead of rejecting them.',
      },
      http_connect_timeout: { type: 'integer', help: 'Timeout talking to the Identity API server.' },
      http_request_max_retries: { type: 'integer', default: 3, help: 'Retries talking to the Identity API server.' },
      memcached_servers: {
        type: 'list',
        help: 'Token cache servers; tokens are cached in-process when unset.',
        deprecated: [{ name: 'memcache_servers' }],
      },
      token_cache_time: { type: 'integer', default: 300, help: 'Seconds a validated token is cached; -1 disables.' },
      memcache_security_strategy: {
        type: 'string',
        default: 'None',
        choices: ['None', 'MAC', 'ENCRYPT'],
        ignoreCase: true,
        help: 'Protection of cached token data.',
      },
      memcache_secret_key: { type: 'string', secret: true, help: 'Key for memcache_security_strategy.' },
      memcache_pool_dead_retry: { type: 'integer', default: 300, help: 'Seconds a memcached server is considered dead.' },
      memcache_pool_maxsize: { type: 'integer', default: 10, help: 'Max open connections to every memcached server.' },
      memcache_pool_socket_timeout: { type: 'integer', default: 3, help: 'Socket timeout towards memcached.' },
      memcache_pool_unused_timeout: { type: 'integer', default: 60, help: 'Seconds an unused connection is kept.' },
      memcache_pool_conn_get_timeout: { type: 'integer', default: 10, help: 'Seconds to wait for a pooled connection.' },
      memcache_use_advanced_pool: { type: 'boolean', default: true, help: 'Use the advanced memcached client pool.' },
      include_service_catalog: { type: 'boolean', default: true, help: 'Set the X-Service-Catalog header.' },
      enforce_token_bind: {
        type: 'string',
        default: 'permissive',
        help: 'Token binding: disabled, permissive, strict, required, or a bind method name.',
      },
      service_token_roles: { type: 'list', default: ['service'], help: 'Roles required of a service token.' },
      service_token_roles_required: { type: 'boolean', default: false, help: 'Enforce service_token_roles.' },
      service_type: text('Service type, for access-rule validation.'),
      cache: text('Environment key of a shared Swift cache (unused by Zaqar).'),
    }),
  ],
};
