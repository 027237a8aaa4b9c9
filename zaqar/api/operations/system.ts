/**
 * Ping and the detailed health report (Zaqar's `ping` and `health`
 * resources, without their HTTP).
 */
import { operationStatus } from '../../storage/health';
import { guarded, type OperationDeps } from './deps';

export class SystemOperations {
  constructor(private readonly deps: OperationDeps) {}

  /** Whether both stores answer. */
  ping(): Promise<boolean> {
    return this.deps.storage.isAlive();
  }

  /** `storage_reachable`, and when reachable the self-test's `operation_status` and the store's KPIs. */
  health(): Promise<Record<string, unknown>> {
    const { storage, logger } = this.deps;
    return guarded(async () => {
      const reachable = await storage.isAlive();
      const report: Record<string, unknown> = { storage_reachable: reachable };
      if (reachable) {
        report.operation_status = await operationStatus(storage, logger);
        Object.assign(report, await storage.health());
      }
      return report;
    });
  }
}
