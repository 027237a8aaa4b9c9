/**
 * What the subscription operations ask of the notification machinery
 * (zaqar/notification): which subscriber schemes a loaded notifier serves,
 * the notifier's `register` hook (trust creation) and the confirmation
 * notices of `[notification] require_confirmation`. Bound only when the
 * notifier stage is on or confirmation is required; without it,
 * subscriptions are stored and nobody is notified (as Zaqar with an empty
 * `message_pipeline`).
 */
import { token } from '../di/token';
import type { Project, Subscription } from '../storage/interfaces';
import type { Subscriber } from './notifier';

/** Where a subscription lives: `queues` or `topics`, and the name. */
export interface SubscriptionSource {
  collection: 'queues' | 'topics';
  name: string;
}

export interface SubscriptionNotices {
  /** A loaded notifier delivers to URIs of this scheme. */
  serves(scheme: string): boolean;
  /** Runs the scheme's notifier `register` hook; the options to store. */
  register(subscriber: string, options: Record<string, unknown>, ttl: number, who: Subscriber): Promise<Record<string, unknown>>;
  /**
   * Sends the subscriber the signed link to confirm (or, `unsubscribed`,
   * the notice that it is unsubscribed), when `require_confirmation` and a
   * signing key are set; resolves once the notice is durably queued.
   * `expiresAt` is when the link stops working.
   */
  confirmation(source: SubscriptionSource, subscription: Subscription, project: Project, expiresAt: Date, unsubscribed: boolean): Promise<void>;
}
export const SubscriptionNotices = token<SubscriptionNotices>('SubscriptionNotices');
