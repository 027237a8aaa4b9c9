/**
 * Storage controller contracts (Zaqar's `zaqar.storage.base`; the behaviour
 * every store shares is pinned by the suites in zaqar/testing/conformance).
 *
 * Two roles:
 * - the management store (`ManagementStore`): queue metadata, pools, flavors,
 *   the queue -> pool catalogue;
 * - the message store (`MessageStore`): messages, claims and
 *   subscriptions. A message store never owns queue (or topic) metadata.
 *
 * Topics (Zaqar's model): a topic's metadata is the management store's
 * `topicController`; its messages and subscriptions are the message store's,
 * with the topic's name in the queue position, so a queue and a topic of the
 * same name in one project share them.
 *
 * Every method is scoped by (queue, project). `project` is `null` for the
 * global namespace (only reachable through API v1). Times are milliseconds
 * since the UNIX epoch unless a name says otherwise; `ttl`, `grace`, `delay`
 * and `age` are whole seconds as on the wire.
 *
 * Conformance: tests/conformance/ holds one contract suite per controller,
 * run against every driver.
 */

import type { PostSignals } from './signals';
import { token } from '../di/token';
import type { Interceptor } from './pipeline/interceptor';

export type Project = string | null;

/** Zaqar's `Capabilities` enum; values as in the reference. */
export enum Capability {
  FIFO = 1,
  CLAIMS = 2,
  DURABILITY = 3,
  AOD = 4,
  HIGH_THROUGHPUT = 5,
}

/**
 * How many items a listing returns when the caller gives no `limit`
 * (Zaqar's DEFAULT_*_PER_PAGE in `storage/base.py`: 10 for queues,
 * messages, pools and flavors alike).
 */
export const DEFAULT_PAGE_SIZE = 10;

/** One page of a listing; `next` is the marker of the last item (absent on an empty page). */
export interface Page<T> {
  items: T[];
  next?: string;
}

/** Queue metadata: an arbitrary JSON object (values may be JsonNumber/RawJson, see common/json). */
export type QueueMetadata = Record<string, unknown>;

export interface QueueListing {
  name: string;
  /** Present only when listed with `detailed`. */
  metadata?: QueueMetadata;
}

export interface QueueListOptions {
  marker?: string;
  limit?: number;
  detailed?: boolean;
  /** Substring filter on the name. */
  name?: string;
  /** Exact-match filters on metadata keys. */
  filters?: Record<string, unknown>;
}

/** `{id, age, created}` of the oldest/newest message; `created` is ISO `YYYY-MM-DDTHH:MM:SSZ`. */
export interface MessageStatsEntry {
  id: string;
  age: number;
  created: string;
}

export interface QueueStats {
  messages: {
    claimed: number;
    free: number;
    total: number;
    oldest?: MessageStatsEntry;
    newest?: MessageStatsEntry;
  };
}

/** Management-store queue controller (Zaqar's `Queue` controller). */
export interface QueueController {
  list(project: Project, options?: QueueListOptions): Promise<Page<QueueListing>>;
  /** Metadata, or `{}` when the queue does not exist (never throws not-found). */
  get(name: string, project: Project): Promise<QueueMetadata>;
  /** Throws QueueDoesNotExist. */
  getMetadata(name: string, project: Project): Promise<QueueMetadata>;
  /** Replaces the whole metadata object. Throws QueueDoesNotExist. */
  setMetadata(name: string, metadata: QueueMetadata, project: Project): Promise<void>;
  /** True if created, false if it already existed (metadata then untouched). */
  create(name: string, metadata: QueueMetadata, project: Project): Promise<boolean>;
  exists(name: string, project: Project): Promise<boolean>;
  /** Idempotent. */
  delete(name: string, project: Project): Promise<void>;
  /** Number of queues in the project (`with_count`). */
  count(project: Project): Promise<number>;
}

/** A message as the API layer hands it to `post`. */
export interface NewMessage {
  ttl: number;
  /** Seconds; 0 = not delayed. */
  delay: number;
  /** Any JSON value (see common/json for JsonNumber and RawJson). */
  body: unknown;
  /** `MD5:<hex>` when `[DEFAULT] enable_checksum` is on. */
  checksum?: string;
}

