/**
 * The HTTP v2 API, transport-neutral: the route table and one dispatch
 * function that runs Zaqar's request hooks, the policy check and the
 * resource handler, and maps every failure to Zaqar's error format.
 * A transport only has to register `routes` with its router and call
 * `handle` (or `notFound` for unrouted paths).
 */
import type { PolicyCredentials } from '../../auth/policy';
import type { Logger } from '../../common/logger';
import type { Storage } from '../../storage/facade';
import { forbidden, HttpError, routeNotFound } from '../errors';
import type { ApiRequest, ApiResponse, Handler } from '../request';
import { Validator } from '../validation';
import { ClaimsResource } from './claims';
import type { ApiSettings, ResourceContext } from './common';
import { MessageCipher } from './encryption';
import { runRequestHooks } from './hooks';
import { MessagesResource } from './messages';
import { QueuesResource } from './queues';
import { ShareResource } from './share';
import { SystemResource } from './system';
import { V1_1, V2, type ApiVersion } from './versions';

/** The policy engine as the API uses it (zaqar/auth/policy implements it). */
export interface PolicyChecker {
  enforce(rule: string, credentials: PolicyCredentials, target?: Record<string, unknown>): boolean;
}

export interface Operation {
  /** Policy rule checked before the handler; undefined = no policy check. */
  rule?: string;
  handler: Handler;
}

export interface Route {
  /** Router syntax: `/v2/queues/:queue_name`. */
  path: string;
  operations: Partial<Record<string, Operation>>;
}

export interface ApiV2Options {
  storage: Storage;
  settings: ApiSettings;
  policy: PolicyChecker;
  logger: Logger;
  /** `[transport] message_encryption_key` */
  encryptionKey: string;
}

/** The request context as Zaqar's `RequestContext.to_dict()` spells it (architecture.md §10.3). */
function credentialsOf(req: ApiRequest): PolicyCredentials {
  const c = req.context;
  return {
    project_id: c.projectId,
    project: c.projectId,
    user: c.userId ?? null,
    domain: c.domainId ?? null,
    user_domain: c.userDomainId ?? null,
    project_domain: c.projectDomainId ?? null,
    roles: c.roles,
    is_admin: false,
    read_only: false,
    client_id: c.clientId ?? null,
    auth_token: c.authToken ?? null,
    request_id: c.requestId,
    global_request_id: c.globalRequestId ?? null,
  };
}

export class ApiV2 {
  readonly routes: Route[];
  private readonly validator: Validator;

  constructor(private readonly options: ApiV2Options) {
    this.validator = new Validator(options.settings.limits);
    const ctx: ResourceContext = {
      storage: options.storage,
      validator: this.validator,
      settings: options.settings,
      cipher: new MessageCipher(options.encryptionKey),
      logger: options.logger,
    };
    this.routes = buildAllRoutes(ctx);
  }

  /** Methods a route implements, sorted (for `Allow`). */
  static allowedMethods(route: Route): string[] {
    return Object.keys(route.operations).sort();
  }

  /** Dispatch a request whose path matched `route`. Never throws. */
  async handle(route: Route, req: ApiRequest): Promise<ApiResponse> {
    try {
      runRequestHooks(req, { validator: this.validator, secretKey: this.options.settings.secretKey });
      if (req.method === 'OPTIONS') {
        return { status: 200, headers: { Allow: ApiV2.allowedMethods(route).join(', ') } };
      }
      const operation = route.operations[req.method];
      if (!operation) {
        return {
          status: 405,
          headers: { Allow: [...ApiV2.allowedMethods(route), 'OPTIONS'].join(', ') },
          body: { title: '405 Method Not Allowed' },
        };
      }
      if (operation.rule && !this.options.policy.enforce(operation.rule, credentialsOf(req), {})) {
        throw forbidden();
      }
      return await operation.handler(req);
    } catch (err) {
      // The CORS layer of the reference turns any failed OPTIONS into a bare 200 (api-v2.md §1.1).
      if (req.method === 'OPTIONS') return { status: 200 };
      return this.errorResponse(err, req);
    }
  }

