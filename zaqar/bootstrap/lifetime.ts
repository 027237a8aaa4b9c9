/**
 * What a running process has opened, closed in reverse order of opening:
 * each role registers a closer as it opens something (a store, a strategy's
 * connections), so a failed start-up closes exactly what was opened and a
 * shutdown closes everything once.
 */
import type { Logger } from '../common/logger';

export class Lifetime {
  private readonly closers: { what: string; close: () => Promise<void> }[] = [];

  constructor(private readonly logger: Logger) {}

  onClose(what: string, close: () => Promise<void>): void {
    this.closers.push({ what, close });
  }

  /** Closes everything registered, newest first; a failing closer is logged and the rest still run. */
  async close(): Promise<void> {
    for (const { what, close } of this.closers.splice(0).reverse()) {
      try {
        await close();
      } catch (err) {
        this.logger.error({ err, what }, 'closing failed');
      }
    }
  }
}
