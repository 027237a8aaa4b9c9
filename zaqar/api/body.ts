/**
 * A request's document as the operations receive it: its size (to check
 * limits before anything is parsed) and a way to parse it, which the
 * transport provides (HTTP parses JSON bytes with Zaqar's error texts; a
 * WebSocket frame, once that transport is built, is parsed already).
 */
export interface RequestBody {
  /** Bytes as sent (HTTP Content-Length), or the size of the document's rendering; undefined without a body. */
  readonly size: number | undefined;
  /** The parsed document; throws DomainError `invalid_body` (or `unsupported_media_type`) when there is none to be had. */
  document(): unknown;
}