  /** The answer for a path no route matches. */
  notFound(): ApiResponse {
    return routeNotFound().toResponse();
  }

  /** Renders a failure; server-side ones (5xx) are logged once, with the request id. */
  private errorResponse(err: unknown, req: ApiRequest): ApiResponse {
    const where = { requestId: req.context.requestId, method: req.method, path: req.path };
    if (err instanceof HttpError) {
      if (err.status >= 500) this.options.logger.error({ ...where, err: err.cause ?? err }, err.description ?? err.title);
      return err.toResponse();
    }
    this.options.logger.error({ ...where, err }, 'Internal server error');
    const description = err instanceof Error ? err.message : String(err);
    return new HttpError(500, 'Internal server error', description).toResponse();
  }
}

/** The routes of one API version (v1.1 is a profile of v2: fewer routes, no policy). */
function buildRoutes(ctx: ResourceContext, version: ApiVersion): Route[] {
  const system = new SystemResource(ctx, version);
  const queues = new QueuesResource(ctx, version);
  const messages = new MessagesResource(ctx, version);
  const claims = new ClaimsResource(ctx);
  const share = new ShareResource(ctx);
  const v = version.prefix;
  const q = `${v}/queues/:queue_name`;
  const op = (rule: string, handler: Handler): Operation => ({ rule: version.policy ? rule : undefined, handler });

  const routes: Route[] = [
    { path: `${v}/`, operations: { GET: { handler: system.home } } },
    { path: `${v}/ping`, operations: { GET: op('ping:get', system.ping), HEAD: op('ping:get', system.pingHead) } },
    { path: `${v}/queues`, operations: { GET: op('queues:get_all', queues.list) } },
    {
      path: q,
      operations: {
        GET: op('queues:get', queues.get),
        PUT: op('queues:create', queues.create),
        ...(version.queueExtras ? { PATCH: op('queues:update', queues.update) } : {}),
        DELETE: op('queues:delete', queues.delete),
      },
    },
    { path: `${q}/stats`, operations: { GET: op('queues:stats', queues.stats) } },
    {
      path: `${q}/messages`,
      operations: {
        GET: op('messages:get_all', messages.list),
        POST: op('messages:create', messages.post),
        DELETE: op('messages:delete_all', messages.deleteMany),
      },
    },
    {
      path: `${q}/messages/:message_id`,
      operations: { GET: op('messages:get', messages.getOne), DELETE: op('messages:delete', messages.deleteOne) },
    },
    { path: `${q}/claims`, operations: { POST: op('claims:create', claims.create) } },
    {
      path: `${q}/claims/:claim_id`,
      operations: {
        GET: op('claims:get', claims.get),
        PATCH: op('claims:update', claims.update),
        DELETE: op('claims:delete', claims.release),
      },
    },
  ];
  if (version.queueExtras) {
    routes.push(
      { path: `${q}/purge`, operations: { POST: op('queues:purge', queues.purge) } },
      { path: `${q}/share`, operations: { POST: op('queues:share', share.create) } },
    );
  }
  if (ctx.settings.adminMode) {
    routes.push({ path: `${v}/health`, operations: { GET: op('health:get', system.health) } });
  }
  return routes;
}

/** Every mounted route: `/`, v2, and the deprecated versions the operator enabled. */
function buildAllRoutes(ctx: ResourceContext): Route[] {
  const root = new SystemResource(ctx, V2);
  const routes: Route[] = [{ path: '/', operations: { GET: { handler: root.versions } } }];
  routes.push(...buildRoutes(ctx, V2));
  if (ctx.settings.deprecatedVersions.includes('1.1')) routes.push(...buildRoutes(ctx, V1_1));
  return routes;
}
