/**
 * Keystone authentication (`[DEFAULT] auth_strategy = keystone`): what
 * keystonemiddleware's auth_token does in front of Zaqar, as a strategy.
 * The identity comes only from the validated token; whatever identity
 * headers the client sent (X-Project-Id, X-Roles, ...) are never read
 * (`trustsClientHeaders: false`).
 *
 * - `X-Auth-Token` (or `X-Storage-Token`) is validated by Keystone, or by
 *   the cache within `token_cache_time`; an expired one is refused even
 *   from the cache, unless a service token with one of
 *   `service_token_roles` came along (then Keystone is asked for it with
 *   `allow_expired`).
 * - `X-Service-Token`, when sent, must be valid too (and, with
 *   `service_token_roles_required`, hold one of `service_token_roles`).
 * - Refused: 401 with `WWW-Authenticate: Keystone uri="<www_authenticate_uri>"`.
 *   Keystone unreachable or failing: 503, never a pass.
 * - `delay_auth_decision`: instead of refusing (Keystone failing included),
 *   the request goes on: with the user's identity when the user token was
 *   valid (an invalid service token shows as the handle's serviceStatus),
 *   else with no project and no roles (handle status `Invalid`), which the
 *   core refuses for the missing project, as Zaqar does behind auth_token.
 * - `trusts`: Keystone trusts for trust+http(s) subscribers (trusts.ts),
 *   only when [trustee] is configured.
 */
import type { Logger } from '../../../zaqar/common/logger';
import { DomainError } from '../../../zaqar/api/errors';
import { AuthFailure, type AuthStrategy, type Credentials, type Identity } from '../../../zaqar/auth/strategy';
import type { Trusts } from '../../../zaqar/auth/trusts';
import { InvalidToken, KeystoneUnavailable } from './errors';
import type { KeystoneHandle } from './handle';
import type { ServiceSession } from './service-session';
import type { KeystoneSettings } from './settings';
import { expiresWithin, type TokenInfo } from './token-info';
import { accessRulesRefusal, bindRefusal } from './token-rules';
import type { TokenValidator } from './validator';

/** auth_token's 401 text. */
export const AUTHENTICATION_REQUIRED = 'The request you have made requires authentication.';
/** auth_token's 503 text. */
export const KEYSTONE_UNAVAILABLE = 'The Keystone service is temporarily unavailable.';

type Outcome = { info: TokenInfo } | { refused: string };

export interface KeystoneStrategyParts {
  settings: KeystoneSettings;
  validator: TokenValidator;
  session: ServiceSession;
  logger: Logger;
  /** [trustee]'s trusts, when configured. */
  trusts?: Trusts;
  now?: () => number;
  close?: () => Promise<void> | void;
}

const tokenOf = (value: string | undefined): string | undefined => {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
};

export class KeystoneStrategy implements AuthStrategy {
  readonly trustsClientHeaders = false;
  private readonly challenge: string;
  private readonly now: () => number;
  private warnedServiceRoles = false;

  readonly trusts: Trusts | undefined;

  constructor(private readonly parts: KeystoneStrategyParts) {
    this.challenge = `Keystone uri="${parts.settings.wwwAuthenticateUri}"`;
    this.now = parts.now ?? Date.now;
    this.trusts = parts.trusts;
  }

