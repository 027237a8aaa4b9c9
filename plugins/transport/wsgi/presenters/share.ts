/**
 * `POST /v2/queues/{q}/share`: pre-signed URL creation (Zaqar's
 * `zaqar.transport.wsgi.v2_0.urls`).
 */
import type { OperationSet } from '../../../../zaqar/api/operations';
import { jsonBody } from '../http/body';
import type { HttpHandler } from '../http/model';

export class SharePresenter {
  constructor(private readonly ops: OperationSet) {}

  create: HttpHandler = async (req, ctx) => {
    const queuePath = req.path.slice(0, -'/share'.length);
    return { status: 200, body: this.ops.share.create(ctx, queuePath, jsonBody(req)) };
  };
}
