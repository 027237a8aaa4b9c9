/**
 * The detailed health self-test (Zaqar's `zaqar.storage.base`
 * `DataDriverBase._get_operation_status`): a synthetic workload on a random
 * project and queue, each step timed and recorded as `{succeeded, seconds,
 * ref}`; `ref` names the logged error of a failed step.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../common/logger';
import type { MessageStore } from './interfaces';
import type { Storage } from './storage';

export interface OperationStatus {
  succeeded: boolean;
  seconds: number;
  ref: string | null;
}

export async function operationStatus(storage: Storage, logger: Logger): Promise<Record<string, OperationStatus>> {
  const status: Record<string, OperationStatus> = {};
  const project = randomUUID();
  const queue = randomUUID();
  const client = randomUUID();

  async function step<T>(name: string, fn: () => Promise<T>): Promise<{ ok: boolean; result?: T }> {
    const start = process.hrtime.bigint();
    let ref: string | null = null;
    let result: T | undefined;
    try {
      result = await fn();
    } catch (err) {
      ref = randomUUID();
      logger.error({ err, ref }, 'Error calling operation.');
    }
    status[name] = { succeeded: ref === null, seconds: Number(process.hrtime.bigint() - start) / 1e9, ref };
    return { ok: ref === null, result };
  }

  const created = await step('create_queue', () => storage.queues.create(queue, {}, project));
  if (!created.ok) return status;

  const messages = Array.from({ length: 100 }, (_, i) => ({ ttl: 600, delay: 0, body: { event: `p_${i}` } }));
  const posted = await step('post_messages', () => storage.messages.post(queue, messages, client, project));
  const ids = posted.result ?? [];
  if (ids.length > 0) {
    const claimed = await step('claim_messages', () =>
      storage.claims.create(queue, { ttl: 60, grace: 300, limit: 10 }, project),
    );
    await step('list_messages', () =>
      storage.messages.list(queue, project, { echo: true, clientId: client, includeClaimed: true }),
    );
    const claim = claimed.result;
    if (claim?.claimId && claim.messages.length > 0) {
      for (const message of claim.messages) {
        const deleted = await step('delete_messages', () =>
          storage.messages.delete(queue, message.id, project, claim.claimId as string),
        );
        if (!deleted.ok) break;
      }
      await step('delete_claim', () => storage.claims.delete(queue, claim.claimId as string, project));
    }
  }
  await step('bulk_delete_messages', () => storage.messages.bulkDelete(queue, ids, project));
  await step('delete_queue', () => storage.queues.delete(queue, project));
  return status;
}

/** Zaqar's detailed health report: reachability, the self-test when reachable, the message store's KPIs. */
export async function standardHealthReport(storage: Storage, messageStore: MessageStore, logger: Logger): Promise<Record<string, unknown>> {
  const reachable = await storage.isAlive();
  const report: Record<string, unknown> = { storage_reachable: reachable };
  if (reachable) {
    report.operation_status = await operationStatus(storage, logger);
    Object.assign(report, await messageStore.health());
  }
  return report;
}
