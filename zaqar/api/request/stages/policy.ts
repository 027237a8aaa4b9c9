/**
 * The policy check (Zaqar's `zaqar.transport.acl`): the operation's rule,
 * enforced with the request context as credentials and an empty target.
 */
import type { PolicyCredentials } from '../../../auth/policy';
import { token } from '../../../di/token';
import type { RequestContext } from '../../context';
import { DomainError } from '../../errors';
import type { IncomingRequest } from '../incoming';
import { STAGE_ORDER, type RequestStage } from '../stage';

/** The policy engine as the stage uses it (zaqar/auth/policy implements it). */
export interface PolicyChecker {
  enforce(rule: string, credentials: PolicyCredentials, target?: Record<string, unknown>): boolean;
}
export const PolicyChecker = token<PolicyChecker>('PolicyChecker');

/** The context as Zaqar's `RequestContext.to_dict()` spells it. */
export function credentialsOf(context: RequestContext): PolicyCredentials {
  return {
    project_id: context.projectId,
    project: context.projectId,
    user: context.userId ?? null,
    domain: context.domainId ?? null,
    user_domain: context.userDomainId ?? null,
    project_domain: context.projectDomainId ?? null,
    roles: context.roles,
    is_admin: false,
    read_only: false,
    client_id: context.clientId ?? null,
    auth_token: context.authToken ?? null,
    request_id: context.requestId,
    global_request_id: context.globalRequestId ?? null,
  };
}

export function policyStage(policy: PolicyChecker): RequestStage {
  return {
    name: 'policy',
    order: STAGE_ORDER.policy,
    run(request: IncomingRequest): void {
      if (request.rule === undefined || request.context === undefined) return;
      if (!policy.enforce(request.rule, credentialsOf(request.context), {})) {
        throw new DomainError('forbidden', 'You are not authorized to complete this action.');
      }
    },
  };
}
