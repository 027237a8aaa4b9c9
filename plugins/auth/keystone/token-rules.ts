/**
 * The checks auth_token makes of a validated token beyond its expiry
 * (keystonemiddleware.auth_token `BaseAuthProtocol`):
 *
 * - application-credential access rules (`validate_allowed_request`): a
 *   restricted credential's token is good only for the methods and paths
 *   its rules name for this service's type (`service_type`); with a
 *   service token beside it, the request is part of a chain and allowed;
 * - token binding (`_confirm_token_bind`, `enforce_token_bind`): this
 *   server sees no Kerberos authentication, so a token bound to Kerberos
 *   passes only in `permissive` mode, like any bind it does not know.
 *
 * Each returns a reason to refuse, or undefined.
 */
import type { AccessRule, TokenInfo } from './token-info';

/** auth_token's `_path_matches`: `{tag}` and `*` match one path segment, `**` anything. */
export function pathMatches(requestPath: string, pattern: string): boolean {
  let regex = '';
  for (const m of pattern.matchAll(/(\{[^}]*\})|(\*\*)|(\*)|([^{}*])/g)) {
    if (m[1] !== undefined || m[3] !== undefined) regex += '[^/]+';
    else if (m[2] !== undefined) regex += '.*';
    else regex += m[4].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${regex}$`).test(requestPath);
}

export function accessRulesRefusal(
  token: TokenInfo,
  request: { method?: string; path?: string },
  options: { serviceType?: string; withServiceToken: boolean },
): string | undefined {
  const rules: AccessRule[] | undefined = token.accessRules;
  if (rules === undefined) return undefined;
  if (!options.serviceType) return 'restricted application credential, but [keystone_authtoken] service_type is not set';
  if (options.withServiceToken) return undefined;
  const path = (request.path ?? '').split('?')[0];
  const allowed = rules.some((rule) => rule.method === request.method && rule.service === options.serviceType && pathMatches(path, rule.path));
  return allowed ? undefined : 'the application credential does not allow this request';
}

export function bindRefusal(token: TokenInfo, mode: string): string | undefined {
  if (mode === 'disabled') return undefined;
  const permissive = mode === 'permissive' || mode === 'strict';
  const bind = token.bind;
  if (bind === undefined || Object.keys(bind).length === 0) return permissive ? undefined : 'no bind information present in token';
  const named = permissive || mode === 'required' ? undefined : mode;
  if (named !== undefined && !(named in bind)) return `named bind mode ${named} not in bind information`;
  for (const kind of Object.keys(bind)) {
    // kerberos: the request would have to come authenticated by it (AUTH_TYPE negotiate), which never happens here.
    if (kind === 'kerberos') return 'Kerberos credentials required and not present';
    if (mode !== 'permissive') return `could not verify unknown bind ${kind}`;
  }
  return undefined;
}
