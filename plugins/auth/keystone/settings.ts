/**
 * [keystone_authtoken] as this plugin uses it, checked at start-up: the
 * service user's `password` plugin options (keystoneauth1's generic
 * password plugin), the endpoint choice, and auth_token's own options; and
 * [trustee], the same password plugin options for the trustee of trusts.
 * What cannot work is refused here (exit code 2, the option named) rather
 * than as a 503 on every request.
 */
import type { Logger } from '../../../zaqar/common/logger';
import { KEYSTONE_AUTHTOKEN_GROUP, TRUSTEE_GROUP } from '../../../zaqar/config/groups';
import type { KeystoneauthPasswordOptions, KeystoneauthTlsOptions } from '../../../zaqar/config/groups/keystoneauth';
import { ConfigError, type Config } from '../../../zaqar/config/options';
import type { HttpSettings } from './http';

/** Seconds a request to Keystone may take when `http_connect_timeout` is unset (keystoneauth would wait forever). */
export const DEFAULT_TIMEOUT_SECONDS = 10;
/** Most validated tokens kept in memory; the least recently used go first. */
export const TOKEN_CACHE_ENTRIES = 10_000;

type DomainRef = { id: string } | { name: string };

/** The `auth` object of `POST /v3/auth/tokens` for the service user. */
export interface PasswordAuth {
  identity: { methods: ['password']; password: { user: { id: string; password: string } | { name: string; domain: DomainRef; password: string } } };
  scope?:
    | { project: { id: string } | { name: string; domain: DomainRef } }
    | { domain: DomainRef }
    | { system: { all: true } }
    | { 'OS-TRUST:trust': { id: string } };
}

export interface KeystoneSettings {
  authUrl: string;
  /** Sent in `WWW-Authenticate: Keystone uri="..."` with every 401. */
  wwwAuthenticateUri: string;
  interface: string;
  regionName?: string;
  auth: PasswordAuth;
  delayAuthDecision: boolean;
  /** Seconds; < 0 disables the cache, 0 keeps a validation until the token expires. */
  tokenCacheTime: number;
  serviceTokenRoles: string[];
  serviceTokenRolesRequired: boolean;
  enforceTokenBind: string;
  serviceType?: string;
  http: HttpSettings;
}

const GROUP = KEYSTONE_AUTHTOKEN_GROUP.name;
const TRUSTEE = TRUSTEE_GROUP.name;
const refuseIn =
  (group: string) =>
  (option: string, reason: string): ConfigError =>
    new ConfigError(reason, { group, option });
const given = (value: string | null | undefined): value is string => typeof value === 'string' && value !== '';

function domainRef(id: string | null, name: string | null, o: KeystoneauthPasswordOptions): DomainRef | undefined {
  if (given(id)) return { id };
  if (given(name)) return { name };
  if (given(o.default_domain_id)) return { id: o.default_domain_id };
  if (given(o.default_domain_name)) return { name: o.default_domain_name };
  return undefined;
}

/** keystoneauth1's password plugin as configured in `group` ([keystone_authtoken] or [trustee]): the login body. */
function passwordAuth(o: KeystoneauthPasswordOptions, group: string, who: string): PasswordAuth {
  const refuse = refuseIn(group);
  if (!given(o.password)) throw refuse('password', `${who} needs a password (auth_type = password)`);
  let user: PasswordAuth['identity']['password']['user'];
  if (given(o.user_id)) user = { id: o.user_id, password: o.password };
  else if (given(o.username)) {
    const domain = domainRef(o.user_domain_id, o.user_domain_name, o);
    if (!domain) throw refuse('user_domain_name', 'username needs user_domain_name or user_domain_id (or default_domain_*)');
    user = { name: o.username, domain, password: o.password };
  } else throw refuse('username', `${who} needs username or user_id (auth_type = password)`);
  const auth: PasswordAuth = { identity: { methods: ['password'], password: { user } } };
  if (given(o.project_id)) auth.scope = { project: { id: o.project_id } };
  else if (given(o.project_name)) {
    const domain = domainRef(o.project_domain_id, o.project_domain_name, o);
    if (!domain) throw refuse('project_domain_name', 'project_name needs project_domain_name or project_domain_id (or default_domain_*)');
    auth.scope = { project: { name: o.project_name, domain } };
  } else if (given(o.domain_id) || given(o.domain_name)) auth.scope = { domain: domainRef(o.domain_id, o.domain_name, o)! };
  else if (given(o.system_scope)) auth.scope = { system: { all: true } };
  else if (given(o.trust_id)) auth.scope = { 'OS-TRUST:trust': { id: o.trust_id } };
  return auth;
}

