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
import { PoolOperations } from './pools';
import { QueueOperations } from './queues';
import { ShareOperations } from './share';
import { SystemOperations } from './system';

export interface OperationSet {
  readonly profile: ApiProfile;
  readonly queues: QueueOperations;
  readonly messages: MessageOperations;
  readonly claims: ClaimOperations;
  readonly share: ShareOperations;
  readonly system: SystemOperations;
  /** Admin: usable with `[DEFAULT] pooling` only. */
  readonly pools: PoolOperations;
  readonly flavors: FlavorOperations;
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
        share: new ShareOperations(deps),
        system: new SystemOperations(deps),
        pools: new PoolOperations(deps),
        flavors: new FlavorOperations(deps),
      };
      this.sets.set(profile.id, set);
    }
    return set;
  }
}

export type { ClaimOperations, FlavorOperations, MessageOperations, PoolOperations, QueueOperations, ShareOperations, SystemOperations };
