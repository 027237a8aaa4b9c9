/**
 * Request bodies as Zaqar's `wsgi_utils.deserialize` reads them: a body is
 * required (no Content-Length → "can not be empty") and must be UTF-8 JSON
 * with an object or array on top. Parsing waits until an operation asks
 * for the document, so size limits are checked first, as in Zaqar.
 */
import type { RequestBody } from '../../../../zaqar/api/body';
import { invalidBody } from '../../../../zaqar/api/errors';
import { JsonParseError, parseJsonBody } from '../../../../zaqar/common/json';
import type { HttpRequest } from './model';

/** The JSON document of `req`; throws DomainError `invalid_body` with Zaqar's texts. */
export function readJsonDocument(req: HttpRequest): unknown {
  if (req.contentLength === undefined) throw invalidBody('Request body can not be empty');
  try {
    return parseJsonBody(req.body ?? Buffer.alloc(0));
  } catch (err) {
    if (err instanceof JsonParseError) throw invalidBody(err.message);
    throw err;
  }
}

/** The JSON document as Zaqar's `wsgi_utils.load` reads pool and flavor documents: one message for any malformed body. */
export function readLoadedDocument(req: HttpRequest): unknown {
  try {
    return parseJsonBody(req.body ?? Buffer.alloc(0));
  } catch (err) {
    if (err instanceof JsonParseError) throw invalidBody('JSON could not be parsed.');
    throw err;
  }
}

/** The request's body for an operation: Content-Length as its size, parsed on demand. */
export function jsonBody(req: HttpRequest, read: (req: HttpRequest) => unknown = readJsonDocument): RequestBody {
  return { size: req.contentLength, document: () => read(req) };
}
