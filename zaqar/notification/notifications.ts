/**
 * Notifications in one process (Zaqar's `zaqar.notification.notifier`,
 * made durable): the outbox writer, the notifier stage that feeds it, the
 * dispatcher that empties it and the confirmation notices the subscription
 * operations send.
 *
 *     POST messages → [message pipeline: notifier stage] → store → outbox entry → 201
 *                                                    (only when the queue has subscriptions: presence.ts)
 *                                                      dispatcher (every node) → lanes → notifiers
 *
 * It works on the stores beneath the pipelines (a facade without stages),
 * so its own reads and writes never pass the notifier stage again.
 */
import type { Logger } from '../common/logger';
import type { MessageCipher } from '../api/rules/encryption';
import { subscriberScheme } from '../api/validation';
import { QueueDoesNotExist } from '../storage/errors';
import type { Project, Subscription } from '../storage/interfaces';
import type { PipelineStage } from '../storage/pipeline/stage';
import type { Storage } from '../storage/storage';
import { Dispatcher, type DispatcherSettings } from './dispatcher';
import { confirmationDocument, type ConfirmationSettings } from './documents';
import type { Subscriber } from './notifier';
import type { Notifiers } from './notifiers';
import { OUTBOX_PROJECT, OUTBOX_QUEUE, OutboxWriter } from './outbox';
import { SubscriptionPresence } from './presence';
import type { SubscriptionNotices, SubscriptionSource } from './service';

export interface NotificationSettings {
  dispatcher: DispatcherSettings;
  /** Set when `require_confirmation` is on and a signing key exists: confirmation notices are sent. */
  confirmation?: ConfirmationSettings;
}

export class Notifications implements SubscriptionNotices {
  readonly outbox: OutboxWriter;
  readonly dispatcher: Dispatcher;
  /** The `zaqar.notification.notifier` stage: after a post is stored, records it in the outbox. */
  readonly stage: PipelineStage;
  /** Which queues have subscriptions: a post to one without writes no outbox entry (presence.ts). */
  readonly presence: SubscriptionPresence;

  constructor(
    private readonly storage: Storage,
    private readonly notifiers: Notifiers,
    cipher: MessageCipher,
    private readonly settings: NotificationSettings,
    private readonly logger: Logger,
  ) {
    this.outbox = new OutboxWriter(
      storage.messages,
      () => this.createOutbox(),
      (err) => err instanceof QueueDoesNotExist,
      logger,
    );
    this.dispatcher = new Dispatcher(storage, this.outbox, notifiers, cipher, settings.dispatcher, logger);
    this.outbox.onWritten = () => this.dispatcher.nudge();
    this.presence = new SubscriptionPresence(storage.subscriptions);
    const outbox = this.outbox;
    const presence = this.presence;
    this.stage = {
      message: {
        async post(next, queue, messages, clientId, project) {
          if (queue === OUTBOX_QUEUE) return next(queue, messages, clientId, project);
          // Side by side: the message write and the subscription check (a read issued after this post arrived, see presence.ts).
          const subscribed = presence.has(queue, project);
          const ids = await next(queue, messages, clientId, project);
          if (await subscribed) {
            await outbox.append({ q: queue, p: project, m: messages.map((m) => (m.delay ? { ttl: m.ttl, body: m.body, delay: m.delay } : { ttl: m.ttl, body: m.body })) });
          }
          return ids;
        },
      },
    };
  }

  private async createOutbox(): Promise<void> {
    await this.storage.queues.create(OUTBOX_QUEUE, {}, OUTBOX_PROJECT);
  }

  start(): void {
    this.dispatcher.start();
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
    await this.notifiers.close();
  }

  // SubscriptionNotices

  serves(scheme: string): boolean {
    return this.notifiers.serves(scheme);
  }

  async register(subscriber: string, options: Record<string, unknown>, ttl: number, who: Subscriber): Promise<Record<string, unknown>> {
    const notifier = await this.notifiers.for(subscriberScheme(subscriber));
    return notifier?.register ? notifier.register(subscriber, options, ttl, who) : options;
  }

  async confirmation(source: SubscriptionSource, subscription: Subscription, project: Project, expiresAt: Date, unsubscribed: boolean): Promise<void> {
    const settings = this.settings.confirmation;
    if (settings === undefined) return;
    const document = confirmationDocument(settings, source, subscription.id, project, expiresAt, unsubscribed);
    await this.outbox.append({
      q: subscription.source,
      p: project,
      s: subscription.id,
      k: unsubscribed ? 'unsubscribe_confirmation' : 'subscription_confirmation',
      d: [document],
      a: 0,
    });
    this.logger.info({ subscription: subscription.id, unsubscribed }, 'confirmation notice queued');
  }
}
