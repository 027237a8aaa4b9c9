/** What this message store guarantees (as Zaqar's MongoDB driver: all five); read by pooling without opening the store. */
import { Capability } from '../../../zaqar/storage/interfaces';

export const CAPABILITIES: readonly Capability[] = [Capability.FIFO, Capability.CLAIMS, Capability.DURABILITY, Capability.AOD, Capability.HIGH_THROUGHPUT];
