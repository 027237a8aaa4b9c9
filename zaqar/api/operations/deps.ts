/**
 * What every operation needs, and the two helpers that keep their error
 * handling in one shape: `valid()` turns a validator's refusal into a
 * domain error, `guarded()` turns any other failure of the store into
 * `unavailable`, so an operation only ever throws DomainError.
 */
import type { Logger } from '../../common/logger';
import type { SubscriptionNotices } from '../../notification/service';
import type { PoolingAdmin } from '../../pooling/admin';
import type { Storage } from '../../storage/storage';
import { asDomainError, DomainError, type DomainErrorCode } from '../errors';
import type { LongPollHub } from '../long-poll';
import type { ApiProfile } from '../profile';
import type { MessageCipher } from '../rules/encryption';
import type { ApiSettings } from '../settings';
import type { QueueSettingsCache } from './settings-cache';
import { ValidationFailed, type Validator } from '../validation';

export interface OperationDeps {
  storage: Storage;
  validator: Validator;
  settings: ApiSettings;
  cipher: MessageCipher;
  logger: Logger;
  profile: ApiProfile;
  /** With `[DEFAULT] pooling`: what the pool and flavor operations need beyond the management store. */
  pooling?: PoolingAdmin;
  /** Long polling's waiters (`?wait=N`); absent: every wait is answered as wait=0. */
  longPoll?: LongPollHub;
  /** With notifications or confirmation on: schemes served, notifier registration, confirmation notices. */
  notices?: SubscriptionNotices;
  /** Queue metadata for posts and claims (settings-cache.ts); absent: read every time. */
  settingsCache?: QueueSettingsCache;
}

/** Runs a validator check; its ValidationFailed becomes a DomainError with `code` and the validator's text. */
export function valid<T>(check: () => T, code: Extract<DomainErrorCode, 'invalid_request' | 'invalid_body'> = 'invalid_request'): T {
  try {
    return check();
  } catch (err) {
    if (err instanceof ValidationFailed) throw new DomainError(code, err.message);
    throw err;
  }
}

/** Runs an operation's storage work: DomainErrors pass, any other failure becomes `unavailable` (cause kept for the log). */
export async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw asDomainError(err);
  }
}