/** A message as controllers return it ("basic message" in Zaqar). */
export interface StoredMessage {
  id: string;
  /** Seconds since creation. */
  age: number;
  /** Current ttl (a claim may have extended it). */
  ttl: number;
  /** Any JSON value; drivers usually return a RawJson holding the stored text. */
  body: unknown;
  /** The current claim id, or null when unclaimed. */
  claimId: string | null;
  claimCount: number;
  checksum?: string;
  /** Creation time in ms (used for stats `created`). */
  created: number;
}

export interface MessageListOptions {
  /** Opaque marker from a previous page's `next`; exclusive. */
  marker?: string;
  limit?: number;
  /** Include messages posted by `clientId`. */
  echo?: boolean;
  clientId?: string;
  includeClaimed?: boolean;
  includeDelayed?: boolean;
}

/** Data-plane message controller (Zaqar's `Message` controller). */
export interface MessageController {
  list(queue: string, project: Project, options?: MessageListOptions): Promise<Page<StoredMessage>>;
  /** Oldest (sort 1) or newest (sort -1) message, claimed ones included. Throws QueueIsEmpty. */
  first(queue: string, project: Project, sort?: 1 | -1): Promise<StoredMessage>;
  /** Throws MessageDoesNotExist (also for malformed ids). */
  get(queue: string, messageId: string, project: Project): Promise<StoredMessage>;
  /** Unknown or malformed ids are skipped; order follows `messageIds`. */
  bulkGet(queue: string, messageIds: string[], project: Project): Promise<StoredMessage[]>;
  /** Stores the batch atomically; returns new ids in input order. */
  post(queue: string, messages: NewMessage[], clientId: string, project: Project): Promise<string[]>;
  /**
   * Deletes one message. Unknown message: silent success. Throws
   * MessageIsClaimed, MessageNotClaimed, MessageNotClaimedBy, ClaimDoesNotExist
   * as zaqar/storage/delete-rules.ts decides.
   */
  delete(queue: string, messageId: string, project: Project, claimId?: string): Promise<void>;
  /** Deletes the listed messages; claim checks only when `claimIds` is given. */
  bulkDelete(queue: string, messageIds: string[], project: Project, claimIds?: string[]): Promise<void>;
  /** Atomically removes and returns up to `limit` claimable messages, oldest first. */
  pop(queue: string, limit: number, project: Project): Promise<StoredMessage[]>;
}

/** Dead-letter settings taken from the queue metadata (`_max_claim_count`, `_dead_letter_queue`, ...). */
export interface DeadLetterOptions {
  maxClaimCount: number;
  queue: string;
  /** TTL for moved messages; undefined keeps the message's ttl. */
  ttl?: number;
}

export interface ClaimOptions {
  ttl: number;
  grace: number;
  limit: number;
  deadLetter?: DeadLetterOptions;
}

export interface ClaimInfo {
  id: string;
  ttl: number;
  /** Seconds since the claim was created or last renewed. */
  age: number;
  messages: StoredMessage[];
}

/** Data-plane claim controller (Zaqar's `Claim` controller). */
export interface ClaimController {
  /** `claimId` is null (and messages empty) when nothing could be claimed. */
  create(queue: string, options: ClaimOptions, project: Project): Promise<{ claimId: string | null; messages: StoredMessage[] }>;
  /** Throws ClaimDoesNotExist (unknown, expired or malformed id). */
  get(queue: string, claimId: string, project: Project): Promise<ClaimInfo>;
  /** Throws ClaimDoesNotExist. */
  update(queue: string, claimId: string, options: { ttl: number; grace: number }, project: Project): Promise<void>;
  /** Release; idempotent. */
  delete(queue: string, claimId: string, project: Project): Promise<void>;
}

/**
 * What the message store contributes to queue operations (Zaqar's built-in
 * "MessageQueueHandler" stage): stats, and dropping the messages and claims
 * of a deleted queue.
 */
