/** [pooling:catalog] (`zaqar.conf.pooling_catalog`). */
import { defineGroup } from './define';

export interface PoolingCatalogOptions {
  enable_virtual_pool: boolean;
}

export const POOLING_CATALOG_GROUP = defineGroup<PoolingCatalogOptions>('pooling:catalog', 'Pooling catalogue.', {
  enable_virtual_pool: {
    type: 'boolean',
    default: false,
    help: 'Serve queues missing from the catalogue from [drivers] message_store (the "virtual pool").',
  },
});
