/**
 * Input limits and rules shared by every transport (Zaqar's
 * `zaqar.transport.validation.Validator`). Each check throws
 * ValidationFailed with Zaqar's exact text; the HTTP layer decides the title
 * (usually "Invalid API request"); a WebSocket transport (not built yet)
 * would wrap the text its own way.
 */
import { isJsonObject, isPyInt, JsonNumber, pyIntValue } from '../common/json';
import { isTruthy, pythonRepr } from '../common/python';
import type { TransportOptions } from '../config/groups/transport';
import { FilterPolicyError, validateFilterPolicy } from '../notification/filter-policy';
import { BACKOFF_FUNCTIONS, DEFAULT_RETRY_POLICY, LINEAR_INTERVAL } from '../notification/retry-policy';

export const MIN_MESSAGE_TTL = 60;
export const MIN_CLAIM_TTL = 60;
export const MIN_CLAIM_GRACE = 60;
export const MIN_DELAY_TTL = 0;
export const MIN_SUBSCRIPTION_TTL = 60;
export const QUEUE_NAME_MAX_LEN = 64;
export const PROJECT_ID_MAX_LEN = 256;
const QUEUE_NAME_REGEX = /^[a-zA-Z0-9_\-.]+$/;
const PURGEABLE_RESOURCE_TYPES = ['messages', 'subscriptions'];
/** The longest `?wait=N` (seconds) a claim or a message listing may long-poll (ours, like SQS's WaitTimeSeconds). */
export const MAX_LONG_POLL_WAIT = 20;
/** Python's `datetime.max` (9999-12-31 23:59:59.999999 UTC) in ms: a subscription may not expire later. */
const MAX_PYTHON_DATETIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** The `[transport]` options the validator reads. */
export type ValidationLimits = Pick<
  TransportOptions,
  | 'max_queues_per_page'
  | 'max_messages_per_page'
  | 'max_subscriptions_per_page'
  | 'max_messages_per_claim_or_pop'
  | 'max_queue_metadata'
  | 'max_messages_post_size'
  | 'max_message_ttl'
  | 'max_message_delay'
  | 'max_claim_ttl'
  | 'max_claim_grace'
  | 'max_flavors_per_page'
  | 'max_pools_per_page'
  | 'subscriber_types'
  | 'client_id_uuid_safe'
  | 'min_length_client_id'
  | 'max_length_client_id'
  | 'message_delete_with_claim_id'
>;

export class ValidationFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValidationFailed';
  }
}

/** A JSON-patch operation after validation: `path` is the decoded pointer segments. */
export interface PatchChange {
  op: 'add' | 'remove' | 'replace';
  path: string[];
  value?: unknown;
}

const SUPPORTED_PATCH_OPS = ['add', 'remove', 'replace'] as const;

/** Python's numeric comparison for int-like JSON values (booleans are 0/1). */
function num(value: unknown): number {
  return value instanceof JsonNumber ? Number(value.text) : pyIntValue(value);
}

const UUID_HEX = /^[0-9a-fA-F]{32}$/;
/** Clients send the same Client-ID on every request: remember the last few thousand parses. */
const parsedUuids = new Map<string, string | null>();
const PARSED_UUIDS_MAX = 4096;

/** Python `uuid.UUID(text)` acceptance (hyphens optional, braces, `urn:uuid:` prefix); the 32 hex digits or undefined. */
export function parsePyUuid(text: string): string | undefined {
  const cached = parsedUuids.get(text);
  if (cached !== undefined) return cached ?? undefined;
  let hex = text.replace(/^urn:/i, '').replace(/^uuid:/i, '');
  hex = hex.replace(/^\{|\}$/g, '').replace(/-/g, '');
  const result = UUID_HEX.test(hex) ? hex.toLowerCase() : null;
  if (parsedUuids.size >= PARSED_UUIDS_MAX) parsedUuids.clear();
  parsedUuids.set(text, result);
  return result ?? undefined;
}

/**
 * The client id as Zaqar compares it (`helpers.get_client_uuid`): the
 * canonical UUID when the header parses as one (so case and hyphens do not
 * matter for `echo`), otherwise the header text.
 */