export interface QueueDataController {
  /**
   * Message counts; `oldest`/`newest` present whenever total > 0. Never
   * throws not-found: whether the queue exists is the management store's
   * business (the storage facade asks it).
   */
  stats(queue: string, project: Project): Promise<QueueStats>;
  /** Removes all messages and claims of the queue. */
  purge(queue: string, project: Project): Promise<void>;
}

/**
 * A message store's part in the queue lifecycle: interceptors around the
 * management store's `create`, `setMetadata` and `delete` of a queue, run
 * by the queue pipeline (zaqar/storage/storage.ts). The pooled store
 * (zaqar/pooling/pooled-store.ts) places a new queue on a pool here and
 * forgets it on deletion; a plain store needs none.
 */
export type QueueLifecycle = Interceptor<Pick<QueueController, 'create' | 'setMetadata' | 'delete'>>;

/** A subscription as controllers return it (Zaqar's "basic subscription"). */
export interface Subscription {
  id: string;
  /** The queue (or topic) name. */
  source: string;
  /** The subscriber URI (`http(s)://`, `mailto:`, `trust+http(s)://`). */
  subscriber: string;
  /** Seconds the subscription lives after its creation or last ttl change. */
  ttl: number;
  /** Whole seconds since creation (or since the last ttl change, where the backend counts so). */
  age: number;
  /** A JSON object (may hold `_retry_policy`, `post_data`, `post_headers`, `trust_id`, `from`, `subject`, `filter_policy`). */
  options: Record<string, unknown>;
  /** False at creation; records written without the flag read as confirmed. */
  confirmed: boolean;
}

/** The fields an update may change; absent fields stay as they are. */
export interface SubscriptionUpdate {
  subscriber?: string;
  /** A new ttl restarts the expiry clock (now + ttl). */
  ttl?: number;
  /** Replaces the whole options object. */
  options?: Record<string, unknown>;
}

/**
 * Data-plane subscription controller (Zaqar's `Subscription` controller).
 * Subscriptions are unique by (project, source, subscriber) and disappear
 * `ttl` seconds after creation or their last ttl change.
 */
export interface SubscriptionController {
  /** Ascending by id; `marker` is the last id of the previous page (exclusive). Default limit 10. */
  list(queue: string, project: Project, options?: { marker?: string; limit?: number }): Promise<Page<Subscription>>;
  /** Throws SubscriptionDoesNotExist (also when it belongs to another queue or project, or the id is malformed). */
  get(queue: string, subscriptionId: string, project: Project): Promise<Subscription>;
  /** The new id, or null when (project, queue, subscriber) is already subscribed (nothing changed then). */
  create(queue: string, subscriber: string, ttl: number, options: Record<string, unknown>, project: Project): Promise<string | null>;
  /** Throws SubscriptionDoesNotExist, or SubscriptionAlreadyExists when the new subscriber is taken in this queue. */
  update(queue: string, subscriptionId: string, project: Project, fields: SubscriptionUpdate): Promise<void>;
  exists(queue: string, subscriptionId: string, project: Project): Promise<boolean>;
  /** Idempotent. */
  delete(queue: string, subscriptionId: string, project: Project): Promise<void>;
  /** The subscription of `subscriber` on the queue, or null. */
  getWithSubscriber(queue: string, subscriber: string, project: Project): Promise<Subscription | null>;
  /** Sets the confirmed flag. Throws SubscriptionDoesNotExist. */
  confirm(queue: string, subscriptionId: string, project: Project, confirmed: boolean): Promise<void>;
}

export interface MessageStore {
  readonly capabilities: readonly Capability[];
  readonly messageController: MessageController;
  readonly claimController: ClaimController;
  readonly subscriptionController: SubscriptionController;
  readonly queueDataController: QueueDataController;
  /** Optional: see QueueLifecycle. */
  readonly queueLifecycle?: QueueLifecycle;
  isAlive(): Promise<boolean>;
  /** Driver KPIs for the detailed health endpoint. */
  health(): Promise<Record<string, unknown>>;
  /**
   * Optional: the whole detailed health report instead of the standard one
   * (reachability, self-test, KPIs; zaqar/storage/health.ts). Pooling
   * reports the catalog and each pool this way.
   */
  healthReport?(): Promise<Record<string, unknown>>;
  /** Removes what the backend does not expire by itself; returns the number of items removed. */
  gc(): Promise<number>;
  close(): Promise<void>;
  /** Optional: posts seen by the store, other processes' included (long polling; zaqar/storage/signals.ts). */
  readonly signals?: PostSignals;
}
/** The message store `[drivers] message_store` names (without pipeline stages in front). */
export const MessageStore = token<MessageStore>('MessageStore');

