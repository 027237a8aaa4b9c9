/**
 * Pre-signed URLs (Zaqar's `verify_pre_signed_url` hook): a request that
 * carries `URL-Signature` must verify against `[signed_url] secret_key` —
 * method listed, path covered, not expired, signature matching — or it is
 * refused as not found. A verified request skips authentication (Zaqar's
 * signed-URL dispatch bypasses keystonemiddleware on v1.1 and v2).
 */
import { verifySignedRequest } from '../../../auth/signed-url';
import { DomainError } from '../../errors';
import type { IncomingRequest } from '../incoming';
import { STAGE_ORDER, type RequestStage } from '../stage';

export function signedUrlStage(secretKey: string | undefined): RequestStage {
  return {
    name: 'signed-url',
    order: STAGE_ORDER.signedUrl,
    run(request: IncomingRequest): void {
      const signature = request.header('url-signature');
      if (signature === undefined) return;
      const ok = verifySignedRequest(secretKey, request.method, request.path, {
        signature,
        paths: (request.header('url-paths') ?? '').split(','),
        methods: (request.header('url-methods') ?? '').split(','),
        project: request.header('x-project-id') ?? null,
        expires: request.header('url-expires'),
      });
      if (!ok) throw new DomainError('signature_invalid');
      request.signed = true;
    },
  };
}
