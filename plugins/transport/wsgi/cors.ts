/**
 * Cross-origin resource sharing from [cors], as oslo.middleware's `CORS`
 * filter does it in front of Zaqar (outside authentication, so 401s are
 * decorated too):
 *
 * - every OPTIONS request is a preflight: an answer that is not 2xx
 *   becomes a bare 200; then, when the Origin is allowed (or `*` is), the
 *   requested method is in `allow_methods` and every requested header is
 *   in `allow_headers` or the simple headers, the answer gets
 *   Access-Control-Allow-Origin/-Credentials/-Max-Age/-Methods/-Headers;
 * - any other request from an allowed Origin gets
 *   Access-Control-Allow-Origin, -Allow-Credentials and -Expose-Headers,
 *   and `Origin` in Vary;
 * - an answer that already carries Access-Control-Allow-Origin is left alone.
 *
 * The deprecated `[cors.<name>]` sections are not read.
 */
import type { CorsOptions } from '../../../zaqar/config/groups';
import type { HttpResponse } from './http/model';

/** oslo.middleware's `CORS.simple_headers`. */
const SIMPLE_HEADERS = ['Accept', 'Accept-Language', 'Content-Type', 'Cache-Control', 'Content-Language', 'Expires', 'Last-Modified', 'Pragma'];

interface OriginRules {
  allowCredentials: boolean;
  exposeHeaders: string[];
  maxAge: number | null;
  allowMethods: string[];
  /** Upper case, simple headers included. */
  permittedHeaders: Set<string>;
}

type HeaderLookup = (name: string) => string | undefined;

function findHeader(headers: Record<string, string>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return Object.keys(headers).find((key) => key.toLowerCase() === wanted);
}

/** oslo's `_split_header_values`: a comma-separated request header as trimmed, non-empty values. */
function splitValues(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

export class Cors {
  private readonly origins = new Map<string, OriginRules>();

  constructor(options: CorsOptions) {
    const rules: OriginRules = {
      allowCredentials: options.allow_credentials,
      exposeHeaders: options.expose_headers,
      maxAge: options.max_age,
      allowMethods: options.allow_methods,
      permittedHeaders: new Set([...options.allow_headers, ...SIMPLE_HEADERS].map((h) => h.toUpperCase())),
    };
    for (const origin of options.allowed_origin ?? []) if (!this.origins.has(origin)) this.origins.set(origin, rules);
  }

  /** `response` with the CORS headers (and the preflight rules) of a request to it applied. */
  apply(method: string, header: HeaderLookup, response: HttpResponse): HttpResponse {
    if (method !== 'OPTIONS' && (this.origins.size === 0 || header('origin') === undefined)) return response; // the common case, first
    if (response.headers && findHeader(response.headers, 'Access-Control-Allow-Origin') !== undefined) return response;
    return method === 'OPTIONS' ? this.preflight(header, response) : this.actual(header, response);
  }

  /** The allowed origin (the request's, or `*`) and its rules. */
  private rulesFor(origin: string | undefined): [string, OriginRules] | undefined {
    if (origin === undefined) return undefined;
    const own = this.origins.get(origin);
    if (own) return [origin, own];
    const any = this.origins.get('*');
    return any ? ['*', any] : undefined;
  }

  private preflight(header: HeaderLookup, answer: HttpResponse): HttpResponse {
    const response: HttpResponse = answer.status >= 200 && answer.status < 300 ? { ...answer, headers: { ...answer.headers } } : { status: 200, headers: {} };
    const found = this.rulesFor(header('origin'));
    const requestMethod = header('access-control-request-method');
    if (found === undefined || requestMethod === undefined) return response;
    const [origin, rules] = found;
    const requestHeaders = splitValues(header('access-control-request-headers'));
    if (!rules.allowMethods.includes(requestMethod)) return response;
    if (!requestHeaders.every((h) => rules.permittedHeaders.has(h.toUpperCase()))) return response;
    const headers = response.headers!;
    const vary = findHeader(headers, 'Vary');
    if (vary !== undefined) delete headers[vary];
    headers.Vary = 'Origin';
    headers['Access-Control-Allow-Origin'] = origin;
    if (rules.allowCredentials) headers['Access-Control-Allow-Credentials'] = 'true';
    if (rules.maxAge) headers['Access-Control-Max-Age'] = String(rules.maxAge);
    headers['Access-Control-Allow-Methods'] = requestMethod;
    if (requestHeaders.length > 0) headers['Access-Control-Allow-Headers'] = requestHeaders.join(',');
    return response;
  }

  private actual(header: HeaderLookup, response: HttpResponse): HttpResponse {
    const found = this.rulesFor(header('origin'));
    if (found === undefined) return response;
    const [origin, rules] = found;
    const headers = { ...response.headers };
    const vary = findHeader(headers, 'Vary');
    if (vary !== undefined) headers[vary] += ',Origin';
    else headers.Vary = 'Origin';
    headers['Access-Control-Allow-Origin'] = origin;
    if (rules.allowCredentials) headers['Access-Control-Allow-Credentials'] = 'true';
    if (rules.exposeHeaders.length > 0) headers['Access-Control-Expose-Headers'] = rules.exposeHeaders.join(',');
    return { ...response, headers };
  }
}
