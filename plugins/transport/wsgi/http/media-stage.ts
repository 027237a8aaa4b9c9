/**
 * The HTTP transport's own request stage, between identity and
 * identification as in Zaqar's hook order: form-encoded bodies are refused
 * and the client must accept JSON.
 */
import type { IncomingRequest } from '../../../../zaqar/api/request/incoming';
import { STAGE_ORDER, type RequestStage } from '../../../../zaqar/api/request/stage';
import { HttpError } from './errors';

const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';

/**
 * falcon `client_accepts("application/json")`: a missing Accept, a wildcard, or
 * any header that mentions `application/json` is fine (falcon checks the
 * substring first); otherwise the best-matching media range must have q > 0.
 */
export function acceptsJson(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '' || accept === '*/*' || accept.includes('application/json')) {
    return true;
  }
  let bestFitness = -1;
  let bestQuality = 0;
  for (const range of accept.split(',')) {
    const [mediaRange, ...params] = range.split(';').map((s) => s.trim());
    const [type, subtype] = mediaRange.toLowerCase().split('/');
    if (subtype === undefined) continue;
    if (!(type === 'application' || type === '*') || !(subtype === 'json' || subtype === '*')) continue;
    const fitness = (type === 'application' ? 100 : 0) + (subtype === 'json' ? 10 : 0);
    if (fitness <= bestFitness) continue;
    bestFitness = fitness;
    const q = params.find((p) => p.toLowerCase().startsWith('q='));
    bestQuality = q === undefined ? 1 : Number(q.slice(2)) || 0;
  }
  return bestQuality > 0;
}

export const httpMediaStage: RequestStage = {
  name: 'http-media',
  order: (STAGE_ORDER.identity + STAGE_ORDER.identification) / 2,
  run(request: IncomingRequest): void {
    if (request.contentLength !== undefined && (request.header('content-type') ?? '').toLowerCase() === FORM_MEDIA_TYPE) {
      throw new HttpError(
        400,
        'Invalid Content-Type',
        'Endpoint does not accept `application/x-www-form-urlencoded` content; currently supported media type is ' +
          '`application/json`; specify proper client-side media type with the "Content-Type" header.',
      );
    }
    if (!acceptsJson(request.header('accept'))) throw new HttpError(406, 'Not Acceptable');
  },
};
