/**
 * Post signals: a message store may tell the API that messages were posted
 * to a queue, including posts made by OTHER processes sharing the store
 * (other API nodes). Long polling (`?wait=N`, zaqar/api/long-poll.ts)
 * listens to them while requests wait; posts through this process are
 * signalled by the operations themselves, whatever the store.
 *
 * A store implements `MessageStore.signals` (optional): `listen()` is
 * called when the first request starts waiting and its returned function
 * when the last one stops, so a store may run work (a timer, a
 * subscription) only while someone listens.
 */
import { token } from '../di/token';

/** What a store reports: `(queue, project)` posted to, or `undefined`: "something may have changed anywhere, re-check all". */
export type PostListener = (posted: { queue: string; project: string | null } | undefined) => void;

export interface PostSignals {
  /** Starts delivering signals to `listener`; returns the function that stops it. */
  listen(listener: PostListener): () => void;
}
export const PostSignals = token<PostSignals>('PostSignals');

/** Listeners of one store as a set: `emit` is O(1) when nobody listens; `active` tells a store whether to keep its watch running. */
export class PostSignalHub implements PostSignals {
  private readonly listeners = new Set<PostListener>();

  constructor(private readonly onActive: (active: boolean) => void = () => undefined) {}

  get active(): boolean {
    return this.listeners.size > 0;
  }

  listen(listener: PostListener): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.onActive(true);
    return () => {
      if (this.listeners.delete(listener) && this.listeners.size === 0) this.onActive(false);
    };
  }

  emit(posted: { queue: string; project: string | null } | undefined): void {
    if (this.listeners.size === 0) return;
    for (const listener of this.listeners) listener(posted);
  }
}

/** The signals of several stores (pools) as one. */
export function mergedSignals(sources: () => PostSignals[]): PostSignals {
  return {
    listen(listener) {
      const stops = sources().map((s) => s.listen(listener));
      return () => {
        for (const stop of stops) stop();
      };
    },
  };
}
