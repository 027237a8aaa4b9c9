/**
 * The transport-neutral API: every operation a client can ask for, grouped
 * by resource, for each API profile. Transports hold one `Operations` and
 * present its results in their own wire format (plugins/transport/*).
 */
import type { ApiProfile } from '../profile';
import { ClaimOperations } from './claims';
import { FlavorOperations } from './flavors';
import type { OperationDeps } from './deps';
import { MessageOperations } from './messages';
import { TOPICS } from './namespace';
import { PoolOperations } from './pools';
import { QueueOperations } from './queues';
import { ShareOperations } from './share';
import { SubscriptionOperations } from './subscriptions';
import { SystemOperations } from './system';

export interface OperationSet {
  readonly profile: ApiProfile;
  readonly queues: QueueOperations;
  readonly messages: MessageOperations;
  readonly claims: ClaimOperations;
  readonly subscriptions: SubscriptionOperations;
  readonly share: ShareOperations;
  readonly system: SystemOperations;
  /** Admin: usable with `[DEFAULT] pooling` only. */
  readonly pools: PoolOperations;
  readonly flavors: FlavorOperations;
  /** Topics: the queue, message and subscription operations over the topic namespace. */
  readonly topics: QueueOperations;
  readonly topicMessages: MessageOperations;
  readonly topicSubscriptions: SubscriptionOperations;
}

export class Operations {
  private readonly sets = new Map<string, OperationSet>();

  constructor(private readonly deps: Omit<OperationDeps, 'profile'>) {}

  /** The operations as `profile` defines them (built once per profile). */
  for(profile: ApiProfile): OperationSet {
    let set = this.sets.get(profile.id);
    if (set === undefined) {
      const deps: OperationDeps = { ...this.deps, profile };
      set = {
        profile,
        queues: new QueueOperations(deps),
        messages: new MessageOperations(deps),
        claims: new ClaimOperations(deps),
        subscriptions: new SubscriptionOperations(deps),
        share: new ShareOperations(deps),
        system: new SystemOperations(deps),
        pools: new PoolOperations(deps),
        flavors: new FlavorOperations(deps),
        topics: new QueueOperations(deps, TOPICS),
        topicMessages: new MessageOperations(deps, TOPICS),
        topicSubscriptions: new SubscriptionOperations(deps, TOPICS),
      };
      this.sets.set(profile.id, set);
    }
    return set;
  }
}

export type {
  ClaimOperations,
  FlavorOperations,
  MessageOperations,
  PoolOperations,
  QueueOperations,
  ShareOperations,
  SubscriptionOperations,
  SystemOperations,
};