/** The checks keystoneauth's loading makes of a password plugin group (the auth type, an absolute auth_url). */
function checkPasswordPlugin(o: KeystoneauthPasswordOptions, group: string): string {
  const refuse = refuseIn(group);
  if (given(o.auth_section)) throw refuse('auth_section', `not supported: put the password plugin options in [${group}] itself`);
  const authType = o.auth_type ?? '';
  if (authType !== 'password' && authType !== 'v3password') {
    throw refuse('auth_type', `${authType ? `'${authType}' is` : 'an empty auth_type (the legacy admin_user options) is'} not supported; use auth_type = password`);
  }
  if (!given(o.auth_url)) throw refuse('auth_url', 'the Identity endpoint is required (auth_type = password)');
  try {
    new URL(o.auth_url);
  } catch {
    throw refuse('auth_url', `not a URL: ${o.auth_url}`);
  }
  return o.auth_url;
}

function checkTlsFiles(o: KeystoneauthTlsOptions, group: string): void {
  for (const [option, file] of [['cafile', o.cafile], ['certfile', o.certfile], ['keyfile', o.keyfile]] as const) {
    if (file === '') throw refuseIn(group)(option, 'empty path');
  }
}

export function keystoneSettings(config: Config, logger: Logger): KeystoneSettings {
  const o = config.get(KEYSTONE_AUTHTOKEN_GROUP);
  const authUrl = checkPasswordPlugin(o, GROUP);
  if (o.auth_version && !/^v?3(\.\d+)?$/.test(o.auth_version)) {
    logger.warn({ auth_version: o.auth_version }, 'only the Identity v3 API is spoken; auth_version is ignored');
  }
  if (o.memcached_servers && o.memcached_servers.length > 0) {
    logger.warn('memcached_servers is ignored: validated tokens are cached in this process (token_cache_time)');
  }
  if (o.www_authenticate_uri === null) {
    logger.warn('www_authenticate_uri is not set: the WWW-Authenticate header of 401 answers names auth_url');
  }
  checkTlsFiles(o, GROUP);
  return {
    authUrl,
    wwwAuthenticateUri: o.www_authenticate_uri ?? authUrl,
    interface: o.interface || 'internal',
    regionName: given(o.region_name) ? o.region_name : undefined,
    auth: passwordAuth(o, GROUP, 'the service user'),
    delayAuthDecision: o.delay_auth_decision,
    tokenCacheTime: o.token_cache_time ?? 300,
    serviceTokenRoles: o.service_token_roles,
    serviceTokenRolesRequired: o.service_token_roles_required,
    enforceTokenBind: o.enforce_token_bind,
    serviceType: given(o.service_type) ? o.service_type : undefined,
    http: {
      timeoutSeconds: o.http_connect_timeout && o.http_connect_timeout > 0 ? o.http_connect_timeout : DEFAULT_TIMEOUT_SECONDS,
      connectRetries: Math.max(0, o.http_request_max_retries ?? 0),
      cafile: o.cafile ?? undefined,
      certfile: o.certfile ?? undefined,
      keyfile: o.keyfile ?? undefined,
      insecure: o.insecure,
    },
  };
}

/** [trustee] as this plugin uses it (trusts.ts). */
export interface TrusteeSettings {
  authUrl: string;
  /** The trustee's own login, with the scope [trustee] names (if any): it tells the trustee's user id. */
  auth: PasswordAuth;
  http: HttpSettings;
}

/**
 * [trustee], checked at start-up like [keystone_authtoken]; undefined when
 * it names no `auth_type` (keystoneauth then loads no plugin: Zaqar has no
 * trustee, and trust+http(s) subscribers are not served).
 */
export function trusteeSettings(config: Config): TrusteeSettings | undefined {
  const o = config.get(TRUSTEE_GROUP);
  if (!given(o.auth_type) && !given(o.auth_section)) return undefined;
  const authUrl = checkPasswordPlugin(o, TRUSTEE);
  checkTlsFiles(o, TRUSTEE);
  if (o.timeout !== null && !(o.timeout > 0)) throw refuseIn(TRUSTEE)('timeout', 'must be a positive number of seconds');
  return {
    authUrl,
    auth: passwordAuth(o, TRUSTEE, 'the trustee'),
    http: {
      timeoutSeconds: o.timeout ?? DEFAULT_TIMEOUT_SECONDS,
      // keystoneauth's session: connect_retries defaults to 0.
      connectRetries: 0,
      cafile: o.cafile ?? undefined,
      certfile: o.certfile ?? undefined,
      keyfile: o.keyfile ?? undefined,
      insecure: o.insecure,
    },
  };
}
