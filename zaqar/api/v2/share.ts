/**
 * `POST /v2/queues/{q}/share`: pre-signed URL creation (api-v2.md §9.1;
 * reference: zaqar.transport.wsgi.v2_0.urls).
 */
import { createSignedUrl, SignedUrlError } from '../../auth/signed-url';
import { badRequestApi } from '../errors';
import type { ApiRequest, ApiResponse } from '../request';
import { requireObject, readJsonBody, type ResourceContext } from './common';

const KNOWN_KEYS = ['methods', 'expires', 'paths'];
const VALID_PATHS = ['messages', 'subscriptions', 'claims'];

/** Python's repr of a set of strings, in first-seen order: `{'a', 'b'}`. */
function pySet(items: Iterable<string>): string {
  return '{' + [...new Set(items)].map((s) => `'${s}'`).join(', ') + '}';
}

export class ShareResource {
  constructor(private readonly ctx: ResourceContext) {}

  create = async (req: ApiRequest): Promise<ApiResponse> => {
    const document = requireObject(readJsonBody(req));
    const unknown = Object.keys(document).filter((k) => !KNOWN_KEYS.includes(k));
    if (unknown.length) throw badRequestApi(`Unknown keys: ${pySet(unknown)}`);

    const queuePath = req.path.slice(0, -'/share'.length);
    let names: string[] = ['messages'];
    const requested = document.paths;
    if (requested !== undefined && requested !== null && !(Array.isArray(requested) && requested.length === 0) && requested !== '') {
      // Python iterates what it is given: a string is a sequence of characters.
      const items = typeof requested === 'string' ? [...requested] : Array.isArray(requested) ? requested.map(String) : [String(requested)];
      const invalid = items.filter((p) => !VALID_PATHS.includes(p));
      if (invalid.length) throw badRequestApi(`Invalid paths: ${pySet(invalid)}`);
      names = items;
    }

    try {
      const signed = createSignedUrl(
        this.ctx.settings.secretKey,
        names.map((name) => `${queuePath}/${name}`),
        { project: req.context.projectId, methods: document.methods, expires: document.expires },
      );
      return { status: 200, body: signed };
    } catch (err) {
      if (err instanceof SignedUrlError) throw badRequestApi(err.message);
      throw err;
    }
  };
}
