/**
 * Subscribers served inside this process: a transport that holds
 * connections (WebSocket) registers the subscriber URI of each connection
 * it serves with a function that pushes a document to it. The dispatcher
 * asks this registry before it picks a notifier, so a notification for a
 * connection held by this process reaches it directly, with no HTTP hop.
 *
 * A URI not registered here (a connection held by another API node) is
 * delivered by the notifier of its scheme as usual: the webhook POSTs to
 * the owning node's notification listener, which pushes it there.
 *
 * Process-level on purpose: the dispatcher of this process and every
 * transport of this process share one registry, whatever container built
 * them; subscriber URIs carry a random connection id, so two servers in
 * one process (tests) never collide.
 */
import type { Notifier } from './notifier';

/** What a registered subscriber does with a delivery (the notifier contract's `deliver`). */
export type LocalSubscriber = Pick<Notifier, 'deliver'>;

const registered = new Map<string, LocalSubscriber>();

export const localSubscribers = {
  /** Serves `uri` in this process until the returned function is called. */
  register(uri: string, subscriber: LocalSubscriber): () => void {
    registered.set(uri, subscriber);
    return () => {
      if (registered.get(uri) === subscriber) registered.delete(uri);
    };
  },
  /** The subscriber registered for `uri`, if this process serves it. */
  lookup(uri: string): LocalSubscriber | undefined {
    return registered.get(uri);
  },
};
