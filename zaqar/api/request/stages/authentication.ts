/**
 * Authentication: the auth strategy turns the request's credentials into an
 * identity (or refuses them). Public resources skip it; so do verified
 * pre-signed requests, whose identity is the signed project — with the
 * client's other identity headers only when the strategy trusts client
 * headers at all (noauth).
 */
import type { AuthStrategy, Identity } from '../../../auth/strategy';
import type { IncomingRequest } from '../incoming';
import { STAGE_ORDER, type RequestStage } from '../stage';

export function authenticationStage(strategy: AuthStrategy): RequestStage {
  return {
    name: 'authentication',
    order: STAGE_ORDER.authentication,
    run(request: IncomingRequest): void | Promise<void> {
      if (request.public) return;
      if (request.signed && !strategy.trustsClientHeaders) {
        request.identity = { projectId: request.header('x-project-id'), roles: [] };
        return;
      }
      const identity = strategy.authenticate(request);
      if (identity instanceof Promise) {
        return identity.then((resolved: Identity) => {
          request.identity = resolved;
        });
      }
      request.identity = identity;
    },
  };
}
