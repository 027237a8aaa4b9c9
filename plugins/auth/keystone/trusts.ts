/**
 * Keystone trusts for trust+http(s) subscribers (the core's Trusts,
 * zaqar/auth/trusts.ts; Zaqar's `zaqar.common.auth.create_trust_id` and
 * `get_trusted_token`), all against the Identity endpoint of [trustee]
 * `auth_url`:
 *
 * - the trustee's user id: the [trustee] user's own login (with whatever
 *   scope [trustee] names), once (keystoneauth's `session.get_user_id()`);
 * - `create`: `POST /v3/OS-TRUST/trusts` with the caller's own token
 *   (Keystone lets only the trustor delegate), the body keystoneclient's
 *   `TrustManager.create` sends: trustor, trustee, project, impersonation,
 *   role names, `expires_at`. (Zaqar sends it to the public identity
 *   endpoint of the caller's catalog: the same Keystone.)
 * - `check` (ours): a trust_id the client gave is read with the client's
 *   own token (Keystone shows a trust only to its trustor, trustee and
 *   admins) and must be from the caller, to the trustee, on the caller's
 *   project (Zaqar uses any trust_id a client gives);
 * - `token`: the [trustee] password login scoped to the trust
 *   (`OS-TRUST:trust`), kept until less than keystoneauth's two minutes
 *   are left, one login per trust for concurrent callers. The [trustee]
 *   identity is used with the trust scope alone: keystoneauth refuses a
 *   [trustee] that also names a project or domain ("cannot be scoped to
 *   multiple targets"), so such a Zaqar never delivers.
 *
 * Keystone answers 401 alike for a trust that is gone and for wrong
 * trustee credentials, so a refusal is put down to the trust only when the
 * trustee can still log in on its own; the trust's refusal is then
 * remembered for a minute, so that a busy subscription whose trust is gone
 * does not cost two logins per message.
 */
import type { Logger } from '../../../zaqar/common/logger';
import { TrustNotOwned, TrustUnusable, type Trustor, type Trusts } from '../../../zaqar/auth/trusts';
import type { Discovery } from './discovery';
import { KeystoneUnavailable } from './errors';
import type { JsonReply, KeystoneHttp } from './http';
import { MIN_TOKEN_LIFE_SECONDS, unavailable } from './service-session';
import { TOKEN_CACHE_ENTRIES, type TrusteeSettings } from './settings';
import { TokenCache } from './token-cache';
import { parseToken } from './token-info';

/** How long a trust Keystone refused is refused without asking again. */
export const REFUSAL_MEMORY_MS = 60_000;

/** Keystone's answers that say the trust gives no token (not found, expired, forbidden, malformed id). */
const TRUST_REFUSALS = new Set([400, 401, 403, 404]);

