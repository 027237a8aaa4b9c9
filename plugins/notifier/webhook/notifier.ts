/**
 * The webhook notifier: one POST per delivery over a keep-alive undici
 * Agent, at most `max_connections_per_origin` connections per subscriber
 * origin, so a burst of deliveries reuses a few sockets instead of opening
 * one each.
 *
 * Outcome (Zaqar's `WebhookTask`, with the deliberate differences said here):
 * - status 200–499: delivered (as Zaqar). Redirects are not followed, so a
 *   3xx counts as delivered too (requests would follow it, re-sending a
 *   307/308 as POST and turning a 301/302/303 into a GET);
 * - status 5xx (or anything below 200), a connection or DNS error, a reset,
 *   running out of `timeout`: retry. Zaqar retries only when the POST
 *   raised (its response object is falsy for a status ≥ 400, so a 5xx on
 *   the first attempt is never retried) and sets no timeout at all;
 * - a request that can never be sent (request.ts): failed.
 * Every response body is read and thrown away (under 1 MiB; a longer one
 * closes its connection), so the connection is free for the next POST.
 *
 * trust+http(s) subscribers (Zaqar's `TrustTask`, a webhook with a token)
 * are served only when the process has Keystone trusts (the manifest's
 * `schemeRequirements`):
 * - `register`: without `options.trust_id`, a trust from the caller to the
 *   trustee is created, expiring with the subscription, and its id stored;
 *   a trust_id the client gave must be the caller's (Trusts.check);
 * - `deliver`: the same POST, to the URL without `trust+`, with the
 *   trust's token in X-Auth-Token. No token because Keystone cannot be
 *   reached: retry; Keystone refuses the trust (deleted, expired): failed.
 *   A 401 from the subscriber (the token was revoked meanwhile) drops the
 *   kept token and posts once more with a new one.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Agent, errors, request } from 'undici';
import { TrustUnusable, type Trusts } from '../../../zaqar/auth/trusts';
import type { Logger } from '../../../zaqar/common/logger';
import type { Delivery, DeliveryOutcome, Notifier, Subscriber } from '../../../zaqar/notification/notifier';
import type { WebhookOptions } from './options';
import { buildWebhookRequest, isTrustSubscriber, type WebhookRequest } from './request';

/** Bytes of a response body read to keep its connection; beyond them the connection is closed instead. */
export const DRAIN_LIMIT = 1024 * 1024;

const retry = (reason: string): DeliveryOutcome => ({ status: 'retry', reason });
const failed = (reason: string): DeliveryOutcome => ({ status: 'failed', reason });

/** `promise`, or a rejection as soon as `signal` aborts (Keystone calls have their own timeout, but shutdown should not wait for it). */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('aborted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const cause = (err as { cause?: unknown }).cause;
    const detail = cause instanceof Error && cause.message !== err.message ? ` (${cause.message})` : '';
    return `${typeof code === 'string' ? `${code}: ` : ''}${err.message}${detail}`;
  }
  return String(err);
}

export class WebhookNotifier implements Notifier {
  private readonly agent: Agent;

