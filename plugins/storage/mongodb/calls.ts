/**
 * Every call the MongoDB stores make goes through here: connection failures
 * become Zaqar's ConnectionError (the API answers 503), and idempotent
 * operations are retried on transient failures the way Zaqar's
 * `retries_on_autoreconnect` does (`max_reconnect_attempts` tries, sleeping
 * `reconnect_sleep · 2^attempt` in between).
 *
 * Only idempotent operations may be retried: a write whose acknowledgement
 * was lost may have been applied, and running it again must not change the
 * outcome. Non-idempotent steps (inserts, counter increments) use `once`
 * and their callers decide what a failure means (see publisher.ts).
 */
import {
  MongoClientClosedError,
  MongoError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerClosedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoStalePrimaryError,
  MongoTopologyClosedError,
} from 'mongodb';
import type { Logger } from '../../../zaqar/common/logger';
import { ConnectionError } from '../../../zaqar/storage/errors';
import type { StuckClientGuard } from './stuck-client';

/**
 * Server error codes that mean "this member cannot serve you right now":
 * fail-overs and shutdowns (pymongo raises AutoReconnect for them).
 */
const TRANSIENT_SERVER_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/** Duplicate key: 11000 (and its legacy forms); bulk writes report it per document. */
const DUPLICATE_KEY_CODES = new Set([11000, 11001, 12582]);

/** A failure worth retrying: the operation may succeed on the next member or connection. */
export function isTransient(err: unknown): boolean {
  if (err instanceof MongoNetworkError) return true;
  if (err instanceof MongoServerError && typeof err.code === 'number' && TRANSIENT_SERVER_CODES.has(err.code)) return true;
  return err instanceof MongoError && err.hasErrorLabel('RetryableWriteError');
}

/** The backend cannot be reached (or the client was closed): Zaqar's ConnectionError. */
export function isConnectionFailure(err: unknown): boolean {
  return (
    isTransient(err) ||
    err instanceof MongoServerSelectionError ||
    err instanceof MongoTopologyClosedError ||
    err instanceof MongoNotConnectedError ||
    err instanceof MongoClientClosedError ||
    err instanceof MongoServerClosedError ||
    err instanceof MongoStalePrimaryError
  );
}

/** True for a unique-index violation, whether from a single write or a bulk insert. */
export function isDuplicateKey(err: unknown): boolean {
  if (!(err instanceof MongoServerError)) return false;
  if (typeof err.code === 'number' && DUPLICATE_KEY_CODES.has(err.code)) return true;
  const writeErrors = (err as { writeErrors?: unknown }).writeErrors;
  const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
  return list.some((e: { code?: unknown }) => typeof e?.code === 'number' && DUPLICATE_KEY_CODES.has(e.code));
}

/** Connection failures as ConnectionError (the original kept as `cause`); anything else unchanged. */
export function toStorageError(err: unknown): unknown {
  if (err instanceof ConnectionError || !isConnectionFailure(err)) return err;
  const error = new ConnectionError(`MongoDB is unreachable: ${(err as Error).message}`);
  (error as { cause?: unknown }).cause = err;
  return error;
}

export interface RetryPolicy {
  maxReconnectAttempts: number;
  /** Seconds. */
  reconnectSleep: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class MongoCalls {
  constructor(
    private readonly policy: RetryPolicy,
    private readonly logger: Logger,
    /** Told about every outcome, so a client that stops recovering gets reconnected. */
    private readonly guard?: StuckClientGuard,
  ) {}

  /** Reports the outcome to the guard and maps connection failures to ConnectionError. */
  private failure(err: unknown): unknown {
    const mapped = toStorageError(err);
    if (mapped instanceof ConnectionError) this.guard?.failed();
    return mapped;
  }

  /**
   * An idempotent operation: retried on transient failures. A server that
   * is down fails server selection (not transient) within a few seconds,
   * so an outage still surfaces quickly as ConnectionError.
   */
  async idempotent<T>(what: string, operation: () => Promise<T>): Promise<T> {
    const attempts = Math.max(1, this.policy.maxReconnectAttempts);
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await operation();
        this.guard?.succeeded();
        return result;
      } catch (err) {
        if (!isTransient(err) || attempt + 1 >= attempts) throw this.failure(err);
        this.logger.warn({ err, attempt: attempt + 1, operation: what }, 'MongoDB: transient failure, retrying');
        await sleep(this.policy.reconnectSleep * 1000 * 2 ** attempt);
      }
    }
  }

  /** A non-idempotent operation: one attempt; connection failures become ConnectionError. */
  async once<T>(operation: () => Promise<T>): Promise<T> {
    try {
      const result = await operation();
      this.guard?.succeeded();
      return result;
    } catch (err) {
      throw this.failure(err);
    }
  }
}
