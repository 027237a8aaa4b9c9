/**
 * [transport] (`zaqar.conf.transport`): API limits and defaults, with their
 * deprecated names (many from the old [limits:transport] group).
 */
import { defineGroup } from './define';

export interface TransportOptions {
  default_message_ttl: number;
  default_message_delay: number;
  default_claim_ttl: number;
  default_claim_grace: number;
  default_subscription_ttl: number;
  max_queues_per_page: number;
  max_messages_per_page: number;
  max_subscriptions_per_page: number;
  max_messages_per_claim_or_pop: number;
  max_queue_metadata: number;
  max_messages_post_size: number;
  max_message_ttl: number;
  max_message_delay: number;
  max_claim_ttl: number;
  max_claim_grace: number;
  subscriber_types: string[];
  max_flavors_per_page: number;
  max_pools_per_page: number;
  /** `strict` (Client-ID must be a UUID) or `off`. */
  client_id_uuid_safe: string;
  min_length_client_id: number;
  max_length_client_id: number;
  message_delete_with_claim_id: boolean;
  message_encryption_algorithms: string;
  message_encryption_key: string;
  max_long_poll_waiters: number;
}

const LIMITS = 'limits:transport';

export const TRANSPORT_GROUP = defineGroup<TransportOptions>('transport', 'API limits and defaults.', {
  default_message_ttl: { type: 'integer', default: 3600, help: 'Defines how long a message will be accessible.' },
  default_message_delay: { type: 'integer', default: 0, help: 'Default queue delay in seconds; 0 turns delayed queues off.' },
  default_claim_ttl: { type: 'integer', default: 300, help: 'Defines how long a message will be in claimed state.' },
  default_claim_grace: { type: 'integer', default: 60, help: 'Defines the message grace period in seconds.' },
  default_subscription_ttl: { type: 'integer', default: 3600, help: 'Defines how long a subscription will be available.' },
  max_queues_per_page: {
    type: 'integer',
    default: 20,
    help: 'Defines the maximum number of queues per page.',
    deprecated: [{ group: LIMITS, name: 'queue_paging_uplimit' }],
  },
  max_messages_per_page: {
    type: 'integer',
    default: 20,
    help: 'Defines the maximum number of messages per page.',
    deprecated: [{ group: LIMITS, name: 'message_paging_uplimit' }],
  },
  max_subscriptions_per_page: {
    type: 'integer',
    default: 20,
    help: 'Defines the maximum number of subscriptions per page.',
    deprecated: [{ group: LIMITS, name: 'subscription_paging_uplimit' }],
  },
  max_messages_per_claim_or_pop: {
    type: 'integer',
    default: 20,
    help: 'The maximum number of messages that can be claimed or popped in a single request.',
    deprecated: [{ name: 'max_messages_per_claim' }],
  },
  max_queue_metadata: {
    type: 'integer',
    default: 65536,
    help: 'Defines the maximum amount of metadata in a queue.',
    deprecated: [{ group: LIMITS, name: 'metadata_size_uplimit' }],
  },
  max_messages_post_size: {
    type: 'integer',
    default: 262144,
    help: 'Defines the maximum size of message posts.',
    // Order as in Zaqar's declaration (and its generated sample file).
    deprecated: [{ name: 'max_message_size' }, { group: LIMITS, name: 'message_size_uplimit' }],
  },
  max_message_ttl: {
    type: 'integer',
    default: 1209600,
    help: 'Maximum amount of time a message will be available.',
    deprecated: [{ group: LIMITS, name: 'message_ttl_max' }],
  },
  max_message_delay: { type: 'integer', default: 900, help: 'Maximum delay seconds for messages can be claimed.' },
  max_claim_ttl: {
    type: 'integer',
    default: 43200,
    help: 'Maximum length of a message in claimed state.',
    deprecated: [{ group: LIMITS, name: 'claim_ttl_max' }],
  },
  max_claim_grace: {
    type: 'integer',
    default: 43200,
    help: 'Defines the maximum message grace period in seconds.',
    deprecated: [{ group: LIMITS, name: 'claim_grace_max' }],
  },
  subscriber_types: {
    type: 'list',
    default: ['http', 'https', 'mailto', 'trust+http', 'trust+https'],
    help: 'Defines supported subscriber types.',
  },
  max_flavors_per_page: { type: 'integer', default: 20, help: 'Defines the maximum number of flavors per page.' },
  max_pools_per_page: { type: 'integer', default: 20, help: 'Defines the maximum number of pools per page.' },
  client_id_uuid_safe: {
    type: 'string',
    default: 'strict',
    choices: ['strict', 'off'],
    help: '"strict": the Client-ID must be a UUID; "off": any string within the length limits below.',
  },
  // The reference declares these two defaults as strings; they convert like file values.
  min_length_client_id: { type: 'integer', default: '10', help: 'Minimum Client-ID length when client_id_uuid_safe = off.' },
  max_length_client_id: { type: 'integer', default: '36', help: 'Maximum Client-ID length when client_id_uuid_safe = off.' },
  message_delete_with_claim_id: {
    type: 'boolean',
    default: false,
    help: 'Require claim IDs when deleting messages by ID.',
  },
  message_encryption_algorithms: {
    type: 'string',
    default: 'AES256',
    choices: ['AES256'],
    help: 'Encryption algorithm of messages.',
  },
  message_encryption_key: {
    type: 'string',
    default: 'AES256',
    secret: true,
    help: 'Secret from which the message encryption key is derived (SHA-256).',
  },
  // ours: long polling (`?wait=N` on claims and message listings), not a Zaqar option.
  max_long_poll_waiters: {
    type: 'integer',
    default: 10000,
    help: 'Requests of this process that may wait at once with ?wait=N; beyond, a request is answered as with wait=0.',
  },
});
