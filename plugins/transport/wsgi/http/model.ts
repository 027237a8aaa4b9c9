/**
 * The HTTP transport's own request and response model: what node:http hands
 * over, reduced to what the presenters read, and what they answer.
 */
import type { RequestContext } from '../../../../zaqar/api/context';
import type { QueryParams } from './query';

export interface HttpRequest {
  method: string;
  /** The path as received (percent-encoded); hrefs and Location headers are built from it. */
  path: string;
  /** Path and query string as received (falcon's `relative_uri`, for `Content-Location`). */
  relativeUri: string;
  /** Route parameters, percent-decoded (`queue_name`, `message_id`, `claim_id`, ...). */
  params: Record<string, string>;
  query: QueryParams;
  /** Header lookup by lower-case name. */
  header(name: string): string | undefined;
  /** `Content-Length` as sent; undefined when the header is absent. */
  contentLength: number | undefined;
  /** The body bytes; undefined when the request carried no body at all. */
  body: Buffer | undefined;
  /** `req-<uuid>`, returned as `X-Openstack-Request-Id`. */
  requestId: string;
  /**
   * Aborted when the client goes away or the server shuts down; made on
   * first use (only long-polling requests ask for it). Absent outside a
   * real server.
   */
  abortSignal?: () => AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  /** A JSON value serialised Python-style (common/json dumpJson); absent for no body. */
  body?: unknown;
  /** Pre-rendered body text (used instead of `body` when set). */
  text?: string;
  /** Defaults to `application/json` when there is a body. */
  contentType?: string;
}

/** A presenter method: the request and its context (after the request stages) in, the answer out. */
export type HttpHandler = (req: HttpRequest, ctx: RequestContext) => Promise<HttpResponse>;
