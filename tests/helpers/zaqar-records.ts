/**
 * The management records the SQL interoperability tests have Zaqar write
 * (its Python store, or rows as SQLAlchemy writes them): a global queue
 * with a default TTL, tenant-a's `fizbit` with a non-ASCII description and a
 * float, the pool `pool1` and fizbit's catalogue entry on it.
 */
import { expect } from 'chai';
import { dumpJson, JsonNumber } from '../../zaqar/common/json';
import type { ManagementStore } from '../../zaqar/storage/interfaces';

/** `store` reads those records as Zaqar wrote them; `flavor` is pool1's. */
export async function expectZaqarRecords(store: ManagementStore, flavor: string | null): Promise<void> {
  expect(await store.queueController.get('global-q', null)).to.deep.equal({ _default_message_ttl: 3600 });
  const metadata = await store.queueController.getMetadata('fizbit', 'tenant-a');
  expect(dumpJson(metadata)).to.equal(dumpJson({ description: 'café', ratio: new JsonNumber('1.0') }));
  expect(await store.poolsController.get('pool1', true)).to.deep.equal({
    name: 'pool1',
    uri: 'mongodb://localhost:27017',
    weight: 100,
    flavor,
    options: { database: 'zaqar_p1' },
  });
  expect(await store.catalogueController.get('tenant-a', 'fizbit')).to.deep.equal({ queue: 'fizbit', project: 'tenant-a', pool: 'pool1' });
}
