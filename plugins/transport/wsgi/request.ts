/**
 * node:http request → HttpRequest. Reads the body (bounded: a body larger
 * than any limit is drained, not kept, and the operation rejects it from
 * its Content-Length), parses the query string, exposes headers.
 */
import type { IncomingMessage as Request } from 'node:http';
import type { HttpRequest } from './http/model';
import { QueryParams } from './http/query';

/** Reads the whole body (events, not an async iterator: this runs on every request). */
export function readBody(req: Request, maxBytes: number): Promise<Buffer | undefined> {
  const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody) {
    req.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.once('end', () => resolve(size > maxBytes ? undefined : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

function contentLengthOf(req: Request): number | undefined {
  const raw = req.headers['content-length'];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** Reads a request header by its lower-case name; repeated headers come joined with ', '. */
export function headerOf(req: Request): (name: string) => string | undefined {
  return (name) => {
    const value = req.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  };
}

export function toHttpRequest(req: Request, params: Record<string, string>, body: Buffer | undefined, requestId: string): HttpRequest {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return {
    method: req.method ?? 'GET',
    path: q < 0 ? url : url.slice(0, q),
    relativeUri: url,
    params,
    query: QueryParams.parse(q < 0 ? '' : url.slice(q + 1)),
    header: headerOf(req),
    contentLength: contentLengthOf(req),
    body,
    requestId,
  };
}
