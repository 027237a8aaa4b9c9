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
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Agent, errors, request } from 'undici';
import type { Logger } from '../../../zaqar/common/logger';
import type { Delivery, DeliveryOutcome, Notifier } from '../../../zaqar/notification/notifier';
import type { WebhookOptions } from './options';
import { buildWebhookRequest } from './request';

/** Bytes of a response body read to keep its connection; beyond them the connection is closed instead. */
export const DRAIN_LIMIT = 1024 * 1024;

const retry = (reason: string): DeliveryOutcome => ({ status: 'retry', reason });

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

  async deliver(delivery: Delivery, signal: AbortSignal): Promise<DeliveryOutcome> {
    const built = buildWebhookRequest(delivery);
    if (!built.ok) return { status: 'failed', reason: built.reason };
    if (signal.aborted) return retry('aborted before sending');

    const { url, headers, body } = built.request;
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
      if (status >= 200 && status < 500) return { status: 'delivered' };
      return retry(`HTTP ${status}`);
    } catch (err) {
      if (timedOut) return retry(`timed out after ${this.options.timeoutMs / 1000} s`);
      if (signal.aborted) return retry('aborted');
      if (err instanceof errors.InvalidArgumentError) return { status: 'failed', reason: describe(err) };
      this.logger.debug({ err, subscriber: delivery.subscription.subscriber }, 'webhook POST failed');
      return retry(describe(err));
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