  constructor(
    private readonly options: WebhookOptions,
    private readonly logger: Logger,
    /** Keystone trusts, for trust+http(s) subscribers (served only with them). */
    private readonly trusts?: Trusts,
  ) {
    this.agent = new Agent({
      connections: options.maxConnectionsPerOrigin,
      pipelining: 1,
      keepAliveTimeout: options.keepAliveTimeoutMs,
      connect: { timeout: options.connectTimeoutMs },
      // The deadline below covers the whole exchange; these only keep undici's own (minutes) out of the way.
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  /**
   * A trust+http(s) subscription without `options.trust_id` gets a new
   * trust from the caller, expiring with it; one with a trust_id keeps it
   * (Zaqar's test is the key's presence) once Keystone shows it is the
   * caller's (ours: Zaqar keeps any, so a trust_id read in the project's
   * subscription listing would deliver another user's tokens).
   */
  async register(subscriber: string, options: Record<string, unknown>, ttl: number, who: Subscriber): Promise<Record<string, unknown>> {
    if (!isTrustSubscriber(subscriber)) return options;
    if (this.trusts === undefined) throw new Error('trust+http(s) subscribers need Keystone trusts (auth_strategy = keystone and [trustee])');
    const { authToken, userId, project } = who;
    if (authToken === undefined || userId === undefined || project === null) {
      throw new Error("a trust subscription needs the caller's Keystone token, user and project");
    }
    const trustor = { token: authToken, userId, projectId: project, roles: who.roles };
    if ('trust_id' in options) {
      await this.trusts.check(trustor, options.trust_id);
      return options;
    }
    const expiresAt = ttl ? new Date(Date.now() + ttl * 1000) : undefined;
    const trustId = await this.trusts.create(trustor, expiresAt);
    return { ...options, trust_id: trustId };
  }

  async deliver(delivery: Delivery, signal: AbortSignal): Promise<DeliveryOutcome> {
    if (isTrustSubscriber(delivery.subscription.subscriber)) return this.deliverWithTrust(delivery, signal);
    const built = buildWebhookRequest(delivery);
    if (!built.ok) return failed(built.reason);
    return (await this.post(built.request, delivery, signal)).outcome;
  }

  private async deliverWithTrust(delivery: Delivery, signal: AbortSignal): Promise<DeliveryOutcome> {
    const trustId = delivery.subscription.options.trust_id;
    // A subscription turned into a trust one by an update has none (Zaqar's task fails on the missing key).
    if (typeof trustId !== 'string' || trustId === '') return failed('a trust subscriber without options.trust_id');
    const unsendable = buildWebhookRequest(delivery, '');
    if (!unsendable.ok) return failed(unsendable.reason);
    if (this.trusts === undefined) return failed('no Keystone trusts in this process');
    for (let renewed = false; ; renewed = true) {
      if (signal.aborted) return retry('aborted before sending');
      let token: string;
      try {
        token = await unlessAborted(this.trusts.token(trustId), signal);
      } catch (err) {
        if (err instanceof TrustUnusable) return failed(err.message);
        if (signal.aborted) return retry('aborted');
        return retry(`no token for trust ${trustId}: ${describe(err)}`);
      }
      const built = buildWebhookRequest(delivery, token);
      if (!built.ok) return failed(built.reason);
      const { outcome, status } = await this.post(built.request, delivery, signal);
      if (status !== 401 || renewed) return outcome;
      this.trusts.invalidate(trustId, token);
      this.logger.info({ subscription: delivery.subscription.id, trust: trustId }, 'the subscriber refused the trust token (401); posting again with a new one');
    }
  }

  /** One POST; the outcome, and the status when there was an answer. */
  private async post(webhook: WebhookRequest, delivery: Delivery, signal: AbortSignal): Promise<{ outcome: DeliveryOutcome; status?: number }> {
    if (signal.aborted) return { outcome: retry('aborted before sending') };
    const { url, headers, body } = webhook;
    const deadline = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      deadline.abort(new Error(`no answer within ${this.options.timeoutMs / 1000} s`));
    }, this.options.timeoutMs);
    const onAbort = (): void => deadline.abort(signal.reason ?? new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const response = await request(url, {
        dispatcher: this.agent,
        method: 'POST',
        headers,
        body,
        signal: deadline.signal,
      });
      // The status is the answer; a body that fails or stalls while being drained changes nothing.
      // (The request signal also ends the body: a stalled one is cut by the deadline.)
      await response.body.dump({ limit: DRAIN_LIMIT }).catch(() => undefined);
      // undici frees the connection a turn after the body closes: waiting for that lets the
      // next POST to this origin reuse it instead of opening another.
      await nextTurn();
      const status = response.statusCode;
      return { outcome: status >= 200 && status < 500 ? { status: 'delivered' } : retry(`HTTP ${status}`), status };
    } catch (err) {
      if (timedOut) return { outcome: retry(`timed out after ${this.options.timeoutMs / 1000} s`) };
      if (signal.aborted) return { outcome: retry('aborted') };
      if (err instanceof errors.InvalidArgumentError) return { outcome: failed(describe(err)) };
      this.logger.debug({ err, subscriber: delivery.subscription.subscriber }, 'webhook POST failed');
      return { outcome: retry(describe(err)) };
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** Closes the kept-alive connections once the POSTs in flight have ended (each within its timeout). */
  async close(): Promise<void> {
    await this.agent.close();
  }
}
