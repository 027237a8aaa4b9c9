/**
 * Ping and the detailed health report (Zaqar's `ping` and `health`
 * resources, without their HTTP).
 */
import { guarded, type OperationDeps } from './deps';

export class SystemOperations {
  constructor(private readonly deps: OperationDeps) {}

  /** Whether both stores answer. */
  ping(): Promise<boolean> {
    return this.deps.storage.isAlive();
  }

  /** The detailed health report (zaqar/storage/health.ts; with pooling, one per pool). */
  health(): Promise<Record<string, unknown>> {
    return guarded(() => this.deps.storage.healthReport());
  }
}
