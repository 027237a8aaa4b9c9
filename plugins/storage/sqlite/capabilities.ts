/** What this message store guarantees (FIFO, claims, durability (fsync per commit), at-least-once); read by pooling without opening the store. */
import { Capability } from '../../../zaqar/storage/interfaces';

export const CAPABILITIES: readonly Capability[] = [Capability.FIFO, Capability.CLAIMS, Capability.DURABILITY, Capability.AOD];
