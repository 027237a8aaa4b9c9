/**
 * How the HTTP API renders stored objects (Zaqar's zaqar.transport.wsgi.utils
 * `format_message_v1_1`): messages with hrefs, stats with hrefs.
 */
import type { MessageStatsEntry, QueueStats, StoredMessage } from '../../../../zaqar/storage/interfaces';
import { toQueryString } from '../http/query';

/** `{id, href, ttl, age, body, [checksum]}`; href carries `?claim_id=` when claimed. */
export function formatMessage(
  message: StoredMessage,
  queuePath: string,
  claimId: string | null,
  body: unknown = message.body,
): Record<string, unknown> {
  const href = `${queuePath}/messages/${message.id}` + (claimId ? toQueryString({ claim_id: claimId }) : '');
  const out: Record<string, unknown> = { id: message.id, href, ttl: message.ttl, age: message.age, body };
  if (message.checksum) out.checksum = message.checksum;
  return out;
}

/** Popped messages use the storage-level shape: no href, with claim fields. */
export function formatPoppedMessage(message: StoredMessage, body: unknown = message.body): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: message.id,
    age: message.age,
    ttl: message.ttl,
    body,
    claim_id: message.claimId,
    claim_count: message.claimCount,
  };
  if (message.checksum) out.checksum = message.checksum;
  return out;
}

function statsEntry(entry: MessageStatsEntry, messagesPath: string): Record<string, unknown> {
  return { href: `${messagesPath}/${entry.id}`, age: entry.age, created: entry.created };
}

/** Queue stats with oldest/newest turned into hrefs under `<queue path>/messages`. */
export function formatStats(stats: QueueStats, queuePath: string): Record<string, unknown> {
  const { claimed, free, total, oldest, newest } = stats.messages;
  const messages: Record<string, unknown> = { claimed, free, total };
  if (total !== 0 && oldest && newest) {
    messages.oldest = statsEntry(oldest, `${queuePath}/messages`);
    messages.newest = statsEntry(newest, `${queuePath}/messages`);
  }
  return { messages };
}

/** The queue's path from a request path below it: `/v2/queues/q/messages/x` → `/v2/queues/q`. */
export function queuePathOf(path: string, depthBelowQueue: number): string {
  let end = path.length;
  for (let i = 0; i < depthBelowQueue; i++) end = path.lastIndexOf('/', end - 1);
  return path.slice(0, end);
}
