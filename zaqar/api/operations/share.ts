/**
 * Pre-signed URL creation (Zaqar's `zaqar.transport.wsgi.v2_0.urls`): signs
 * `paths` below a queue for `methods` until `expires`.
 */
import { createSignedUrl, SignedUrlError, type SignedUrl } from '../../auth/signed-url';
import { pythonSetRepr } from '../../common/python';
import type { RequestBody } from '../body';
import type { RequestContext } from '../context';
import { invalidRequest } from '../errors';
import { requireObject } from '../rules/fields';
import type { OperationDeps } from './deps';

const KNOWN_KEYS = ['methods', 'expires', 'paths'];
const VALID_PATHS = ['messages', 'subscriptions', 'claims'];

export class ShareOperations {
  constructor(private readonly deps: OperationDeps) {}

  /** Signs paths below `queuePath` (the queue's API path, e.g. `/v2/queues/q`). */
  create(ctx: RequestContext, queuePath: string, body: RequestBody): SignedUrl {
    const document = requireObject(body.document());
    const unknown = Object.keys(document).filter((k) => !KNOWN_KEYS.includes(k));
    if (unknown.length) throw invalidRequest(`Unknown keys: ${pythonSetRepr(unknown)}`);

    let names: string[] = ['messages'];
    const requested = document.paths;
    if (requested !== undefined && requested !== null && !(Array.isArray(requested) && requested.length === 0) && requested !== '') {
      // Python iterates what it is given: a string is a sequence of characters.
      const items = typeof requested === 'string' ? [...requested] : Array.isArray(requested) ? requested.map(String) : [String(requested)];
      const invalid = items.filter((p) => !VALID_PATHS.includes(p));
      if (invalid.length) throw invalidRequest(`Invalid paths: ${pythonSetRepr(invalid)}`);
      names = items;
    }

    try {
      return createSignedUrl(
        this.deps.settings.secretKey,
        names.map((name) => `${queuePath}/${name}`),
        { project: ctx.projectId, methods: document.methods, expires: document.expires },
      );
    } catch (err) {
      if (err instanceof SignedUrlError) throw invalidRequest(err.message);
      throw err;
    }
  }
}
