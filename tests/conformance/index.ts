/**
 * The storage conformance suites. A driver's spec file runs them against
 * fresh drivers from its own factories, e.g.
 *
 *   describeDataDriverConformance('redis', makeRedisFixture);
 *   describeControlDriverConformance('mongodb', makeMongoControlFixture);
 *
 * or picks single suites (describeMessageController, ...). See harness.ts
 * for the factory types and sqlite.spec.ts for a complete example.
 */
import { describeCatalogueController } from './catalogue-controller';
import { describeClaimController } from './claim-controller';
import { describeFlavorsController } from './flavors-controller';
import type { DataSuiteOptions, MakeControlFixture, MakeDataFixture } from './harness';
import { describeMessageController } from './message-controller';
import { describePoolsController } from './pools-controller';
import { describeQueueController } from './queue-controller';
import { describeQueueDataController } from './queue-data-controller';

export * from './harness';
export {
  describeCatalogueController,
  describeClaimController,
  describeFlavorsController,
  describeMessageController,
  describePoolsController,
  describeQueueController,
  describeQueueDataController,
};

/** Every data-plane suite: messages, claims, stats/purge. */
export function describeDataDriverConformance(name: string, make: MakeDataFixture, options: DataSuiteOptions = {}): void {
  describeMessageController(name, make, options);
  describeClaimController(name, make, options);
  describeQueueDataController(name, make, options);
}

/** Every management-store suite: queues, pools, flavors, catalogue. */
export function describeControlDriverConformance(name: string, make: MakeControlFixture): void {
  describeQueueController(name, make);
  describePoolsController(name, make);
  describeFlavorsController(name, make);
  describeCatalogueController(name, make);
}
