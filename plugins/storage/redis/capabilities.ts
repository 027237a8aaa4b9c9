/** What this message store guarantees (as Zaqar's Redis driver: FIFO, claims, at-least-once, high throughput); read by pooling without opening the store. */
import { Capability } from '../../../zaqar/storage/interfaces';

export const CAPABILITIES: readonly Capability[] = [Capability.FIFO, Capability.CLAIMS, Capability.AOD, Capability.HIGH_THROUGHPUT];
