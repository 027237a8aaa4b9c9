/**
 * The post-signals contract (zaqar/storage/signals.ts), for stores that
 * implement `MessageStore.signals`: a post through ANOTHER instance on the
 * same backend (another API process) reaches a listener of this one,
 * quickly, naming the queue or `undefined` ("re-check all"); nothing is
 * delivered after the listener stopped. Stores without cross-process
 * signals (MongoDB, Swift) do not run it: long polling re-checks them
 * periodically instead.
 */
import { expect } from 'chai';
import type { MessageStore, Project } from '../../storage/interfaces';
import type { PostListener } from '../../storage/signals';
import { post } from './helpers';

/** Two instances of one store on the same backend (as two API processes would open it), and how to close them. */
export type MakeStorePair = () => Promise<{ listener: MessageStore; poster: MessageStore; close(): Promise<void> }>;

/**
 * A MakeStorePair from how to open one instance: `open` returns the message
 * store and what else it opened (its management store); everything is
 * closed, then `cleanup` runs.
 */
export async function storePair(
  open: () => Promise<[MessageStore, ...{ close(): Promise<void> }[]]>,
  cleanup: () => void = () => undefined,
): ReturnType<MakeStorePair> {
  const opened: { close(): Promise<void> }[] = [];
  const one = async () => {
    const [store, ...rest] = await open();
    opened.push(store, ...rest);
    return store;
  };
  return {
    listener: await one(),
    poster: await one(),
    async close() {
      for (const item of opened) await item.close();
      cleanup();
    },
  };
}

export function describePostSignalsConformance(name: string, make: MakeStorePair, options: { withinMs?: number } = {}): void {
  const withinMs = options.withinMs ?? 500;
  describe(`${name}: post signals (long polling across processes)`, function () {
    this.timeout(10_000);
    const QUEUE = 'signalled';
    const PROJECT: Project = 'tenant-a';

    it('a post through another instance reaches a listener within the bound', async () => {
      const pair = await make();
      try {
        expect(pair.listener.signals, 'MessageStore.signals').to.not.equal(undefined);
        const seen: Parameters<PostListener>[0][] = [];
        let resolveSeen!: () => void;
        const arrived = new Promise<void>((resolve) => (resolveSeen = resolve));
        const stop = pair.listener.signals!.listen((posted) => {
          seen.push(posted);
          if (posted === undefined || (posted.queue === QUEUE && posted.project === PROJECT)) resolveSeen();
        });
        // Let a lazy subscription settle (a real waiter also has the periodic re-check for this gap).
        await new Promise((r) => setTimeout(r, 200));
        const started = Date.now();
        await post(pair.poster, QUEUE, PROJECT, 1);
        await Promise.race([arrived, new Promise((_, reject) => setTimeout(() => reject(new Error(`no signal within ${withinMs} ms`)), withinMs))]);
        expect(Date.now() - started).to.be.below(withinMs);
        stop();
        const before = seen.length;
        await post(pair.poster, QUEUE, PROJECT, 1);
        await new Promise((r) => setTimeout(r, 300));
        expect(seen.length, 'signals after stop').to.equal(before);
      } finally {
        await pair.close();
      }
    });
  });
}
