/**
 * What a policy check sees: the caller's credentials and the target.
 *
 * Zaqar passes `RequestContext.to_dict()` as the credentials (zaqar/context.py
 * on top of oslo.context), not `to_policy_values()`. Note the key names of
 * that form: `user`, `domain`, `user_domain`, `project_domain` (not
 * `user_id`, `domain_id`, ...); `project_id` and `project` both carry the
 * project. `is_admin` is always false in Zaqar.
 */
import { isTruthy } from '../../common/python';

export interface PolicyCredentials {
  project_id: string | null;
  roles: string[];
  /** `to_policy_values()` spelling; Zaqar's dict has `user` instead. */
  user_id?: string | null;
  /** `to_policy_values()` spelling; Zaqar's dict has `domain` instead. */
  domain_id?: string | null;
  user_domain_id?: string | null;
  project_domain_id?: string | null;
  is_admin?: boolean;
  /** Keys of Zaqar's `RequestContext.to_dict()`. */
  user?: string | null;
  project?: string | null;
  domain?: string | null;
  user_domain?: string | null;
  project_domain?: string | null;
  client_id?: string | null;
  system_scope?: string | null;
  read_only?: boolean;
  show_deleted?: boolean;
  auth_token?: string | null;
  request_id?: string | null;
  global_request_id?: string | null;
  resource_uuid?: string | null;
  user_identity?: string;
  is_admin_project?: boolean;
  /** Anything else a generic check (`field:value`) may reference. */
  [field: string]: unknown;
}

/** Attributes of the object acted on; Zaqar always passes `{}`. */
export type PolicyTarget = Readonly<Record<string, unknown>>;

/** The target Zaqar uses for every check (oslo's `enforce(rule, {}, creds)`). */
export const EMPTY_TARGET: PolicyTarget = Object.freeze({});

/** A Python dict as JSON-like data presents it: a non-null, non-array object. */
export function isDict(value: unknown): value is Readonly<Record<string, unknown>> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `key in dict`, without JavaScript's inherited properties (`constructor`, `__proto__`, ...). */
export function hasKey(dict: Readonly<Record<string, unknown>>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(dict, key);
}

/** Returned by `credentialField` for an absent field (a sentinel, so lookups allocate nothing). */
export const ABSENT: unique symbol = Symbol('absent');

/**
 * A top-level credential field, or `ABSENT`.
 *
 * oslo's `Enforcer.enforce` copies a truthy `system_scope` into
 * `creds['system']` before evaluating (oslo.context calls the attribute
 * `system_scope`, early policies used `system`); it is mirrored here as a
 * lookup so the caller's object is not mutated.
 */
export function credentialField(creds: PolicyCredentials, field: string): unknown {
  if (field === 'system' && isTruthy(creds.system_scope)) return creds.system_scope;
  return hasKey(creds, field) ? creds[field] : ABSENT;
}