// ---------------------------------------------------------------------------
// Management store: pools, flavors, catalogue (pooling, zaqar/pooling)

export interface PoolRecord {
  name: string;
  uri: string;
  weight: number;
  flavor: string | null;
  options?: Record<string, unknown>;
}

export interface PoolsController {
  list(options?: { marker?: string; limit?: number; detailed?: boolean }): Promise<Page<PoolRecord>>;
  /** Upsert by name. */
  create(name: string, weight: number, uri: string, flavor: string | null, options: Record<string, unknown>): Promise<void>;
  /** Throws PoolDoesNotExist. */
  get(name: string, detailed?: boolean): Promise<PoolRecord>;
  getPoolsByFlavor(flavor: string | null, detailed?: boolean): Promise<PoolRecord[]>;
  exists(name: string): Promise<boolean>;
  /** Throws PoolDoesNotExist. */
  update(name: string, fields: Partial<Omit<PoolRecord, 'name'>>): Promise<void>;
  delete(name: string): Promise<void>;
  dropAll(): Promise<void>;
}

export interface FlavorRecord {
  name: string;
  project: Project;
  capabilities?: unknown;
}

export interface FlavorsController {
  list(project: Project, options?: { marker?: string; limit?: number; detailed?: boolean }): Promise<Page<FlavorRecord>>;
  create(name: string, project: Project, capabilities?: unknown): Promise<void>;
  /** Throws FlavorDoesNotExist. */
  get(name: string, project: Project, detailed?: boolean): Promise<FlavorRecord>;
  exists(name: string, project: Project): Promise<boolean>;
  /** Throws FlavorDoesNotExist. */
  update(name: string, project: Project, capabilities?: unknown): Promise<void>;
  delete(name: string, project: Project): Promise<void>;
  dropAll(): Promise<void>;
}

export interface CatalogueEntry {
  queue: string;
  project: Project;
  pool: string;
  /** While the queue moves to `pool`: the pool it moves away from (both serve it meanwhile). */
  previous?: string;
}

export interface CatalogueController {
  list(project: Project): Promise<CatalogueEntry[]>;
  /** Every queue placed on `pool`, or moving away from it, in any project (draining a pool; refusing to delete a busy one). */
  listByPool(pool: string): Promise<CatalogueEntry[]>;
  /** Throws QueueNotMapped. */
  get(project: Project, queue: string): Promise<CatalogueEntry>;
  exists(project: Project, queue: string): Promise<boolean>;
  /** Upsert. */
  insert(project: Project, queue: string, pool: string): Promise<void>;
  delete(project: Project, queue: string): Promise<void>;
  /**
   * Puts a placed queue on `pool`; `previous` names the pool it is moving
   * away from (absent or null: the move is over, or there is none). Throws
   * QueueNotMapped.
   */
  update(project: Project, queue: string, pool: string, previous?: string | null): Promise<void>;
  dropAll(): Promise<void>;
}

/**
 * Management-store topic controller (Zaqar's `Topic` controller): the queue
 * controller's surface over a separate set of names, throwing
 * TopicDoesNotExist where the queue controller throws QueueDoesNotExist.
 * Topic stats are the message store's (`QueueDataController.stats` with the
 * topic's name).
 */
export type TopicController = QueueController;

export interface ManagementStore {
  readonly queueController: QueueController;
  readonly topicController: TopicController;
  readonly poolsController: PoolsController;
  readonly flavorsController: FlavorsController;
  readonly catalogueController: CatalogueController;
  isAlive(): Promise<boolean>;
  close(): Promise<void>;
}
/** The management store `[drivers] management_store` names. */
export const ManagementStore = token<ManagementStore>('ManagementStore');