export function normalizeClientId(clientId: string): string {
  const hex = parsePyUuid(clientId);
  if (hex === undefined) return clientId;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The scheme of a subscriber URI as Python's `urlparse` reads it (lower case; '' when there is none). */
export function subscriberScheme(uri: string): string {
  const match = /^([A-Za-z][A-Za-z0-9+\-.]*):/.exec(uri);
  return match ? match[1].toLowerCase() : '';
}

/** A queue's or topic's name and its project (topic names follow the queue name rules). */
function identification(kind: 'Queue' | 'Topic', name: string, project: string | null): void {
  if (project !== null && project.length > PROJECT_ID_MAX_LEN) {
    throw new ValidationFailed(`Project ids may not be more than ${PROJECT_ID_MAX_LEN} characters long.`);
  }
  if (name.length > QUEUE_NAME_MAX_LEN) {
    throw new ValidationFailed(`${kind} names may not be more than ${QUEUE_NAME_MAX_LEN} characters long.`);
  }
  if (!QUEUE_NAME_REGEX.test(name)) {
    throw new ValidationFailed(`${kind} names may only contain ASCII letters, digits, underscores, and dashes.`);
  }
}

export class Validator {
  constructor(public readonly limits: ValidationLimits) {}

  queueIdentification(queue: string, project: string | null): void {
    identification('Queue', queue, project);
  }

  topicIdentification(topic: string, project: string | null): void {
    identification('Topic', topic, project);
  }

  /**
   * Client-ID format per `client_id_uuid_safe`. Throws ValidationFailed; the
   * HTTP layer reports every failure as "Wrong UUID value", as Zaqar does.
   */
  clientIdUuidSafe(clientId: string): void {
    const { client_id_uuid_safe: mode, min_length_client_id: min, max_length_client_id: max } = this.limits;
    if (mode === 'off') {
      if (clientId.length < min || clientId.length > max) {
        throw new ValidationFailed(`Length of client id must be at least ${min} and no greater than ${max}.`);
      }
    } else if (mode === 'strict' && parsePyUuid(clientId) === undefined) {
      throw new ValidationFailed('badly formed hexadecimal UUID string');
    }
  }

  queueListing(limit: number | undefined): void {
    const max = this.limits.max_queues_per_page;
    if (limit !== undefined && !(limit > 0 && limit <= max)) {
      throw new ValidationFailed(`Limit must be at least 1 and no greater than ${max}.`);
    }
  }

  queueMetadataLength(contentLength: number | undefined): void {
    if (contentLength === undefined) return;
    if (contentLength > this.limits.max_queue_metadata) {
      throw new ValidationFailed(`Queue metadata is too large. Max size: ${this.limits.max_queue_metadata}`);
    }
  }

  /**
   * Reserved metadata keys (`_default_message_ttl`, ...). Python truthiness
   * applies: a falsy value skips the type check but not the range check.
   */
  queueMetadataPutting(metadata: Record<string, unknown> | undefined): void {
    if (!metadata || Object.keys(metadata).length === 0) return;
    const l = this.limits;

    const ttl = metadata._default_message_ttl;
    if (isTruthy(ttl) && !isPyInt(ttl)) throw new ValidationFailed('_default_message_ttl must be integer.');
    if (ttl !== undefined && ttl !== null && !(MIN_MESSAGE_TTL <= num(ttl) && num(ttl) <= l.max_message_ttl)) {
      throw new ValidationFailed(
        `_default_message_ttl can not exceed ${l.max_message_ttl} seconds, and must be at least ${MIN_MESSAGE_TTL} seconds long.`,
      );
    }

    const maxPost = metadata._max_messages_post_size;
    if (isTruthy(maxPost) && !isPyInt(maxPost)) throw new ValidationFailed('_max_messages_post_size must be integer.');
    if (maxPost !== undefined && maxPost !== null && !(0 < num(maxPost) && num(maxPost) <= l.max_messages_post_size)) {
      throw new ValidationFailed(
        `_max_messages_post_size can not exceed ${l.max_messages_post_size},  and must be at least greater than 0.`,
      );
    }

    const maxClaimCount = metadata._max_claim_count;
    if (isTruthy(maxClaimCount) && !isPyInt(maxClaimCount)) throw new ValidationFailed('_max_claim_count must be integer.');

    const dlqTtl = metadata._dead_letter_queue_messages_ttl;
    if (isTruthy(dlqTtl) && !isPyInt(dlqTtl)) {
      throw new ValidationFailed('_dead_letter_queue_messages_ttl must be integer.');
    }
    if (dlqTtl !== undefined && dlqTtl !== null && !(MIN_MESSAGE_TTL <= num(dlqTtl) && num(dlqTtl) <= l.max_message_ttl)) {
      throw new ValidationFailed(
        `The TTL for a message may not exceed ${l.max_message_ttl} seconds, and must be at least ${MIN_MESSAGE_TTL} seconds long.`,
      );
    }

    const delay = metadata._default_message_delay;
    if (isTruthy(delay) && !isPyInt(delay)) throw new ValidationFailed('_default_message_delay must be integer.');
    if (delay !== undefined && delay !== null && !(MIN_DELAY_TTL <= num(delay) && num(delay) <= l.max_message_delay)) {
      throw new ValidationFailed(
        `The TTL can not exceed ${l.max_message_delay} seconds, and must be at least ${MIN_DELAY_TTL} seconds long.`,
      );
    }

    const encrypted = metadata._enable_encrypt_messages;
    if (isTruthy(encrypted) && typeof encrypted !== 'boolean') {
      throw new ValidationFailed('_enable_encrypt_messages must be boolean.');
    }

    this.retryPolicy(metadata._retry_policy);
  }

  /** `_retry_policy` of queue metadata and of subscription options: see `validateRetryPolicy`. */
  retryPolicy(policy: unknown): void {
    validateRetryPolicy(policy);
  }

  /** Queue PATCH documents (draft-10 JSON patch restricted to `/metadata/<key>`). */
  queuePatching(changes: unknown): PatchChange[] {
    if (!Array.isArray(changes)) {
      throw new ValidationFailed('Request body must be a JSON array of operation objects.');
    }
    return changes.map((raw) => {
      if (!isJsonObject(raw)) throw new ValidationFailed('Operations must be JSON objects.');
      const op = raw.op;
      const available = SUPPORTED_PATCH_OPS.join(', ');
      if (op === undefined || op === null) {
        throw new ValidationFailed(`Unable to find \`op\` in JSON Schema change. It must be one of the following: ${available}.`);
      }
      if (!SUPPORTED_PATCH_OPS.includes(op as PatchChange['op'])) {
        throw new ValidationFailed(`Invalid operation: \`${String(op)}\`. It must be one of the following: ${available}.`);
      }
      if (!('path' in raw)) throw new ValidationFailed("Unable to find 'path' in JSON Schema change");
      const path = decodeJsonPointer(String(raw.path));
      if (path.length !== 2) {
        throw new ValidationFailed(`Invalid JSON pointer for this resource: '/${path.join('/')}, e.g /metadata/key'`);
      }
      const change: PatchChange = { op: op as PatchChange['op'], path };
      if (op !== 'remove') {
        if (!('value' in raw)) throw new ValidationFailed(`Operation "${String(op)}" requires a member named "value".`);
        change.value = raw.value;
        if (path[0].toLowerCase() !== 'metadata') {
          throw new ValidationFailed('The root of path must be metadata, e.g /metadata/key.');
        }
      }
      return change;
    });
  }

  queuePurging(document: unknown): string[] {
    if (!isJsonObject(document) || !('resource_types' in document)) {
      throw new ValidationFailed('Post body must contain key "resource_types".');
    }
    const types = document.resource_types;
    // Python: set(value) — a string is a set of its characters, a dict a set of its keys.
    let members: unknown[];
    if (typeof types === 'string') members = [...types];
    else if (Array.isArray(types)) members = types;
    else if (isJsonObject(types)) members = Object.keys(types);
    else members = [null];
    if (!members.every((m) => typeof m === 'string' && PURGEABLE_RESOURCE_TYPES.includes(m))) {
      throw new ValidationFailed("Resource types must be a sub set of {'messages', 'subscriptions'}.");
    }
    return members as string[];
  }

  messagePosting(messages: readonly { ttl: unknown; delay?: unknown }[]): void {
    if (messages.length === 0) throw new ValidationFailed('No messages to enqueu.');
    for (const message of messages) this.messageContent(message);
  }

  messageContent(message: { ttl: unknown; delay?: unknown }): void {
    const l = this.limits;
    const ttl = num(message.ttl);
    if (!(MIN_MESSAGE_TTL <= ttl && ttl <= l.max_message_ttl)) {
      throw new ValidationFailed(
        `The TTL for a message may not exceed ${l.max_message_ttl} seconds, and must be at least ${MIN_MESSAGE_TTL} seconds long.`,
      );
    }
    const delay = message.delay === undefined ? 0 : num(message.delay);
    if (!(MIN_DELAY_TTL <= delay && delay <= l.max_message_delay)) {
      throw new ValidationFailed(
        `The Delay TTL for a message may not exceed ${l.max_message_delay} seconds,and must be at least ${MIN_DELAY_TTL} seconds long.`,
      );
    }
  }

  /** POST size check on Content-Length, with the queue's own cap (`_max_messages_post_size`). */
  messageLength(contentLength: number | undefined, queueMaxPostSize?: unknown): void {
    if (contentLength === undefined) return;
    const configMax = this.limits.max_messages_post_size;
    if (isTruthy(queueMaxPostSize) && isPyInt(queueMaxPostSize)) {
      const queueMax = num(queueMaxPostSize);
      const effective = Math.min(queueMax, configMax);
      if (contentLength > effective) {
        throw new ValidationFailed(
          `Message collection size is too large. The max size for current queue is ${effective}. ` +
            `It is calculated by max size = min(max_messages_post_size_config: ${configMax}, ` +
            `max_messages_post_size_queue: ${queueMax}).`,
        );
      }
    }
    if (contentLength > configMax) {
      throw new ValidationFailed(`Message collection size is too large. Max size ${configMax}`);
    }
  }

  /** `wait` of a long-polling claim or listing (ours): an integer number of seconds, 0..MAX_LONG_POLL_WAIT. */
  longPollWait(wait: number | undefined): void {
    if (wait !== undefined && !(Number.isInteger(wait) && wait >= 0 && wait <= MAX_LONG_POLL_WAIT)) {
      throw new ValidationFailed(`Wait must be at least 0 and may not be greater than ${MAX_LONG_POLL_WAIT}.`);
    }
  }

  messageListing(limit: number | undefined): void {
    const max = this.limits.max_messages_per_page;
    if (limit !== undefined && !(limit > 0 && limit <= max)) {
      throw new ValidationFailed(`Limit must be at least 1 and may not be greater than ${max}.`);
    }
  }

  messageDeletion(ids: string[] | undefined, pop: number | undefined, claimIds: string[] | undefined): void {
    if (pop !== undefined && ids !== undefined) {
      throw new ValidationFailed('pop and id params cannot be present together in the delete request.');
    }
    if (pop === undefined && ids === undefined) {
      throw new ValidationFailed(
        'The request should have either "ids" or "pop" parameter in the request, to be able to delete.',
      );
    }
    if (this.limits.message_delete_with_claim_id) {
      if ((ids?.length && claimIds === undefined) || (ids === undefined && claimIds?.length)) {
        throw new ValidationFailed(
          'The request should have both "ids" and "claim_ids" parameter in the request when message_delete_with_claim_id is True.',
        );
      }
    }
    const popMax = this.limits.max_messages_per_claim_or_pop;
    if (pop !== undefined && !(pop > 0 && pop <= popMax)) {
      throw new ValidationFailed(`Pop value must be at least 1 and may not be greater than ${popMax}.`);
    }
    const idsMax = this.limits.max_messages_per_page;
    if (ids !== undefined && !(ids.length > 0 && ids.length <= idsMax)) {
      throw new ValidationFailed(`ids parameter should have at least 1 and not greater than ${idsMax} values.`);
    }
  }

  claimCreation(metadata: { ttl: unknown; grace: unknown }, limit: number | undefined): void {
    this.claimUpdating(metadata);
    const max = this.limits.max_messages_per_claim_or_pop;
    if (limit !== undefined && !(limit > 0 && limit <= max)) {
      throw new ValidationFailed(`Limit must be at least 1 and may not be greater than ${max}.`);
    }
    const grace = num(metadata.grace);
    if (!(MIN_CLAIM_GRACE <= grace && grace <= this.limits.max_claim_grace)) {
      throw new ValidationFailed(
        `The grace for a claim may not exceed ${this.limits.max_claim_grace} seconds, and must be at least ${MIN_CLAIM_GRACE} seconds long.`,
      );
    }
  }

  claimUpdating(metadata: { ttl: unknown }): void {
    const ttl = num(metadata.ttl);
    if (!(MIN_CLAIM_TTL <= ttl && ttl <= this.limits.max_claim_ttl)) {
      throw new ValidationFailed(
        `The TTL for a claim may not exceed ${this.limits.max_claim_ttl} seconds, and must be at least ${MIN_CLAIM_TTL} seconds long.`,
      );
    }
  }

  /** A new subscription (Zaqar's `subscription_posting`): `subscriber` is required, the rest as for an update. */
  subscriptionPosting(document: Record<string, unknown>): void {
    if (!('subscriber' in document)) throw new ValidationFailed('Missing parameter subscriber in body.');
    this.subscriptionPatching(document);
  }

  /** A subscription update (Zaqar's `subscription_patching`), Python truthiness as Zaqar applies it. */
  subscriptionPatching(document: unknown): void {
    if (!isTruthy(document)) throw new ValidationFailed('No subscription to create.');
    if (!isJsonObject(document)) throw new ValidationFailed('Subscriptions must be a dict.');
    const subscriber = document.subscriber;
    if (isTruthy(subscriber)) {
      const scheme = typeof subscriber === 'string' ? subscriberScheme(subscriber) : '';
      if (!this.limits.subscriber_types.includes(scheme)) {
        throw new ValidationFailed(
          `The subscriber type of subscription must be supported in the list ${pythonRepr(this.limits.subscriber_types)}.`,
        );
      }
    }
    const options = document.options;
    if (isTruthy(options) && !isJsonObject(options)) throw new ValidationFailed('Options must be a dict.');
    if (isJsonObject(options)) {
      this.retryPolicy(options._retry_policy);
      // Ours: a subscription may receive only the messages its filter policy matches.
      if ('filter_policy' in options) this.filterPolicy(options.filter_policy);
    }
    const ttl = document.ttl;
    // Zaqar skips a falsy ttl; 0 would then break its Redis store, so it is refused here.
    if (ttl === 0 || (ttl instanceof JsonNumber && ttl.isInteger && Number(ttl.text) === 0)) {
      throw new ValidationFailed(`The TTL for a subscription must be at least ${MIN_SUBSCRIPTION_TTL} seconds long.`);
    }
    if (isTruthy(ttl)) {
      if (!isPyInt(ttl)) throw new ValidationFailed('TTL must be an integer.');
      const seconds = num(ttl);
      if (seconds < MIN_SUBSCRIPTION_TTL) {
        throw new ValidationFailed(`The TTL for a subscription must be at least ${MIN_SUBSCRIPTION_TTL} seconds long.`);
      }
      if (Date.now() + seconds * 1000 > MAX_PYTHON_DATETIME_MS) {
        throw new ValidationFailed(
          'The TTL seconds for a subscription plus current time must be less than 9999-12-31 23:59:59.999999.',
        );
      }
    }
  }

  /** A subscription's `filter_policy` option (zaqar/notification/filter-policy.ts). */
  filterPolicy(policy: unknown): void {
    try {
      validateFilterPolicy(policy);
    } catch (err) {
      if (err instanceof FilterPolicyError) throw new ValidationFailed(err.message);
      throw err;
    }
  }

  /** The body of a confirmation (Zaqar's `subscription_confirming`). */
  subscriptionConfirming(document: unknown): boolean {
    const confirmed = isJsonObject(document) ? document.confirmed : undefined;
    if (typeof confirmed !== 'boolean') throw new ValidationFailed("The 'confirmed' should be boolean.");
    return confirmed;
  }

  subscriptionListing(limit: number | undefined): void {
    const max = this.limits.max_subscriptions_per_page;
    if (limit !== undefined && !(limit > 0 && limit <= max)) {
      throw new ValidationFailed(`Limit must be at least 1 and may not be greater than ${max}.`);
    }
  }

  flavorListing(limit: number | undefined): void {
    const max = this.limits.max_flavors_per_page;
    if (limit !== undefined && !(limit > 0 && limit <= max)) {
      throw new ValidationFailed(`Limit must be at least 1 and no greater than ${max}.`);
    }
  }

  poolListing(limit: number | undefined): void {
    const max = this.limits.max_pools_per_page;
    if (limit !== undefined && !(limit > 0 && limit <= max)) {
      throw new ValidationFailed(`Limit must be at least 1 and no greater than ${max}.`);
    }
  }
}

/** The keys of a retry policy in the order Zaqar checks them (the first bad one is reported). */
const RETRY_POLICY_KEYS = [
  'retries_with_no_delay',
  'minimum_delay_retries',
  'minimum_delay',
  'maximum_delay',
  'maximum_delay_retries',
  'retry_backoff_function',
  'ignore_subscription_override',
] as const;

/**
 * A webhook retry policy, `_retry_policy` in queue metadata or in a
 * subscription's options (validation.py `_validate_retry_policy`; how it is
 * applied: zaqar/notification/retry-policy.ts). Python truthiness applies: a
 * falsy policy or value is not type-checked. Beyond Zaqar, a `minimum_delay`
 * or `maximum_delay` that is falsy but no number (`null`, `""`, `[]`, `{}`)
 * is refused as no integer: Zaqar's comparison of the two raises a
 * TypeError there (a 500).
 */
export function validateRetryPolicy(policy: unknown): void {
  if (!isTruthy(policy)) return;
  if (!isJsonObject(policy)) throw new ValidationFailed('retry_policy must be a dict.');
  for (const key of RETRY_POLICY_KEYS) {
    const value = policy[key];
    if (key === 'retry_backoff_function') {
      if (isTruthy(value) && typeof value !== 'string') throw new ValidationFailed('retry_backoff_function must be a string.');
      if (isTruthy(value) && !(BACKOFF_FUNCTIONS as readonly unknown[]).includes(value)) {
        throw new ValidationFailed('invalid retry_backoff_function.');
      }
    } else if (key === 'ignore_subscription_override') {
      if (isTruthy(value) && typeof value !== 'boolean') {
        throw new ValidationFailed('ignore_subscription_override must be a boolean.');
      }
    } else if (isTruthy(value) && !isPyInt(value)) {
      throw new ValidationFailed(`Retry policy: ${key} must be a integer.`);
    }
  }
  const delay = (key: 'minimum_delay' | 'maximum_delay'): number => {
    if (!(key in policy)) return DEFAULT_RETRY_POLICY[key];
    const value = policy[key];
    if (typeof value !== 'boolean' && typeof value !== 'number' && !(value instanceof JsonNumber)) {
      throw new ValidationFailed(`Retry policy: ${key} must be a integer.`);
    }
    return num(value);
  };
  const minDelay = delay('minimum_delay');
  const maxDelay = delay('maximum_delay');
  if (maxDelay < minDelay) throw new ValidationFailed('minimum_delay must less than maximum_delay.');
  if (maxDelay - minDelay < 2 * LINEAR_INTERVAL) throw new ValidationFailed('invalid minimum_delay and maximum_delay.');
}

/** Zaqar's restricted JSON-pointer decoding (validation.py `_decode_json_pointer`). */
function decodeJsonPointer(pointer: string): string[] {
  if (!pointer.startsWith('/')) throw new ValidationFailed(`Pointer \`${pointer}\` does not start with "/".`);
  if (/\/\s*?\//.test(pointer.slice(1))) throw new ValidationFailed(`Pointer \`${pointer}\` contains adjacent "/".`);
  if (pointer.length > 1 && pointer.endsWith('/')) throw new ValidationFailed(`Pointer \`${pointer}\` end with "/".`);
  if (pointer.slice(1).trim() === '/') throw new ValidationFailed(`Pointer \`${pointer}\` does not contains valid token.`);
  if (/~[^01]/.test(pointer) || pointer.endsWith('~')) {
    throw new ValidationFailed(`Pointer \`${pointer}\` contains "~" not part of a recognized escape sequence.`);
  }
  return pointer
    .replace(/^\/+/, '')
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~').trim());
}
