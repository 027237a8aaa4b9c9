/**
 * The core option groups: every group Zaqar itself (and the libraries it
 * configures) declares, except the store drivers' groups, which their
 * plugins declare (plugins/storage/<name>/).
 *
 * The interfaces describe the resolved groups (`config.get(GROUP)`),
 * keyed by the option names of zaqar.conf. Note for consumers: as in oslo,
 * an empty value (`key =`) of an integer, float or port option resolves to
 * null; the interfaces spell out `| null` only where null is a normal state
 * (no default).
 */
import type { OptionGroup } from '../options';
import { CACHE_GROUP } from './cache';
import { CORS_GROUP } from './cors';
import { DEFAULT_GROUP } from './default';
import { DRIVERS_GROUP } from './drivers';
import { KEYSTONE_AUTHTOKEN_GROUP } from './keystone-authtoken';
import { NOTIFICATION_GROUP } from './notification';
import { OSLO_POLICY_GROUP } from './oslo-policy';
import { PLUGINS_GROUP } from './plugins';
import { POOLING_CATALOG_GROUP } from './pooling-catalog';
import { PROFILER_GROUP } from './profiler';
import { SIGNED_URL_GROUP } from './signed-url';
import { STORAGE_GROUP } from './storage';
import { TRANSPORT_GROUP } from './transport';
import { WEBSOCKET_TRANSPORT_GROUP, WSGI_TRANSPORT_GROUP } from './transport-servers';
import { TRUSTEE_GROUP } from './trustee';

export * from './cache';
export * from './cors';
export * from './default';
export * from './drivers';
export * from './keystone-authtoken';
export * from './logging';
export * from './notification';
export * from './oslo-policy';
export * from './plugins';
export * from './pooling-catalog';
export * from './profiler';
export * from './signed-url';
export * from './storage';
export * from './transport';
export * from './transport-servers';
export * from './trustee';

export const CORE_OPTION_GROUPS: readonly OptionGroup[] = [
  DEFAULT_GROUP,
  DRIVERS_GROUP,
  WSGI_TRANSPORT_GROUP,
  WEBSOCKET_TRANSPORT_GROUP,
  TRANSPORT_GROUP,
  NOTIFICATION_GROUP,
  SIGNED_URL_GROUP,
  STORAGE_GROUP,
  POOLING_CATALOG_GROUP,
  CACHE_GROUP,
  CORS_GROUP,
  OSLO_POLICY_GROUP,
  KEYSTONE_AUTHTOKEN_GROUP,
  PROFILER_GROUP,
  TRUSTEE_GROUP,
  PLUGINS_GROUP,
];
