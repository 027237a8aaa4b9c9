/**
 * The service user's session (auth_token's keystoneauth1 session with the
 * `password` plugin): logs in with the [keystone_authtoken] credentials,
 * keeps the token and re-authenticates when less than two minutes of it
 * are left (keystoneauth's MIN_TOKEN_LIFE_SECONDS) or when Keystone
 * rejects it, and finds the Identity endpoint to validate against in that
 * token's catalog (`interface`, `region_name`). Concurrent callers share
 * one login.
 */
import type { Logger } from '../../../zaqar/common/logger';
import { endpointFor } from './catalog';
import type { Discovery } from './discovery';
import { KeystoneUnavailable } from './errors';
import { ConnectionFailure, type KeystoneHttp } from './http';
import type { KeystoneSettings } from './settings';
import { expiresWithin, parseToken, type TokenInfo } from './token-info';

/** keystoneauth1's `BaseIdentityPlugin.MIN_TOKEN_LIFE_SECONDS`. */
export const MIN_TOKEN_LIFE_SECONDS = 120;

interface ServiceToken {
  id: string;
  info: TokenInfo;
}

/** What later plugins may use of the session (trusts: Keystone calls as the service). */
export interface ServiceSessionHandle {
  /** A valid token of the service user (logging in again when needed). */
  token(): Promise<string>;
  /** The Identity v3 root requests go to (from the catalog; `.../v3`). */
  identityUrl(): Promise<string>;
  /** An endpoint of the service catalog, e.g. `{ type: 'messaging' }` (interface and region of [keystone_authtoken] unless given). */
  endpoint(query: { type: string; name?: string; interface?: string }): Promise<string | undefined>;
}

export class ServiceSession implements ServiceSessionHandle {
  private current: ServiceToken | undefined;
  private login: Promise<ServiceToken> | undefined;
  private identity: string | undefined;

  constructor(
    private readonly http: KeystoneHttp,
    private readonly discovery: Discovery,
    private readonly settings: KeystoneSettings,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async token(): Promise<string> {
    return (await this.valid()).id;
  }

  /** Forgets `token` if it is the current one (Keystone answered 401 to it): the next call logs in again. */
  invalidate(token: string): void {
    if (this.current?.id === token) this.current = undefined;
  }

  async identityUrl(): Promise<string> {
    if (this.identity) return this.identity;
    const { info } = await this.valid();
    const fromCatalog = endpointFor(info.catalog, { type: 'identity', interface: this.settings.interface, region: this.settings.regionName });
    if (fromCatalog === undefined) {
      throw new KeystoneUnavailable(
        `no identity endpoint with interface '${this.settings.interface}'${this.settings.regionName ? ` in region '${this.settings.regionName}'` : ''} ` +
          'in the service catalog ([keystone_authtoken] interface, region_name)',
      );
    }
    try {
      this.identity = await this.discovery.v3(fromCatalog);
    } catch (err) {
      throw unavailable(err);
    }
    return this.identity;
  }

  async endpoint(query: { type: string; name?: string; interface?: string }): Promise<string | undefined> {
    const { info } = await this.valid();
    return endpointFor(info.catalog, {
      type: query.type,
      name: query.name,
      interface: query.interface ?? this.settings.interface,
      region: this.settings.regionName,
    });
  }

  private async valid(): Promise<ServiceToken> {
    const current = this.current;
    if (current && !expiresWithin(current.info, MIN_TOKEN_LIFE_SECONDS, this.now())) return current;
    this.login ??= this.authenticate().finally(() => (this.login = undefined));
    return this.login;
  }

  private async authenticate(): Promise<ServiceToken> {
    let url: string;
    let reply;
    try {
      url = `${await this.discovery.v3(this.settings.authUrl)}/auth/tokens`;
      reply = await this.http.request('POST', url, { body: { auth: this.settings.auth }, retries: 0 });
    } catch (err) {
      throw unavailable(err);
    }
    const id = reply.headers['x-subject-token'];
    if (reply.status !== 201 || typeof id !== 'string') {
      // Wrong credentials are the operator's to fix; clients only learn that Keystone cannot help now.
      this.logger.error({ status: reply.status, url }, 'the service user could not log in to Keystone ([keystone_authtoken] credentials)');
      throw new KeystoneUnavailable(`service user login answered ${reply.status}`);
    }
    let info: TokenInfo;
    try {
      info = parseToken(reply.body);
    } catch (err) {
      throw new KeystoneUnavailable('service user login answered an unreadable token', err);
    }
    this.current = { id, info };
    this.identity = undefined; // the catalog may have changed
    this.logger.debug({ expiresAt: new Date(info.expiresAt).toISOString() }, 'service user logged in');
    return this.current;
  }
}

/** A connection failure (or anything unexpected) while talking to Keystone, as a 503 cause. */
export function unavailable(err: unknown): KeystoneUnavailable {
  if (err instanceof KeystoneUnavailable) return err;
  const message = err instanceof ConnectionFailure ? err.message : `Keystone request failed: ${(err as Error)?.message ?? err}`;
  return new KeystoneUnavailable(message, err);
}
