/**
 * Answers one frame, in Zaqar's order (`zaqar.transport.websocket.protocol`
 * `onMessage`, `zaqar.api.handler`): decode; the top level must be an
 * object; the action must be known; the envelope must fit the action's
 * schema; then the authentication gate (with `auth_strategy` set); then the
 * core's request stages, the same as HTTP's (identity, identification,
 * extra-spec, policy), and the action's operation.
 *
 * Authentication happens once per connection: the pipeline's
 * authentication stage is replaced by one that hands every request the
 * identity the connection authenticated with (or, for a pre-signed request,
 * the signed project; with noauth, what the frame's headers say, per
 * request, as noauth does on HTTP).
 */
import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../../../zaqar/api/context';
import { DomainError } from '../../../zaqar/api/errors';
import type { OperationSet, Operations } from '../../../zaqar/api/operations';
import type { IncomingRequest } from '../../../zaqar/api/request/incoming';
import { RequestPipeline } from '../../../zaqar/api/request/pipeline';
import { STAGE_ORDER, type RequestStage } from '../../../zaqar/api/request/stage';
import type { AuthStrategy, Credentials, Identity } from '../../../zaqar/auth/strategy';
import { isJsonObject } from '../../../zaqar/common/json';
import type { Logger } from '../../../zaqar/common/logger';
import { isTruthy, pythonStr } from '../../../zaqar/common/python';
import { ACTIONS, failureAnswer, SIGNABLE, WS_PROFILE, type Answer, type WsAction } from './actions';
import { decodeFrame, FrameDecodeError } from './framing';
import { conforms, SCHEMAS } from './schema';

/** What the API needs from the connection a frame came on. */
export interface ConnectionState {
  readonly id: string;
  /** The identity `authenticate` established (auth on), until it expires. */
  readonly identity: Identity | undefined;
  subscriberUri(): string;
  /** Remembers a successful `authenticate` (and arms the expiry close). */
  authenticated(identity: Identity): void;
  /** A subscription that targets this connection was created by a frame of this type. */
  subscribed(queue: string, subscriptionId: string, ctx: RequestContext, binary: boolean): void;
}

export interface WsApiOptions {
  operations: Operations;
  pipeline: RequestPipeline;
  auth: AuthStrategy;
  /** `[DEFAULT] auth_strategy` is set: the gate of Zaqar's protocol applies. */
  gated: boolean;
  /** `[DEFAULT] admin_mode` and `pooling`: the pool and flavor actions are served. */
  pooling: boolean;
  /** `[transport] message_delete_with_claim_id`. */
  deleteWithClaimIds: boolean;
  logger: Logger;
}

/** A frame's request as the request stages see it. */
interface FrameRequest extends IncomingRequest {
  /** The identity of the connection, when it authenticated. */
  connectionIdentity?: Identity;
}

/** Zaqar spells the headers it reads exactly so (they are JSON keys, case-sensitive). */
const SPELLED = new Map(
  ['Client-ID', 'X-Project-ID', 'X-Auth-Token', 'URL-Signature', 'URL-Methods', 'URL-Paths', 'URL-Expires'].map((name) => [name.toLowerCase(), name]),
);
const SIGNATURE_HEADERS = new Set(['url-signature', 'url-methods', 'url-paths', 'url-expires']);

/**
 * Header lookup over a frame's `headers` object. The names Zaqar reads
 * must be spelled as Zaqar spells them; others (X-Roles for noauth, ...)
 * match case-insensitively. `URL-Methods` and `URL-Paths` are arrays on
 * this transport (anything else does not verify); signature headers are
 * seen only by a request the gate lets through as pre-signed.
 */
function headerReader(headers: Record<string, unknown>, signed: boolean): (name: string) => string | undefined {
  return (name) => {
    if (SIGNATURE_HEADERS.has(name) && !signed) return undefined;
    const spelled = SPELLED.get(name);
    let value: unknown;
    if (spelled !== undefined) value = headers[spelled];
    else {
      const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
      value = key === undefined ? undefined : headers[key];
    }
    if (name === 'url-methods' || name === 'url-paths') return Array.isArray(value) ? value.map(String).join(',') : undefined;
    return typeof value === 'string' ? value : undefined;
  };
}

/** The stage that stands for authentication on a connection (see the file comment). */
function connectionAuthentication(strategy: AuthStrategy): RequestStage {
  return {
    name: 'authentication',
    order: STAGE_ORDER.authentication,
    run(request: IncomingRequest): void | Promise<void> {
      const frame = request as FrameRequest;
      if (request.signed) {
        request.identity = { projectId: request.header('x-project-id'), roles: [] };
        return;
      }
      if (frame.connectionIdentity !== undefined) {
        request.identity = frame.connectionIdentity;
        return;
      }
      const identity = strategy.authenticate(request);
      if (identity instanceof Promise) {
        return identity.then((resolved) => {
          request.identity = resolved;
        });
      }
      request.identity = identity;
    },
  };
}

type Echo = { action: unknown; body: unknown; headers: unknown; api: 'v2' };

const emptyEcho = (action: unknown = null): Echo => ({ action, body: {}, headers: {}, api: 'v2' });

/** Zaqar's response envelope: the request echoed, the body, the status as the only header. */
function envelope(request: Echo, status: number, body: unknown): Record<string, unknown> {
  return { request, body, headers: { status } };
}

export class WsApi {
  private readonly ops: OperationSet;
  private readonly pipeline: RequestPipeline;

