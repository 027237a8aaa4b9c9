/**
 * The HTTP API: dispatches a routed request through the request stages to
 * its presenter, and answers every failure in Zaqar's format. The HTTP
 * server (../server.ts) only moves bytes to and from it.
 */
import type { Operations } from '../../../../zaqar/api/operations';
import type { IncomingRequest } from '../../../../zaqar/api/request/incoming';
import type { RequestPipeline } from '../../../../zaqar/api/request/pipeline';
import type { Logger } from '../../../../zaqar/common/logger';
import { HttpError, routeNotFound, toHttpError } from './errors';
import { httpMediaStage } from './media-stage';
import type { HttpRequest, HttpResponse } from './model';
import { allowedMethods, buildRoutes, type HttpOperation, type Route, type RouteSettings } from './routes';

export interface HttpApiOptions extends RouteSettings {
  operations: Operations;
  /** The core's request stages (this transport adds its media checks). */
  pipeline: RequestPipeline;
  logger: Logger;
}

export class HttpApi {
  readonly routes: Route[];
  private readonly pipeline: RequestPipeline;

  constructor(private readonly options: HttpApiOptions) {
    this.routes = buildRoutes(options.operations, options);
    this.pipeline = options.pipeline.with([httpMediaStage]);
  }

  /** Answers a request whose path matched `route`. Never throws. */
  async handle(route: Route, req: HttpRequest): Promise<HttpResponse> {
    const operation = route.operations[req.method];
    const incoming: IncomingRequest = {
      transport: 'wsgi',
      method: req.method,
      path: req.path,
      params: req.params,
      header: req.header,
      contentLength: req.contentLength,
      rule: operation?.rule,
      public: route.public === true,
      requestId: req.requestId,
    };
    let context;
    try {
      context = await this.pipeline.run(incoming);
    } catch (err) {
      // The CORS layer of the reference turns any failed OPTIONS into a bare 200.
      if (req.method === 'OPTIONS') return { status: 200 };
      // A stage failed (authentication, say): the operation's 503 sentence is not about it.
      return this.errorResponse(err, req, undefined);
    }
    try {
      if (req.method === 'OPTIONS') return { status: 200, headers: { Allow: allowedMethods(route).join(', ') } };
      if (!operation) {
        return { status: 405, headers: { Allow: [...allowedMethods(route), 'OPTIONS'].join(', ') }, body: { title: '405 Method Not Allowed' } };
      }
      return await operation.handler(req, context);
    } catch (err) {
      return this.errorResponse(err, req, operation);
    }
  }

  /** The answer for a path no route matches. */
  notFound(): HttpResponse {
    return routeNotFound().toResponse();
  }

  /** Renders a failure; server-side ones (5xx) are logged once, with the request id. */
  private errorResponse(err: unknown, req: HttpRequest, operation: HttpOperation | undefined): HttpResponse {
    const where = { requestId: req.requestId, method: req.method, path: req.path };
    const sentence = typeof operation?.unavailable === 'function' ? operation.unavailable(req) : operation?.unavailable;
    const answer = toHttpError(err, sentence);
    if (answer !== undefined) {
      if (answer.status >= 500) this.options.logger.error({ ...where, err: answer.cause ?? answer }, answer.description ?? answer.title);
      return answer.toResponse();
    }
    this.options.logger.error({ ...where, err }, 'Internal server error');
    const description = err instanceof Error ? err.message : String(err);
    return new HttpError(500, 'Internal server error', description).toResponse();
  }
}
