/**
 * The HTTP server: node:http, with find-my-way (the radix router restify is
 * built on) matching the core's routes by path; the core answers every
 * method on them itself (405 with Allow, OPTIONS, after Zaqar's hooks).
 * Unrouted paths get Zaqar's 404, [cors] applies to every answer
 * (./cors.ts), and shutdown is graceful.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import FindMyWay from 'find-my-way';
import { NOAUTH } from '../../../zaqar/auth/strategy';
import type { Logger } from '../../../zaqar/common/logger';
import { CORS_GROUP, DEFAULT_GROUP, TRANSPORT_GROUP, WSGI_TRANSPORT_GROUP, type WsgiTransportOptions } from '../../../zaqar/config/groups';
import type { ListeningAddress, Transport, TransportContext } from '../../../zaqar/transport/transport';
import { Cors } from './cors';
import { HttpApi } from './http/api';
import type { HttpResponse } from './http/model';
import type { Route } from './http/routes';
import { headerOf, readBody, toHttpRequest } from './request';
import { writeResponse } from './response';


/** Slack over the largest configured body so size errors come from Content-Length, as in Zaqar. */
const BODY_SLACK = 64 * 1024;

export class HttpTransport implements Transport {
  readonly name = 'wsgi';
  private readonly server: HttpServer;
  /**
   * No length cap on path parameters (find-my-way's default of 100 would turn a
   * long queue name into a 404): Zaqar's queue identification hook answers it
   * with its 400, as the reference does. Node's header limit bounds the URL.
   */
  private readonly router = FindMyWay<FindMyWay.HTTPVersion.V1>({ maxParamLength: Number.MAX_SAFE_INTEGER });
  private readonly options: WsgiTransportOptions;
  private readonly api: HttpApi;
  private readonly cors: Cors;
  private readonly logger: Logger;
  private readonly maxBody: number;
  private inFlight = 0;
  private closing = false;
  /** Aborted by close(): long-polling requests answer their empty answer at once instead of holding shutdown. */
  private readonly shutdown = new AbortController();
  /** Per-request log lines cost time on the hot path: only with `[DEFAULT] debug`. */
  private readonly debug: boolean;

  constructor(context: TransportContext) {
    const defaults = context.config.get(DEFAULT_GROUP);
    const limits = context.config.get(TRANSPORT_GROUP);
    this.logger = context.logger;
    this.debug = defaults.debug;
    this.options = context.config.get(WSGI_TRANSPORT_GROUP);
    this.api = new HttpApi({
      operations: context.operations,
      pipeline: context.pipeline,
      logger: context.logger,
      adminMode: defaults.admin_mode,
      pooling: defaults.pooling,
      deprecatedVersions: defaults.enable_deprecated_api_versions,
      limits,
      authenticated: (defaults.auth_strategy || NOAUTH) !== NOAUTH,
    });
    this.cors = new Cors(context.config.get(CORS_GROUP));
    this.maxBody = Math.max(limits.max_messages_post_size, limits.max_queue_metadata) + BODY_SLACK;

    for (const route of this.api.routes) this.router.on('GET', route.path, () => undefined, route);
    this.server = createServer((req, res) => this.dispatch(req, res));
  }

  private dispatch(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    // Routes are looked up by path alone: the core answers each method itself (405 with Allow, OPTIONS).
    const found = this.router.find('GET', q < 0 ? url : url.slice(0, q));
    if (found) {
      void this.serve(found.store as Route, found.params as Record<string, string>, req, res);
      return;
    }
    req.resume(); // drain any body so the connection stays usable
    writeResponse(res, this.withCors(req, this.api.notFound()), `req-${randomUUID()}`);
  }

  private withCors(req: IncomingMessage, response: HttpResponse): HttpResponse {
    return this.cors.apply(req.method ?? 'GET', headerOf(req), response);
  }

  private async serve(route: Route, params: Record<string, string>, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = this.debug ? process.hrtime.bigint() : 0n;
    const requestId = `req-${randomUUID()}`;
    this.inFlight++;
    try {
      const body = await readBody(req, this.maxBody);
      const apiRequest = toHttpRequest(req, params, body, requestId);
      apiRequest.abortSignal = () => this.abortSignalOf(res);
      const response = this.cors.apply(apiRequest.method, apiRequest.header, await this.api.handle(route, apiRequest));
      writeResponse(res, response, requestId);
      // Failures are logged by the API with their cause; this is the access log.
      if (this.debug) {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        this.logger.debug({ requestId, method: apiRequest.method, path: apiRequest.path, status: response.status, ms }, 'request');
      }
    } catch (err) {
      // Only transport failures land here (the API never throws): e.g. the client went away mid-body.
      this.logger.warn({ err, requestId }, 'request aborted');
      if (!res.headersSent) writeResponse(res, { status: 400, body: { title: 'Bad request' } }, requestId);
    } finally {
      this.inFlight--;
      if (this.closing) this.httpServer.closeIdleConnections();
    }
  }

  /** Aborts when the client closes the connection before its answer, or at shutdown. */
  private abortSignalOf(res: ServerResponse): AbortSignal {
    const gone = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    return AbortSignal.any([gone.signal, this.shutdown.signal]);
  }

  private get httpServer(): HttpServer {
    return this.server;
  }

  listen(): Promise<ListeningAddress> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.bind, () => {
        this.server.off('error', reject);
        const address = this.httpServer.address();
        const port = typeof address === 'object' && address ? address.port : this.options.port;
        resolve({ host: this.options.bind, port, url: `http://${this.options.bind}:${port}` });
      });
    });
  }

  async close(graceMs = 10_000): Promise<void> {
    this.closing = true;
    this.shutdown.abort();
    const closed = new Promise<void>((resolve) => this.httpServer.close(() => resolve()));
    this.httpServer.closeIdleConnections();
    const deadline = Date.now() + graceMs;
    while (this.inFlight > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    this.httpServer.closeAllConnections();
    await closed;
  }
}

