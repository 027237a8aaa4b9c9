/**
 * Authentication strategies: plugins of kind `auth`, selected by
 * `[DEFAULT] auth_strategy` (`''` = noauth, the default; `keystone`). A
 * strategy turns the credentials a request carries into an identity, or
 * refuses them. It knows nothing of the transport: HTTP calls it once per
 * request; a WebSocket transport (not built yet) would call it once per
 * `authenticate` action.
 */
import { DomainError } from '../api/errors';
import type { Config } from '../config/options';
import type { Logger } from '../common/logger';
import { token } from '../di/token';
import type { Trusts } from './trusts';

/** The credentials of a request: its headers (names case-insensitive), token ones included. */
export interface Credentials {
  header(name: string): string | undefined;
  /** What the request asks for (HTTP method and path, or what a WebSocket action stands for), for strategies whose tokens are restricted to some requests. */
  readonly method?: string;
  readonly path?: string;
}

/**
 * Credentials refused (`unauthenticated`): `challenge` is what the client
 * is told about where to authenticate (HTTP: the `WWW-Authenticate` value,
 * Keystone's `Keystone uri="..."`).
 */
export class AuthFailure extends DomainError {
  constructor(
    message: string,
    public readonly challenge?: string,
  ) {
    super('unauthenticated', message);
    this.name = 'AuthFailure';
  }
}

/** The user behind a request, as Keystone names it (Zaqar's context fields). */
export interface Principal {
  roles: string[];
  userId?: string;
  domainId?: string;
  projectDomainId?: string;
  userDomainId?: string;
  /** The token the request authenticated with (for policy's `auth_token` and later calls on the user's behalf). */
  authToken?: string;
}

/** Who the credentials belong to. */
export interface Identity extends Principal {
  /** The project the request acts in; undefined when the credentials name none. */
  projectId: string | undefined;
  /** When the identity stops being valid (ms since the epoch): a WebSocket connection is to close then. */
  expiresAt?: number;
  /** Strategy-specific state for later plugins (Keystone: the validated token and the service session; trusts go through `AuthStrategy.trusts`). */
  handle?: unknown;
}

export interface AuthStrategy {
  /**
   * Whether identity headers sent by the client (`X-Project-ID`, `X-Roles`,
   * ...) are believed. Only noauth does; any real strategy derives them
   * from the token, so a pre-signed request (which carries no token) gets
   * only its signed project and no roles.
   */
  readonly trustsClientHeaders: boolean;
  /** The identity of the credentials; throws an AuthFailure (or DomainError 'unavailable' when the identity service is down). */
  authenticate(credentials: Credentials): Identity | Promise<Identity>;
  /**
   * Keystone trusts on the callers' behalf (trust+http(s) subscribers), when
   * this strategy can make them: only Keystone, with `[trustee]` configured.
   */
  readonly trusts?: Trusts;
  close?(): Promise<void>;
}

/** Bound by an `auth` plugin, named by the strategy's name. */
export type AuthStrategyFactory = (context: { config: Config; logger: Logger }) => AuthStrategy | Promise<AuthStrategy>;
export const AuthStrategyFactory = token<AuthStrategyFactory>('AuthStrategyFactory');

/** The strategy of this process. */
export const AuthStrategy = token<AuthStrategy>('AuthStrategy');

/** The `auth` plugin name of noauth, the strategy for `auth_strategy =` (empty). */
export const NOAUTH = 'noauth';