/** keystoneclient's `utils.isotime(at, subsecond=True)`: microseconds and `Z`. */
export function keystoneTime(at: Date): string {
  return at.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Keystone's `{error: {message}}`, for logs and reasons. */
function keystoneMessage(reply: JsonReply): string {
  const message = (reply.body as { error?: { message?: unknown } } | undefined)?.error?.message;
  return typeof message === 'string' ? `${reply.status}: ${message}` : String(reply.status);
}

export class KeystoneTrusts implements Trusts {
  private trusteeId: string | undefined;
  private trusteeLogin: Promise<string> | undefined;
  private readonly tokens = new TokenCache<string>(0, TOKEN_CACHE_ENTRIES, () => this.now());
  private readonly refused = new TokenCache<TrustUnusable>(0, TOKEN_CACHE_ENTRIES, () => this.now());
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(
    private readonly http: KeystoneHttp,
    private readonly discovery: Discovery,
    private readonly settings: TrusteeSettings,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async create(trustor: Trustor, expiresAt: Date | undefined): Promise<string> {
    const trusteeUserId = await this.trustee();
    // Undefined members are left out of the JSON, as keystoneclient leaves out None.
    const trust = {
      expires_at: expiresAt ? keystoneTime(expiresAt) : undefined,
      impersonation: true,
      project_id: trustor.projectId,
      roles: trustor.roles.length > 0 ? trustor.roles.map((name) => ({ name })) : undefined,
      trustee_user_id: trusteeUserId,
      trustor_user_id: trustor.userId,
    };
    let reply: JsonReply;
    try {
      reply = await this.http.request('POST', `${await this.identity()}/OS-TRUST/trusts`, {
        headers: { 'X-Auth-Token': trustor.token },
        body: { trust },
      });
    } catch (err) {
      throw unavailable(err);
    }
    const id = (reply.body as { trust?: { id?: unknown } } | undefined)?.trust?.id;
    if (reply.status === 201 && typeof id === 'string') {
      this.logger.info({ trust: id, trustor: trustor.userId, project: trustor.projectId, roles: trustor.roles }, 'trust created for a subscription');
      return id;
    }
    throw new Error(`Keystone refused to create the trust (${keystoneMessage(reply)})`);
  }

  async check(trustor: Trustor, trustId: unknown): Promise<void> {
    if (typeof trustId !== 'string' || !/^[0-9A-Za-z_-]{1,64}$/.test(trustId)) throw new TrustNotOwned();
    const trusteeUserId = await this.trustee();
    let reply: JsonReply;
    try {
      // Keystone shows a trust to its trustor and trustee (and admins) only.
      reply = await this.http.request('GET', `${await this.identity()}/OS-TRUST/trusts/${trustId}`, { headers: { 'X-Auth-Token': trustor.token } });
    } catch (err) {
      throw unavailable(err);
    }
    if (TRUST_REFUSALS.has(reply.status)) throw new TrustNotOwned();
    const trust = (reply.body as { trust?: Record<string, unknown> } | undefined)?.trust;
    if (reply.status !== 200 || trust === undefined) throw new KeystoneUnavailable(`reading trust ${trustId} answered ${keystoneMessage(reply)}`);
    if (trust.trustor_user_id !== trustor.userId || trust.trustee_user_id !== trusteeUserId || trust.project_id !== trustor.projectId) {
      this.logger.warn({ trust: trustId, caller: trustor.userId, project: trustor.projectId }, 'a subscription named a trust that is not the caller\'s; refused');
      throw new TrustNotOwned();
    }
  }

  async token(trustId: string): Promise<string> {
    const cached = this.tokens.get(trustId);
    if (cached !== undefined) return cached;
    const refusal = this.refused.get(trustId);
    if (refusal !== undefined) throw refusal;
    let pending = this.inFlight.get(trustId);
    if (pending === undefined) {
      pending = this.trustLogin(trustId).finally(() => this.inFlight.delete(trustId));
      this.inFlight.set(trustId, pending);
    }
    return pending;
  }

  invalidate(trustId: string, token: string): void {
    if (this.tokens.get(trustId) === token) this.tokens.delete(trustId);
  }

  private async trustLogin(trustId: string): Promise<string> {
    let reply: JsonReply;
    try {
      reply = await this.http.request('POST', `${await this.identity()}/auth/tokens?nocatalog`, {
        body: { auth: { identity: this.settings.auth.identity, scope: { 'OS-TRUST:trust': { id: trustId } } } },
      });
    } catch (err) {
      throw unavailable(err);
    }
    const token = reply.headers['x-subject-token'];
    if (reply.status === 201 && typeof token === 'string') {
      let expiresAt: number;
      try {
        expiresAt = parseToken(reply.body).expiresAt;
      } catch (err) {
        throw new KeystoneUnavailable('the trust login answered an unreadable token', err);
      }
      this.tokens.set(trustId, token, expiresAt - MIN_TOKEN_LIFE_SECONDS * 1000);
      return token;
    }
    if (!TRUST_REFUSALS.has(reply.status)) throw new KeystoneUnavailable(`the trust login answered ${keystoneMessage(reply)}`);
    // Wrong [trustee] credentials look the same: they are the operator's to fix, not the trust's fault.
    await this.login();
    const refusal = new TrustUnusable(
      trustId,
      `Keystone gives no token for trust ${trustId} (${keystoneMessage(reply)}): it was deleted or has expired, or its trustor was disabled or lost the delegated roles`,
    );
    this.refused.set(trustId, refusal, this.now() + REFUSAL_MEMORY_MS);
    throw refusal;
  }

  /** The trustee's user id (logging in once). */
  private async trustee(): Promise<string> {
    return this.trusteeId ?? this.login();
  }

  /** The trustee's own login; concurrent callers share one. Throws KeystoneUnavailable when it fails. */
  private login(): Promise<string> {
    this.trusteeLogin ??= this.authenticate().finally(() => (this.trusteeLogin = undefined));
    return this.trusteeLogin;
  }

  private async authenticate(): Promise<string> {
    let reply: JsonReply;
    try {
      reply = await this.http.request('POST', `${await this.identity()}/auth/tokens?nocatalog`, { body: { auth: this.settings.auth } });
    } catch (err) {
      throw unavailable(err);
    }
    if (reply.status !== 201) {
      this.logger.error({ status: reply.status, reason: keystoneMessage(reply) }, 'the trustee could not log in to Keystone ([trustee] credentials)');
      throw new KeystoneUnavailable(`trustee login answered ${keystoneMessage(reply)}`);
    }
    try {
      this.trusteeId = parseToken(reply.body).userId;
    } catch (err) {
      throw new KeystoneUnavailable('the trustee login answered an unreadable token', err);
    }
    return this.trusteeId;
  }

  private async identity(): Promise<string> {
    try {
      return await this.discovery.v3(this.settings.authUrl);
    } catch (err) {
      throw unavailable(err);
    }
  }

  close(): void {
    this.http.close();
  }
}
