/**
 * Zaqar 15's in-code policy defaults (zaqar/common/policies/*.py), in the
 * order `zaqar.common.policies.list_rules()` registers them.
 *
 * `""` allows everyone; `role:admin` needs the admin role (any case).
 * `context_is_admin` and `admin_or_owner` are registered but no Zaqar
 * resource uses them; with Zaqar's empty target `admin_or_owner` can only
 * match through `is_admin`, which Zaqar's context never sets.
 */

export interface PolicyOperation {
  readonly method: string;
  readonly path: string;
}

export interface PolicyRuleDefault {
  readonly name: string;
  /** The rule in the policy language. */
  readonly checkStr: string;
  /** From oslo's DocumentedRuleDefault (sample policy files print it as a comment). */
  readonly description?: string;
  readonly operations?: readonly PolicyOperation[];
}

/** zaqar.common.policies.base */
export const ROLE_ADMIN = 'role:admin';
export const RULE_ADMIN_OR_OWNER = 'is_admin:True or project_id:%(project_id)s';
export const UNPROTECTED = '';

const documented = (name: string, checkStr: string, description: string, method: string, path: string): PolicyRuleDefault => ({
  name,
  checkStr,
  description,
  operations: [{ method, path }],
});

export const ZAQAR_POLICY_DEFAULTS: readonly PolicyRuleDefault[] = [
  { name: 'context_is_admin', checkStr: ROLE_ADMIN },
  { name: 'admin_or_owner', checkStr: RULE_ADMIN_OR_OWNER },
  documented('claims:create', UNPROTECTED, 'Claims a set of messages from the specified queue.', 'POST', '/v2/queues/{queue_name}/claims'),
  documented('claims:get', UNPROTECTED, 'Queries the specified claim for the specified queue.', 'GET', '/v2/queues/{queue_name}/claims/{claim_id}'),
  documented('claims:delete', UNPROTECTED, 'Releases the specified claim for the specified queue.', 'DELETE', '/v2/queues/{queue_name}/claims/{claim_id}'),
  documented('claims:update', UNPROTECTED, 'Updates the specified claim for the specified queue.', 'PATCH', '/v2/queues/{queue_name}/claims/{claim_id}'),
  documented('flavors:get_all', UNPROTECTED, 'Lists flavors.', 'GET', '/v2/flavors'),
  documented('flavors:create', ROLE_ADMIN, 'Creates a new flavor.', 'PUT', '/v2/flavors/{flavor_name}'),
  documented('flavors:get', UNPROTECTED, 'Shows details for a flavor.', 'GET', '/v2/flavors/{flavor_name}'),
  documented('flavors:delete', ROLE_ADMIN, 'Deletes the specified flavor.', 'DELETE', '/v2/flavors/{flavor_name}'),
  documented('flavors:update', ROLE_ADMIN, 'Update flavor.', 'PATCH', '/v2/flavors/{flavor_name}'),
  documented('ping:get', UNPROTECTED, 'Simple health check for end user(ping).', 'GET', '/v2/ping'),
  documented('health:get', ROLE_ADMIN, 'Detailed health check for cloud operator/admin.', 'GET', '/v2/health'),
  documented('messages:get_all', UNPROTECTED, 'List all message in a message queue.', 'GET', '/v2/queues/{queue_name}/messages'),
  documented('messages:create', UNPROTECTED, 'Create a message in a message queue.', 'POST', '/v2/queues/{queue_name}/messages'),
  documented('messages:get', UNPROTECTED, 'Retrieve a specific message from a message queue.', 'GET', '/v2/queues/{queue_name}/messages/{message_id}'),
  documented('messages:delete', UNPROTECTED, 'Delete a specific message from a message queue.', 'DELETE', '/v2/queues/{queue_name}/messages/{message_id}'),
  documented('messages:delete_all', UNPROTECTED, 'Delete all messages from a message queue.', 'DELETE', '/v2/queues/{queue_name}/messages'),
  documented('pools:get_all', ROLE_ADMIN, 'Lists pools.', 'GET', '/v2/pools'),
  documented('pools:create', ROLE_ADMIN, 'Creates a pool.', 'PUT', '/v2/pools/{pool_name}'),
  documented('pools:get', ROLE_ADMIN, 'Shows details for a pool.', 'GET', '/v2/pools/{pool_name}'),
  documented('pools:delete', ROLE_ADMIN, 'Delete pool.', 'DELETE', '/v2/pools/{pool_name}'),
  documented('pools:update', ROLE_ADMIN, 'Update pool.', 'PATCH', '/v2/pools/{pool_name}'),
  documented('queues:get_all', UNPROTECTED, 'List all message queues.', 'GET', '/v2/queues'),
  documented('queues:create', UNPROTECTED, 'Create a message queue.', 'PUT', '/v2/queues/{queue_name}'),
  documented('queues:get', UNPROTECTED, 'Get details about a specific message queue.', 'GET', '/v2/queues/{queue_name}'),
  documented('queues:delete', UNPROTECTED, 'Delete a message queue.', 'DELETE', '/v2/queues/{queue_name}'),
  documented('queues:update', UNPROTECTED, 'Update a message queue.', 'PATCH', '/v2/queues/{queue_name}'),
  documented('queues:stats', UNPROTECTED, 'Get statistics about a specific message queue.', 'GET', '/v2/queues/{queue_name}/stats'),
  documented('queues:share', UNPROTECTED, 'Create a pre-signed URL for a given message queue.', 'POST', '/v2/queues/{queue_name}/share'),
  documented('queues:purge', UNPROTECTED, 'Purge resources from a particular message queue.', 'POST', '/v2/queues/{queue_name}/purge'),
  documented('subscription:get_all', UNPROTECTED, 'Lists a queue subscriptions.', 'GET', '/v2/queues/{queue_name}/subscriptions'),
  documented('subscription:create', UNPROTECTED, 'Creates a subscription.', 'POST', '/v2/queues/{queue_name}/subscriptions'),
  documented('subscription:get', UNPROTECTED, 'Shows details for a subscription.', 'GET', '/v2/queues/{queue_name}/subscriptions/{subscription_id}'),
  documented('subscription:delete', UNPROTECTED, 'Deletes the specified subscription.', 'DELETE', '/v2/queues/{queue_name}/subscriptions/{subscription_id}'),
  documented('subscription:update', UNPROTECTED, 'Updates a subscription.', 'PATCH', '/v2/queues/{queue_name}/subscriptions/{subscription_id}'),
  documented('subscription:confirm', UNPROTECTED, 'Confirms a subscription.', 'PUT', '/v2/queues/{queue_name}/subscriptions/{subscription_id}/confirm'),
  documented('topics:get_all', UNPROTECTED, 'List all topics.', 'GET', '/v2/topics'),
  documented('topics:create', UNPROTECTED, 'Create a topic.', 'PUT', '/v2/topics/{topic_name}'),
  documented('topics:get', UNPROTECTED, 'Get details about a specific topic.', 'GET', '/v2/topics/{topic_name}'),
  documented('topics:delete', UNPROTECTED, 'Delete a topic.', 'DELETE', '/v2/topics/{topic_name}'),
  documented('topics:update', UNPROTECTED, 'Update a topic.', 'PATCH', '/v2/topics/{topic_name}'),
  documented('topics:stats', UNPROTECTED, 'Get statistics about a specific topic.', 'GET', '/v2/topics/{topic_name}/stats'),
  // The reference documents `/v2/topic/...` (sic); the route itself is /v2/topics/{topic_name}/purge.
  documented('topics:purge', UNPROTECTED, 'Purge resources from a particular topic.', 'POST', '/v2/topic/{topic_name}/purge'),
];

/** The defaults as `name → rule text`. */
export function defaultPolicyRules(): Record<string, string> {
  return Object.fromEntries(ZAQAR_POLICY_DEFAULTS.map((rule) => [rule.name, rule.checkStr]));
}
