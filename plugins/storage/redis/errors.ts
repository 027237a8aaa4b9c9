/**
 * What a failed Redis call means to the API.
 *
 * Anything that says "the store cannot serve this right now" becomes
 * zaqar/storage/errors' ConnectionError, which the API answers with 503 and
 * Zaqar's "Please try again in a few seconds" body:
 * a lost or refused connection, a reply that did not come in time, and the
 * replies Redis gives while it cannot serve (LOADING after a restart,
 * READONLY on a demoted master, MASTERDOWN, BUSY, ...). Other error replies
 * (WRONGTYPE, a script error) are bugs or foreign data; they surface as
 * RedisCommandError, still a 503 for the client, but logged as what they are.
 */
import { ErrorReply } from 'redis';
import { ConnectionError, StorageError } from '../../../zaqar/storage/errors';

/** Error replies that mean "unavailable now", not "wrong request". */
const UNAVAILABLE_REPLIES = ['READONLY', 'LOADING', 'MASTERDOWN', 'BUSY', 'NOREPLICAS', 'TRYAGAIN', 'NOAUTH', 'WRONGPASS', 'OOM'];

export class RedisCommandError extends StorageError {}

/** A write that replicas did not confirm in time (wait_replicas). */
export class NotReplicated extends ConnectionError {
  constructor(acknowledged: number, wanted: number, timeoutMs: number) {
    super(`write not acknowledged: ${acknowledged} of ${wanted} replica(s) confirmed within ${timeoutMs} ms`);
  }
}

/** The leading word (`READONLY`, `NOSCRIPT`, ...) of an error reply from Redis; undefined for other failures. */
export function replyCode(err: unknown): string | undefined {
  return err instanceof ErrorReply ? err.message.split(' ', 1)[0] : undefined;
}

/** Maps any failure of a Redis call to the error the controllers throw. */
export function translateError(err: unknown, where: string): Error {
  if (err instanceof StorageError) return err;
  const code = replyCode(err);
  if (code !== undefined && !UNAVAILABLE_REPLIES.includes(code)) {
    return new RedisCommandError(`${where}: ${(err as Error).message}`);
  }
  const reason = err instanceof Error ? err.message || err.constructor.name : String(err);
  return new ConnectionError(`${where}: ${reason}`);
}
