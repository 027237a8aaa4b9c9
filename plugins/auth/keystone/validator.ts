/**
 * Token validation against Keystone (auth_token's `fetch_token` and
 * `IdentityServer.verify_token`): the cache first, else
 * `GET /v3/auth/tokens` with the service user's token in X-Auth-Token and
 * the token to check in X-Subject-Token. 200 is a token (cached); 404 is an
 * invalid one; 401 means the service token was refused: log in again and
 * ask once more; anything else, or no answer, is Keystone unavailable.
 * Concurrent validations of one token share one Keystone request.
 */
import type { Logger } from '../../../zaqar/common/logger';
import { InvalidToken, KeystoneUnavailable } from './errors';
import type { KeystoneHttp } from './http';
import { unavailable, type ServiceSession } from './service-session';
import { cacheKey, type TokenCache } from './token-cache';
import { parseToken, type TokenInfo } from './token-info';

/** keystoneclient's access-rules version header: Keystone then includes application-credential access rules. */
const ACCESS_RULES_SUPPORT = { 'OpenStack-Identity-Access-Rules': '1' };

export class TokenValidator {
  private readonly inFlight = new Map<string, Promise<TokenInfo>>();

  constructor(
    private readonly http: KeystoneHttp,
    private readonly session: ServiceSession,
    private readonly cache: TokenCache<TokenInfo>,
    private readonly logger: Logger,
  ) {}

  /**
   * What Keystone says of `token` (possibly from the cache; expiry is the
   * caller's to check). `allowExpired` asks Keystone for expired tokens too
   * (service-token requests). Throws InvalidToken or KeystoneUnavailable.
   */
  async fetch(token: string, allowExpired = false): Promise<TokenInfo> {
    const key = cacheKey(token);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const flight = `${key}:${allowExpired ? 1 : 0}`;
    let pending = this.inFlight.get(flight);
    if (!pending) {
      pending = this.verify(token, allowExpired, true).finally(() => this.inFlight.delete(flight));
      this.inFlight.set(flight, pending);
    }
    const info = await pending;
    this.cache.set(key, info, info.expiresAt);
    return info;
  }

  private async verify(token: string, allowExpired: boolean, retry: boolean): Promise<TokenInfo> {
    const serviceToken = await this.session.token();
    let reply;
    try {
      const url = `${await this.session.identityUrl()}/auth/tokens?nocatalog${allowExpired ? '&allow_expired=1' : ''}`;
      reply = await this.http.request('GET', url, {
        headers: { 'X-Auth-Token': serviceToken, 'X-Subject-Token': token, ...ACCESS_RULES_SUPPORT },
      });
    } catch (err) {
      throw unavailable(err);
    }
    if (reply.status === 200) return parseToken(reply.body);
    if (reply.status === 404) throw new InvalidToken();
    if (reply.status === 401) {
      this.session.invalidate(serviceToken);
      if (retry) {
        this.logger.info('Keystone refused the service token; logging in again');
        return this.verify(token, allowExpired, false);
      }
      throw new KeystoneUnavailable('Identity server rejected authorization necessary to fetch token data');
    }
    this.logger.error({ status: reply.status }, 'Bad response code while validating token');
    throw new KeystoneUnavailable(`Failed to fetch token data from identity server (${reply.status})`);
  }
}
