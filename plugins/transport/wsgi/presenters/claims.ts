/**
 * Claims over HTTP (Zaqar's `zaqar.transport.wsgi.v2_0.claims`).
 */
import type { OperationSet } from '../../../../zaqar/api/operations';
import { jsonBody } from '../http/body';
import type { HttpHandler } from '../http/model';
import { formatMessage, queuePathOf } from './format';

export class ClaimsPresenter {
  constructor(
    private readonly ops: OperationSet,
    /** `?wait=N` read (v2); otherwise ignored as any unknown parameter. */
    private readonly longPoll = false,
  ) {}

  // POST /v2/queues/{q}/claims[?limit=N][&wait=S] (wait: ours, long polling; validated by the operation)
  create: HttpHandler = async (req, ctx) => {
    const limit = req.query.getInt('limit');
    const wait = this.longPoll ? req.query.getInt('wait') : undefined;
    const poll = wait ? { wait, signal: req.abortSignal?.() } : { wait };
    const { claimId, messages } = await this.ops.claims.create(ctx, req.params.queue_name, limit, jsonBody(req), poll);
    if (claimId === null || messages.length === 0) return { status: 204 };
    const queuePath = queuePathOf(req.path, 1);
    return {
      status: 201,
      headers: { Location: `${req.path}/${claimId}` },
      body: { messages: messages.map((m) => formatMessage(m, queuePath, claimId)) },
    };
  };

  // GET /v2/queues/{q}/claims/{c}
  get: HttpHandler = async (req, ctx) => {
    const claimId = req.params.claim_id;
    const claim = await this.ops.claims.get(ctx, req.params.queue_name, claimId);
    const queuePath = queuePathOf(req.path, 2);
    return {
      status: 200,
      body: { age: claim.age, ttl: claim.ttl, messages: claim.messages.map((m) => formatMessage(m, queuePath, claimId)), href: req.path },
    };
  };

  // PATCH /v2/queues/{q}/claims/{c}
  update: HttpHandler = async (req, ctx) => {
    await this.ops.claims.update(ctx, req.params.queue_name, req.params.claim_id, jsonBody(req));
    return { status: 204 };
  };

  // DELETE /v2/queues/{q}/claims/{c}
  release: HttpHandler = async (req, ctx) => {
    await this.ops.claims.release(ctx, req.params.queue_name, req.params.claim_id);
    return { status: 204 };
  };
}
