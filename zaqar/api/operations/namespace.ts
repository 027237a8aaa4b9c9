/**
 * Queues and topics are two namespaces of the same kind of thing (Zaqar's
 * `zaqar.transport.wsgi.v2_0.topic` is a copy of its queue resources): a
 * name with metadata, messages and subscriptions. The queue, message and
 * subscription operations are written once and built for each namespace.
 *
 * A topic's messages and subscriptions are stored with the topic's name in
 * the queue position (Zaqar's model), so a queue and a topic of the same
 * name in one project share them; only their metadata is apart.
 */
import { QueueDoesNotExist, TopicDoesNotExist } from '../../storage/errors';
import type { QueueApi } from '../../storage/queue-api';
import type { Storage } from '../../storage/storage';
import type { ApiLimits } from '../settings';

export interface Namespace {
  readonly kind: 'queue' | 'topic';
  /** The name's metadata store: the management store's queues or topics, behind their pipeline. */
  names(storage: Storage): QueueApi;
  /** The store's "no such name" error. */
  isMissing(err: unknown): boolean;
  /** The reserved metadata keys shown with their defaults when missing or falsy. */
  reservedDefaults(limits: ApiLimits): [string, unknown][];
}

/** The reserved defaults of posting, which queues and topics both show. */
function postingDefaults(limits: ApiLimits): [string, unknown][] {
  return [
    ['_max_messages_post_size', limits.max_messages_post_size],
    ['_default_message_ttl', limits.default_message_ttl],
    ['_default_message_delay', limits.default_message_delay],
  ];
}

export const QUEUES: Namespace = {
  kind: 'queue',
  names: (storage) => storage.queues,
  isMissing: (err) => err instanceof QueueDoesNotExist,
  reservedDefaults: (limits) => [
    ...postingDefaults(limits),
    ['_dead_letter_queue', null],
    ['_dead_letter_queue_messages_ttl', null],
    ['_max_claim_count', null],
    ['_enable_encrypt_messages', false],
  ],
};

/** Topics show those three reserved defaults only (Zaqar's `topic._get_reserved_metadata`). */
export const TOPICS: Namespace = {
  kind: 'topic',
  names: (storage) => storage.topics,
  isMissing: (err) => err instanceof TopicDoesNotExist,
  reservedDefaults: postingDefaults,
};
