/**
 * The request context (Zaqar's context hook): the identity, the Client-ID
 * and the request ids. A public resource gets whatever project the client
 * named, or none.
 */
import type { RequestContext } from '../../context';
import type { IncomingRequest } from '../incoming';
import { STAGE_ORDER, type RequestStage } from '../stage';

/** oslo.context's format for an inbound `X-Openstack-Request-ID`; others are ignored. */
const REQUEST_ID = /^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const identityStage: RequestStage = {
  name: 'identity',
  order: STAGE_ORDER.identity,
  run(request: IncomingRequest): void {
    const identity = request.identity;
    const inbound = request.header('x-openstack-request-id');
    const context: RequestContext = {
      projectId: identity?.projectId ?? (request.public ? request.header('x-project-id') ?? null : null),
      clientId: request.header('client-id'),
      roles: identity?.roles ?? [],
      userId: identity?.userId,
      domainId: identity?.domainId,
      projectDomainId: identity?.projectDomainId,
      userDomainId: identity?.userDomainId,
      authToken: identity?.authToken,
      requestId: request.requestId,
      globalRequestId: inbound && REQUEST_ID.test(inbound) ? inbound : undefined,
      identity,
    };
    request.context = context;
  },
};
