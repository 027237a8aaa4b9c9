/**
 * The transport-neutral request/response model. A transport (HTTP, later
 * WebSocket) turns its wire request into an ApiRequest, calls the API, and
 * writes the ApiResponse back; validation, policy, limits, paging and error
 * mapping all happen in the core (zaqar/api), never in a transport.
 */
import type { QueryParams } from './query';

/** Who is asking (Zaqar's RequestContext, zaqar/context.py). */
export interface RequestContext {
  projectId: string | null;
  clientId: string | undefined;
  roles: string[];
  userId?: string;
  domainId?: string;
  projectDomainId?: string;
  userDomainId?: string;
  authToken?: string;
  /** This request's id (`req-<uuid>`), returned as `X-Openstack-Request-Id`. */
  requestId: string;
  /** The caller's `X-Openstack-Request-ID`, when it sent one. */
  globalRequestId?: string;
}

export interface ApiRequest {
  method: string;
  /** The path as received (percent-encoded); hrefs and Location headers are built from it. */
  path: string;
  /** Route parameters, percent-decoded (`queue_name`, `message_id`, `claim_id`, ...). */
  params: Record<string, string>;
  query: QueryParams;
  /** Header lookup by case-insensitive name. */
  header(name: string): string | undefined;
  /** `Content-Length` as sent; undefined when the header is absent. */
  contentLength: number | undefined;
  /** The body bytes; undefined when the request carried no body at all. */
  body: Buffer | undefined;
  /** Filled in by the request hooks before a handler runs. */
  context: RequestContext;
}

export interface ApiResponse {
  status: number;
  headers?: Record<string, string>;
  /** A JSON value serialised Python-style (common/json dumpJson); absent for no body. */
  body?: unknown;
  /** Pre-rendered body text (used instead of `body` when set). */
  text?: string;
  /** Defaults to `application/json` when there is a body. */
  contentType?: string;
}

export type Handler = (req: ApiRequest) => Promise<ApiResponse>;
