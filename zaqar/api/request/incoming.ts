/**
 * A request as the request stages see it, whatever transport carried it:
 * an HTTP request, or (once a WebSocket transport is built) a WebSocket
 * frame whose action stands for an HTTP method and path, so pre-signed URLs
 * verify the same way.
 */
import type { Credentials, Identity } from '../../auth/strategy';
import type { RequestContext } from '../context';

export interface IncomingRequest extends Credentials {
  /** The transport plugin's name (`wsgi`, `websocket`, ...). */
  readonly transport: string;
  /** The HTTP method (or the one a WebSocket action maps to). */
  readonly method: string;
  /** The request path as received, percent-encoded (or the path a WebSocket action stands for). */
  readonly path: string;
  /** Route parameters, percent-decoded: `queue_name`, `topic_name`, ... */
  readonly params: Readonly<Record<string, string>>;
  /** Body size as sent (HTTP Content-Length); undefined without a body. */
  readonly contentLength: number | undefined;
  /** The policy rule of the operation asked for; undefined = no policy check (v1.1, OPTIONS, unrouted methods). */
  readonly rule: string | undefined;
  /** A public resource (the versions document): no authentication, no Client-ID, no project. */
  readonly public: boolean;
  /** This request's id, assigned by the transport (`req-<uuid>`). */
  readonly requestId: string;

  // Filled in by the stages, in this order:
  /** The signed-URL stage verified a pre-signed request. */
  signed?: boolean;
  /** The authentication stage's result. */
  identity?: Identity;
  /** The identity stage's result: what operations and the policy check receive. */
  context?: RequestContext;
}
