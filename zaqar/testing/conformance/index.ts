/**
 * The storage conformance suites. A driver's spec file runs them against
 * fresh drivers from its own factories, e.g.
 *
 *   describeMessageStoreConformance('redis', makeRedisFixture);
 *   describeManagementStoreConformance('mongodb', makeMongoManagementStoreFixture);
 *
 * or picks single suites (describeMessageController, ...). See harness.ts
 * for the factory types and sqlite.spec.ts for a complete example.
 */
import { describeCatalogueController } from './catalogue-controller';
import { describeClaimController } from './claim-controller';
import { describeFlavorsController } from './flavors-controller';
import type { MessageStoreSuiteOptions, MakeManagementStoreFixture, MakeMessageStoreFixture } from './harness';
import { describeMessageController } from './message-controller';
import { describePoolsController } from './pools-controller';
import { describeQueueController } from './queue-controller';
import { describeQueueDataController } from './queue-data-controller';
import { describeSubscriptionController } from './subscription-controller';
import { describeTopicController } from './topic-controller';

export * from './harness';
export { describePostSignalsConformance, storePair, type MakeStorePair } from './post-signals';
export {
  describeCatalogueController,
  describeClaimController,
  describeFlavorsController,
  describeMessageController,
  describePoolsController,
  describeQueueController,
  describeQueueDataController,
  describeSubscriptionController,
  describeTopicController,
};

/** Every message-store suite: messages, claims, stats/purge, subscriptions. */
export function describeMessageStoreConformance(name: string, make: MakeMessageStoreFixture, options: MessageStoreSuiteOptions = {}): void {
  describeMessageController(name, make, options);
  describeClaimController(name, make, options);
  describeQueueDataController(name, make, options);
  describeSubscriptionController(name, make, options);
}

/** Every management-store suite: queues, topics, pools, flavors, catalogue. */
export function describeManagementStoreConformance(name: string, make: MakeManagementStoreFixture): void {
  describeQueueController(name, make);
  describeTopicController(name, make);
  describePoolsController(name, make);
  describeFlavorsController(name, make);
  describeCatalogueController(name, make);
}
