/** Zaqar's default `[transport]` limits, for tests that build a Validator or an API directly. */
import type { ValidationLimits } from '../../zaqar/api/validation';

export const LIMITS: ValidationLimits = {
  max_queues_per_page: 20,
  max_messages_per_page: 20,
  max_subscriptions_per_page: 20,
  max_messages_per_claim_or_pop: 20,
  max_queue_metadata: 65536,
  max_messages_post_size: 262144,
  max_message_ttl: 1209600,
  max_message_delay: 900,
  max_claim_ttl: 43200,
  max_claim_grace: 43200,
  max_flavors_per_page: 20,
  max_pools_per_page: 20,
  subscriber_types: ['http', 'https', 'mailto', 'trust+http', 'trust+https'],
  client_id_uuid_safe: 'strict',
  min_length_client_id: 10,
  max_length_client_id: 36,
  message_delete_with_claim_id: false,
};
