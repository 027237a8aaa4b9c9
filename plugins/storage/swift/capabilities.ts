/**
 * What this message store guarantees: claims (really exclusive, see
 * README.md), durability (Swift acknowledges a write once it is on disk) and
 * at-least-once delivery. Not FIFO across API processes: message ids are
 * ordered by the posting process's clock only. Read by pooling without
 * opening the store.
 */
import { Capability } from '../../../zaqar/storage/interfaces';

export const CAPABILITIES: readonly Capability[] = [Capability.CLAIMS, Capability.DURABILITY, Capability.AOD];
