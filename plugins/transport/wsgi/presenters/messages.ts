/**
 * Messages over HTTP (Zaqar's `zaqar.transport.wsgi.v2_0.messages`): hrefs,
 * `Location`, next links and the query parameters each version reads; the
 * same for a queue's and a topic's messages.
 */
import { DomainError } from '../../../../zaqar/api/errors';
import type { MessageOperations } from '../../../../zaqar/api/operations';
import type { ApiLimits } from '../../../../zaqar/api/settings';
import { pythonRepr } from '../../../../zaqar/common/python';
import { jsonBody } from '../http/body';
import { HttpError, toHttpError } from '../http/errors';
import type { HttpHandler, HttpRequest } from '../http/model';
import { nextLinks, readPaging, type QueryEcho } from '../http/paging';
import type { HttpVersion } from '../http/versions';
import { formatMessage, formatPoppedMessage, queuePathOf } from './format';
import { NamespacePresenter, QUEUE_ROUTES, type NamespaceRoutes } from './queues';

/** What a single-message delete answers for each claim refusal (bulk deletes answer the store's text). */
const SINGLE_DELETE_REFUSALS: Partial<Record<DomainError['code'], HttpError>> = {
  message_not_claimed: new HttpError(400, 'Unable to delete', 'A claim was specified, but the message is not currently claimed.'),
  claim_invalid: new HttpError(400, 'Unable to delete', 'The specified claim does not exist or has expired.'),
  message_claimed: new HttpError(403, 'Unable to delete', 'This message is claimed; it cannot be deleted without a valid claim ID.'),
};

export class MessagesPresenter extends NamespacePresenter {
  constructor(
    private readonly ops: MessageOperations,
    private readonly version: HttpVersion,
    private readonly limits: ApiLimits,
    routes: NamespaceRoutes = QUEUE_ROUTES,
  ) {
    super(routes);
  }

  // POST /v2/queues/{q}/messages
  post: HttpHandler = async (req, ctx) => {
    const ids = await this.ops.post(ctx, this.name(req), jsonBody(req));
    return {
      status: 201,
      headers: { Location: `${req.path}?ids=${ids.join(',')}` },
      body: { resources: ids.map((id) => `${req.path}/${id}`) },
    };
  };

  // GET /v2/queues/{q}/messages[?ids=...]
  list: HttpHandler = async (req, ctx) => {
    const ids = req.query.getList('ids');
    return ids === undefined ? this.listPage(req, ctx) : this.getByIds(req, ctx, ids);
  };

  private listPage: HttpHandler = async (req, ctx) => {
    // The recognised parameters, in the order Zaqar reads (and echoes) them.
    const params: QueryEcho = {};
    const { marker, limit } = readPaging(req, params);
    const echo = req.query.getBool('echo');
    if (echo !== undefined) params.echo = echo;
    const includeClaimed = req.query.getBool('include_claimed');
    if (includeClaimed !== undefined) params.include_claimed = includeClaimed;
    const includeDelayed = this.version.profile.queueSettings ? req.query.getBool('include_delayed') : undefined;
    if (includeDelayed !== undefined) params.include_delayed = includeDelayed;

    // Ours: long polling on queues (`wait` is not echoed into next links; it is validated by the operation).
    const wait = this.version.longPoll && this.routes === QUEUE_ROUTES ? req.query.getInt('wait') : undefined;
    const signal = wait ? req.abortSignal?.() : undefined;
    const page = await this.ops.list(ctx, this.name(req), { marker, limit, echo, includeClaimed, includeDelayed, wait, signal });
    if (page.includeDelayed !== undefined) params.include_delayed = page.includeDelayed;
    const queuePath = queuePathOf(req.path, 1);
    const messages = page.items.map((m) => formatMessage(m, queuePath, m.claimId));
    return { status: 200, body: { messages, links: nextLinks(req.path, params, page.next, messages.length) } };
  };

  private async getByIds(req: HttpRequest, ctx: Parameters<HttpHandler>[1], ids: string[]) {
    const queue = this.name(req);
    const messages = await this.ops.getMany(ctx, queue, ids);
    if (messages.length === 0) {
      throw new HttpError(404, 'Not found', `No messages with IDs: ${pythonRepr(ids)} found in the queue ${queue} for project ${ctx.projectId}.`);
    }
    const queuePath = queuePathOf(req.path, 1);
    return { status: 200, body: { messages: messages.map((m) => formatMessage(m, queuePath, m.claimId)) } };
  }

  // DELETE /v2/queues/{q}/messages?ids=...|pop=N
  deleteMany: HttpHandler = async (req, ctx) => {
    const ids = req.query.getList('ids');
    const claimIds =
      this.version.bulkDeleteClaimIds && this.limits.message_delete_with_claim_id ? req.query.getList('claim_ids') : undefined;
    const pop = req.query.getInt('pop');
    const popped = await this.ops.deleteMany(ctx, this.name(req), { ids, pop, claimIds });
    if (popped === undefined) return { status: 204 };
    return { status: 200, body: { messages: popped.map((m) => formatPoppedMessage(m)) } };
  };

  // GET /v2/queues/{q}/messages/{m}
  getOne: HttpHandler = async (req, ctx) => {
    const message = await this.ops.get(ctx, this.name(req), req.params.message_id);
    return { status: 200, body: formatMessage(message, queuePathOf(req.path, 2), message.claimId) };
  };

  // DELETE /v2/queues/{q}/messages/{m}[?claim_id=]
  deleteOne: HttpHandler = async (req, ctx) => {
    try {
      await this.ops.delete(ctx, this.name(req), req.params.message_id, req.query.getString('claim_id'));
    } catch (err) {
      const refusal = err instanceof DomainError ? SINGLE_DELETE_REFUSALS[err.code] : undefined;
      throw refusal ?? toHttpError(err, 'Message could not be deleted.') ?? err;
    }
    return { status: 204 };
  };
}