  async authenticate(credentials: Credentials): Promise<Identity> {
    const settings = this.parts.settings;
    const userToken = tokenOf(credentials.header('x-auth-token') ?? credentials.header('x-storage-token'));
    const serviceToken = tokenOf(credentials.header('x-service-token'));

    let service: Outcome | undefined;
    let allowExpired = false;
    if (serviceToken !== undefined) {
      service = await this.check(serviceToken, false, (info) => bindRefusal(info, settings.enforceTokenBind));
      if ('info' in service) {
        const hasRole = service.info.roles.some((role) => settings.serviceTokenRoles.includes(role));
        if (settings.serviceTokenRolesRequired && !hasRole) service = { refused: 'service token lacks service_token_roles' };
        else if (!hasRole && !this.warnedServiceRoles) {
          this.warnedServiceRoles = true;
          this.parts.logger.warn('A valid token was submitted as a service token, but it was not a valid service token (service_token_roles)');
        }
        // Only a token with a service role lets the user's token be expired.
        allowExpired = hasRole;
      }
    }

    let user: Outcome | undefined;
    if (userToken !== undefined) {
      user = await this.check(userToken, allowExpired, (info) =>
        accessRulesRefusal(info, credentials, { serviceType: settings.serviceType, withServiceToken: serviceToken !== undefined }) ??
        (serviceToken === undefined ? bindRefusal(info, settings.enforceTokenBind) : undefined),
      );
    }

    const userInfo = user && 'info' in user ? user.info : undefined;
    const serviceInfo = service && 'info' in service ? service.info : undefined;
    const serviceStatus = serviceToken === undefined ? undefined : serviceInfo ? 'Confirmed' : 'Invalid';
    if (userInfo === undefined || serviceStatus === 'Invalid') {
      const why = user === undefined ? 'no token' : 'refused' in user ? user.refused : (service as { refused: string }).refused;
      this.parts.logger.info({ why }, 'Rejecting request');
      if (!settings.delayAuthDecision) throw new AuthFailure(AUTHENTICATION_REQUIRED, this.challenge);
      // Deferred, as auth_token does: a valid user token still gives its identity; otherwise there is none.
      if (userInfo === undefined) return this.undecided(serviceStatus);
    }

    const handle: KeystoneHandle = {
      kind: 'keystone',
      status: 'Confirmed',
      userToken,
      user: userInfo,
      serviceToken: serviceInfo ? serviceToken : undefined,
      service: serviceInfo,
      serviceStatus,
      session: this.parts.session,
    };
    return {
      projectId: userInfo.projectId,
      roles: userInfo.roles,
      userId: userInfo.userId,
      domainId: userInfo.domainId,
      projectDomainId: userInfo.projectDomainId,
      userDomainId: userInfo.userDomainId,
      authToken: userToken,
      expiresAt: userInfo.expiresAt,
      handle,
    };
  }

  /**
   * Validates one token; InvalidToken and the extra rules become a refusal.
   * Keystone failing is a 503 — or, with delay_auth_decision, a refusal of
   * this token (auth_token marks it invalid and defers).
   */
  private async check(token: string, allowExpired: boolean, rules: (info: TokenInfo) => string | undefined): Promise<Outcome> {
    let info: TokenInfo;
    try {
      info = await this.parts.validator.fetch(token, allowExpired);
    } catch (err) {
      if (err instanceof InvalidToken) return { refused: err.message };
      if (err instanceof KeystoneUnavailable) {
        // The transport logs a 503 with its cause; a deferred decision is logged here.
        if (!this.parts.settings.delayAuthDecision) throw new DomainError('unavailable', KEYSTONE_UNAVAILABLE, err);
        this.parts.logger.error({ err }, 'Unable to validate token; Keystone unavailable, deferring the decision');
        return { refused: `Keystone unavailable: ${err.message}` };
      }
      throw err;
    }
    if (!allowExpired && expiresWithin(info, 0, this.now())) return { refused: 'token expired' };
    const refusal = rules(info);
    return refusal === undefined ? { info } : { refused: refusal };
  }

  /** delay_auth_decision: no identity, and the handle says so. */
  private undecided(serviceStatus: 'Confirmed' | 'Invalid' | undefined): Identity {
    const handle: KeystoneHandle = { kind: 'keystone', status: 'Invalid', serviceStatus, session: this.parts.session };
    return { projectId: undefined, roles: [], handle };
  }

  async close(): Promise<void> {
    await this.parts.close?.();
  }
}
