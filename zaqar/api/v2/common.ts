/**
 * Pieces every v2 resource uses: the settings they read, body parsing with
 * Zaqar's error texts, type-checked fields, and the reserved queue metadata
 * defaults.
 */
import { isJsonObject, isPyInt, isTruthy, JsonParseError, parseJsonBody } from '../../common/json';
import type { Logger } from '../../common/logger';
import type { TransportOptions } from '../../config/groups/transport';
import type { Storage } from '../../storage/facade';
import { badRequestApi, badRequestBody, documentTypeNotSupported, HttpError, serviceUnavailable } from '../errors';
import type { ApiRequest } from '../request';
import { ValidationFailed, type ValidationLimits, type Validator } from '../validation';
import type { MessageCipher } from './encryption';

/** `[transport]` defaults used by the handlers. */
export type TransportDefaults = Pick<
  TransportOptions,
  'default_message_ttl' | 'default_message_delay' | 'default_claim_ttl' | 'default_claim_grace' | 'default_subscription_ttl'
>;

export interface ApiSettings {
  limits: ValidationLimits & TransportDefaults;
  /** `[DEFAULT] admin_mode` */
  adminMode: boolean;
  /** `[DEFAULT] enable_checksum` */
  enableChecksum: boolean;
  /** `[signed_url] secret_key` */
  secretKey: string | undefined;
  /** `[DEFAULT] enable_deprecated_api_versions` (`1.1` mounts /v1.1). */
  deprecatedVersions: string[];
}

/** What every resource needs. */
export interface ResourceContext {
  storage: Storage;
  validator: Validator;
  settings: ApiSettings;
  cipher: MessageCipher;
  logger: Logger;
}

/**
 * Zaqar's `wsgi_utils.deserialize`: a body is required (no Content-Length →
 * "can not be empty"), must be UTF-8 JSON with an object or array on top.
 */
export function readJsonBody(req: ApiRequest): unknown {
  if (req.contentLength === undefined) throw badRequestBody('Request body can not be empty');
  try {
    return parseJsonBody(req.body ?? Buffer.alloc(0));
  } catch (err) {
    if (err instanceof JsonParseError) throw badRequestBody(err.message);
    throw err;
  }
}

/** `sanitize(document)` for an object document. */
export function requireObject(document: unknown): Record<string, unknown> {
  if (!isJsonObject(document)) throw documentTypeNotSupported();
  return document;
}

/** A field spec entry: `[name, type, default]` as in Zaqar's `get_checked_field`. */
export type FieldSpec = readonly [name: string, type: 'int' | '*', defaultValue: unknown];

/**
 * `wsgi_utils.filter`: keeps only the listed fields, applies defaults
 * (`undefined` default = required), checks types with Python semantics.
 */
export function filterFields(document: unknown, spec: readonly FieldSpec[]): Record<string, unknown> {
  if (!isJsonObject(document)) throw documentTypeNotSupported();
  const out: Record<string, unknown> = {};
  for (const [name, type, defaultValue] of spec) {
    let value: unknown;
    if (Object.prototype.hasOwnProperty.call(document, name)) {
      value = document[name];
    } else if (defaultValue !== undefined && defaultValue !== null) {
      value = defaultValue;
    } else {
      throw badRequestBody(`Missing "${name}" field.`);
    }
    if (type === 'int' && !isPyInt(value)) {
      throw badRequestBody(`The value of the "${name}" field must be a int.`);
    }
    out[name] = value;
  }
  return out;
}

/**
 * Runs a storage call; anything but an HttpError becomes Zaqar's 503 with
 * `description`, as every v2 responder does (the API logs the cause).
 */
export async function orUnavailable<T>(description: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof HttpError) throw err;
    throw serviceUnavailable(description, err);
  }
}

/**
 * Runs a validator check; its ValidationFailed becomes Zaqar's 400 titled
 * "Invalid API request" (or "Invalid request body" with `asBody`).
 */
export function validated<T>(check: () => T, asBody = false): T {
  try {
    return check();
  } catch (err) {
    if (err instanceof ValidationFailed) throw asBody ? badRequestBody(err.message) : badRequestApi(err.message);
    throw err;
  }
}

/** The reserved metadata keys and the defaults shown for them when missing or falsy (api-v2.md §5.2). */
export function reservedMetadataDefaults(limits: ValidationLimits & TransportDefaults): [string, unknown][] {
  return [
    ['_max_messages_post_size', limits.max_messages_post_size],
    ['_default_message_ttl', limits.default_message_ttl],
    ['_default_message_delay', limits.default_message_delay],
    ['_dead_letter_queue', null],
    ['_dead_letter_queue_messages_ttl', null],
    ['_max_claim_count', null],
    ['_enable_encrypt_messages', false],
  ];
}

/** Fills in reserved keys whose stored value is missing or falsy (in place; returns the object). */
export function withReservedDefaults(
  metadata: Record<string, unknown>,
  defaults: [string, unknown][],
): Record<string, unknown> {
  for (const [key, value] of defaults) {
    if (!isTruthy(metadata[key])) metadata[key] = value;
  }
  return metadata;
}

/** Python `str(list_of_strings)`. */
export function pyList(items: readonly string[]): string {
  return '[' + items.map((s) => `'${s}'`).join(', ') + ']';
}
