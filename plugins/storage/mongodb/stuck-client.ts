/**
 * Recovery when the server returns, even if the driver's own recovery
 * stalls. We have seen the MongoDB Node driver's monitor hang on a heartbeat
 * it started while the server was shutting down (no success, no failure,
 * ever): the client then fails server selection long after the server is
 * back, and every request would answer 503 forever. When calls have failed
 * for STUCK_AFTER_MS and a fresh connection to the same URI answers `ping`,
 * the long-lived client is closed and connected again (its Db and
 * Collection objects stay valid).
 */
import { MongoClient, type MongoClientOptions } from 'mongodb';
import type { Logger } from '../../../zaqar/common/logger';
import { clientOptions, normaliseUri } from './client-options';
import type { MongoConnectionOptions } from './options';

/** How long failures must last before the client is suspected to be stuck. */
export const STUCK_AFTER_MS = 10_000;
/** The fresh connection's own patience. */
const PROBE_TIMEOUT_MS = 1000;

export class StuckClientGuard {
  private failingSince: number | undefined;
  private repairing = false;

  constructor(
    private readonly client: MongoClient,
    private readonly uri: string,
    private readonly options: MongoClientOptions,
    private readonly logger: Logger,
  ) {}

  /** A call went through: the client is healthy. */
  succeeded(): void {
    this.failingSince = undefined;
  }

  /** A call failed because the server could not be reached. */
  failed(now = Date.now()): void {
    this.failingSince ??= now;
    if (this.repairing || now - this.failingSince < STUCK_AFTER_MS) return;
    this.repairing = true;
    void this.repairIfServerAnswers().finally(() => {
      this.repairing = false;
    });
  }

  private async repairIfServerAnswers(): Promise<void> {
    const probe = new MongoClient(this.uri, {
      ...this.options,
      serverSelectionTimeoutMS: PROBE_TIMEOUT_MS,
      connectTimeoutMS: PROBE_TIMEOUT_MS,
    });
    try {
      await probe.db('admin').command({ ping: 1 });
    } catch {
      return; // the server is really down: nothing to repair
    } finally {
      await probe.close().catch(() => undefined);
    }
    this.logger.warn('MongoDB: the server answers but the client has not recovered; reconnecting it');
    await this.client.close(true).catch(() => undefined);
    await this.client.connect().catch((err: unknown) => this.logger.warn({ err }, 'MongoDB: reconnecting failed'));
    this.failingSince = undefined;
  }
}

/** The guard of a client built from these store options (module.ts connects it the same way). */
export function guardClient(client: MongoClient, options: MongoConnectionOptions, logger: Logger): StuckClientGuard {
  return new StuckClientGuard(client, normaliseUri(options.uri), clientOptions(options), logger);
}
