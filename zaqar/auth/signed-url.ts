/**
 * Pre-signed URLs (Zaqar's `zaqar.common.urls`). The signature is hex
 * HMAC-SHA256 over `<paths>\n<methods>\n<project>\n<expires>` where each
 * `\n` is the two literal characters backslash and n (the reference formats
 * a raw string).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export class SignedUrlError extends Error {}

export interface SignedUrl {
  paths: string[];
  methods: string[];
  project: string | null;
  /** `YYYY-MM-DDTHH:MM:SS`, UTC. */
  expires: string;
  signature: string;
}

const ISO_8601 =
  /^(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** oslo `timeutils.parse_isotime` + `normalize_time`: a UTC Date. */
export function parseIsoTime(text: string): Date {
  const m = ISO_8601.exec(text);
  if (!m) throw new SignedUrlError(`Unable to parse date string '${text}'`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const daysInMonth = new Date(Date.UTC(+y, +mo, 0)).getUTCDate();
  if (+mo < 1 || +mo > 12 || +d < 1 || +d > daysInMonth || +h > 23 || +mi > 59 || +s > 59) {
    throw new SignedUrlError(`Unable to parse date string '${text}'`);
  }
  let ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, Math.floor(Number('0.' + (frac || '0')) * 1000));
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
    ms -= sign * offsetMinutes * 60_000;
  }
  return new Date(ms);
}

/** `YYYY-MM-DDTHH:MM:SS` in UTC. */
export function formatIsoSeconds(date: Date): string {
  return date.toISOString().slice(0, 19);
}

function sign(key: string, paths: string[], methods: string[], project: string | null, expires: string): string {
  const body = `${paths.join(',')}\\n${methods.join(',')}\\n${project ?? 'None'}\\n${expires}`;
  return createHmac('sha256', Buffer.from(key, 'utf8')).update(body, 'utf8').digest('hex');
}

/**
 * `create_signed_url`: validates the inputs with the reference's messages
 * and signs. `expires` may be an ISO string (or any JSON value a client
 * sent); default now + 1 day.
 */
export function createSignedUrl(
  key: string | null | undefined,
  paths: string[],
  options: { project: string | null; methods?: unknown; expires?: unknown; now?: number },
): SignedUrl {
  const now = options.now ?? Date.now();
  const methods = options.methods === undefined || options.methods === null || (Array.isArray(options.methods) && options.methods.length === 0) ? ['GET'] : options.methods;
  if (key === null || key === undefined) throw new SignedUrlError("The `key` can't be None");
  if (!Array.isArray(paths) || paths.length === 0) throw new SignedUrlError('`paths` must be a non-empty list');
  if (!Array.isArray(methods)) throw new SignedUrlError('`methods` should be a list');

  let expires: Date;
  if (options.expires !== undefined && options.expires !== null) {
    const asInt = typeof options.expires === 'number' ? options.expires : /^\s*[+-]?\d+\s*$/.test(String(options.expires)) ? Number(options.expires) : undefined;
    if (asInt) {
      throw new SignedUrlError(
        `\`expires\` should be date format, for example 2016-01-01T00:00:00, not integer value: ${asInt}`,
      );
    }
    expires = parseIsoTime(String(options.expires));
  } else {
    expires = new Date(now + 86_400_000);
  }
  if (expires.getTime() <= now) throw new SignedUrlError('`expires` is lower than the current time');

  const sortedMethods = methods.map(String).sort();
  const sortedPaths = [...paths].sort();
  const expiresText = formatIsoSeconds(expires);
  return {
    paths: sortedPaths,
    methods: sortedMethods,
    project: options.project,
    expires: expiresText,
    signature: sign(key, sortedPaths, sortedMethods, options.project, expiresText),
  };
}

export interface SignedHeaders {
  signature: string;
  paths: string[];
  methods: string[];
  project: string | null;
  expires: string | undefined;
}

/**
 * Verifies a request carrying `URL-Signature` (helpers.verify_pre_signed_url):
 * method listed, one listed path found in the request path (regular-expression
 * search), signature recomputed and compared in constant time. Any failure
 * returns false; the API answers a plain 404.
 */
export function verifySignedRequest(
  key: string | null | undefined,
  method: string,
  requestPath: string,
  headers: SignedHeaders,
  now = Date.now(),
): boolean {
  if (!headers.methods.includes(method)) return false;
  const pathMatches = headers.paths.some((p) => {
    if (!p) return false;
    try {
      return new RegExp(p).test(requestPath);
    } catch {
      return false;
    }
  });
  if (!pathMatches) return false;
  let expected: SignedUrl;
  try {
    expected = createSignedUrl(key, headers.paths, {
      project: headers.project,
      methods: headers.methods,
      expires: headers.expires,
      now,
    });
  } catch {
    return false;
  }
  const a = Buffer.from(expected.signature, 'utf8');
  const b = Buffer.from(headers.signature, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
