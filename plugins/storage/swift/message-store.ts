/**
 * The Swift message store (plugin `swift`, kind message_store): messages,
 * claims and subscriptions as Swift objects in Zaqar 15's containers, claims
 * made exclusive with lock containers (locks.ts). Queue metadata stays in
 * the management store, as in Zaqar.
 */
import type { Logger } from '../../../zaqar/common/logger';
import type { MessageStore } from '../../../zaqar/storage/interfaces';
import { CAPABILITIES } from './capabilities';
import { SwiftClaimController } from './claims';
import type { SwiftClient } from './client';
import { LOCK_PREFIX, messageContainer, parseLockContainer } from './layout';
import { LockTable } from './locks';
import { SwiftMessageController } from './messages';
import { MessageObjects } from './objects';
import { SwiftQueueDataController } from './queue-data';
import { SwiftSubscriptionController } from './subscriptions';

/** How often the lock containers of deleted messages are looked for (what a message delete could not remove). */
const GC_INTERVAL_MS = 10 * 60_000;

export class SwiftMessageStore implements MessageStore {
  readonly capabilities = CAPABILITIES;
  readonly messageController: SwiftMessageController;
  readonly claimController: SwiftClaimController;
  readonly subscriptionController: SwiftSubscriptionController;
  readonly queueDataController: SwiftQueueDataController;
  private readonly objects: MessageObjects;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly client: SwiftClient,
    private readonly logger: Logger,
  ) {
    this.objects = new MessageObjects(client);
    this.claimController = new SwiftClaimController(this.objects, new LockTable(client, this.objects));
    this.messageController = new SwiftMessageController(this.objects, this.claimController);
    this.subscriptionController = new SwiftSubscriptionController(this.objects);
    this.queueDataController = new SwiftQueueDataController(this.objects);
    this.timer = setInterval(() => {
      this.gc().catch((err: unknown) => this.logger.warn({ err }, 'Swift store gc failed'));
    }, GC_INTERVAL_MS);
    this.timer.unref();
  }

  /** Zaqar's liveness check for Swift; here a HEAD of the account (it checks the token too). */
  async isAlive(): Promise<boolean> {
    try {
      return (await this.client.send({ method: 'HEAD' })).status < 300;
    } catch {
      return false;
    }
  }

  async health(): Promise<Record<string, unknown>> {
    const reachable = await this.isAlive();
    // The requests sent so far, before this report's own listings (tools/bench/swift-requests.ts reads them).
    const requests = { ...this.client.sent };
    const report: Record<string, unknown> = { storage_reachable: reachable };
    if (reachable) report.message_volume = await this.queueDataController.messageVolume();
    return { ...report, swift: { storage_url: this.client.storageUrl ?? null, requests } };
  }

  /**
   * Removes lock containers whose message is gone (a delete removes its
   * message's locks itself; this catches what a failure or a crash left).
   * Swift expires messages, claims and subscriptions itself (the object
   * expirer).
   */
  async gc(): Promise<number> {
    return this.queueDataController.dropLocks(LOCK_PREFIX, async (name) => {
      const lock = parseLockContainer(name);
      if (!lock) return false;
      const response = await this.client.send({ method: 'HEAD', container: messageContainer(lock.queue, lock.project), object: lock.messageId });
      return response.status === 404;
    });
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.client.close();
  }
}