  constructor(private readonly options: WsApiOptions) {
    this.ops = options.operations.for(WS_PROFILE);
    this.pipeline = new RequestPipeline(
      options.pipeline.stages.map((stage) => (stage.name === 'authentication' ? connectionAuthentication(options.auth) : stage)),
    );
  }

  /** The response envelope for one frame. Never throws. */
  async answer(connection: ConnectionState, data: Buffer, binary: boolean): Promise<Record<string, unknown>> {
    let payload: unknown;
    try {
      payload = decodeFrame(data, binary);
    } catch (err) {
      const text = err instanceof FrameDecodeError ? err.message : String(err);
      return envelope(emptyEcho(), 400, { error: text });
    }
    if (!isJsonObject(payload)) return envelope(emptyEcho(), 400, { error: 'Unexpected body type. Expected dict or dict like.' });

    const echo: Echo = {
      action: payload.action ?? null,
      body: 'body' in payload ? payload.body : {},
      headers: isTruthy(payload.headers) ? payload.headers : {},
      api: 'v2',
    };
    const name = payload.action;
    const schema = typeof name === 'string' && Object.prototype.hasOwnProperty.call(SCHEMAS, name) ? SCHEMAS[name] : undefined;
    if (schema === undefined || typeof name !== 'string') return envelope(echo, 400, { error: `${pythonStr(name ?? null)} is not a valid action` });
    // Without authentication there is nothing to check: python-zaqarclient opens with `authenticate`, its token possibly null.
    if (name === 'authenticate' && !this.options.gated) return envelope(emptyEcho('authenticate'), 200, { message: 'Authentified.' });
    if (!conforms(schema, payload)) return envelope(echo, 400, { error: 'Schema validation failed.' });

    const headers = isJsonObject(payload.headers) ? payload.headers : {};
    const body = isJsonObject(payload.body) ? payload.body : {};
    if (name === 'authenticate') return this.authenticate(connection, headers);

    let signed = false;
    if (this.options.gated) {
      const identity = connection.identity;
      if (identity === undefined) {
        // Only a pre-signed message action gets past an unauthenticated connection.
        if (!('URL-Signature' in headers) || !SIGNABLE.has(name)) return envelope(echo, 403, { error: 'Not authentified.' });
        signed = true;
      } else if (headers['X-Project-ID'] !== identity.projectId) {
        return envelope(echo, 403, { error: 'Not authenticated.' });
      }
    }
    const action = ACTIONS[name];
    if (action.pooling && !this.options.pooling) return envelope(echo, 400, { error: `${name} is not a valid action` });
    const answer = await this.run(name, action, connection, headers, body, signed, binary);
    return envelope(echo, answer.status, answer.body);
  }

  private async run(
    name: string,
    action: WsAction,
    connection: ConnectionState,
    headers: Record<string, unknown>,
    body: Record<string, unknown>,
    signed: boolean,
    binary: boolean,
  ): Promise<Answer> {
    const queue = typeof body.queue_name === 'string' ? body.queue_name : '';
    const request: FrameRequest = {
      transport: 'websocket',
      method: action.signed?.method ?? 'POST',
      path: action.signed ? action.signed.path(queue, body) : `/v2/${name}`,
      params: action.queue ? { queue_name: queue } : {},
      header: headerReader(headers, signed),
      contentLength: undefined,
      rule: action.rule,
      public: false,
      requestId: `req-${randomUUID()}`,
      connectionIdentity: signed ? undefined : connection.identity,
    };
    try {
      // An action with no rule is answered without the stages (it touches nothing).
      const ctx = action.rule === undefined ? undefined : await this.pipeline.run(request);
      const answer = await action.run({
        ops: this.ops,
        ctx: ctx as RequestContext,
        body,
        subscriberUri: () => connection.subscriberUri(),
        deleteWithClaimIds: this.options.deleteWithClaimIds,
      });
      if (name === 'subscription_create' && answer.status === 201 && !isTruthy(body.subscriber) && ctx !== undefined) {
        connection.subscribed(queue, (answer.body as { subscription_id: string }).subscription_id, ctx, binary);
      }
      return answer;
    } catch (err) {
      const answer = failureAnswer(action, body, err);
      if (answer.status >= 500) {
        const cause = err instanceof DomainError ? (err.cause ?? err) : err;
        this.options.logger.error({ err: cause, requestId: request.requestId, action: name }, 'WebSocket action failed');
      }
      return answer;
    }
  }

  /** `authenticate`: the strategy validates the frame's credentials once for the connection. */
  private async authenticate(connection: ConnectionState, headers: Record<string, unknown>): Promise<Record<string, unknown>> {
    // Zaqar answers with a fresh request echo, not the client's frame.
    const echo = emptyEcho('authenticate');
    const credentials: Credentials = { header: headerReader(headers, false), method: 'POST', path: '/' };
    let identity: Identity;
    try {
      identity = await this.options.auth.authenticate(credentials);
    } catch (err) {
      const unavailable = err instanceof DomainError && err.code === 'unavailable';
      if (unavailable) this.options.logger.error({ err: err.cause ?? err }, 'WebSocket authentication: identity service unavailable');
      return envelope(echo, unavailable ? 503 : 401, { error: 'Authentication failed.' });
    }
    // delay_auth_decision lets an invalid token through with no project: still a failure here.
    if (identity.projectId === undefined) return envelope(echo, 401, { error: 'Authentication failed.' });
    connection.authenticated(identity);
    return envelope(echo, 200, { message: 'Authentified.' });
  }
}
