/**
 * Contract of PoolsController (Zaqar's `PoolsBase`), for every
 * management store. Where the reference stores disagree, the contract is:
 * a URI belongs to one pool (PoolAlreadyExists), getPoolsByFlavor(null)
 * returns the pools without a flavor, and the last pool of an existing
 * flavor cannot be deleted (PoolInUseByFlavor).
 */
import { expect } from 'chai';
import { PoolAlreadyExists, PoolDoesNotExist, PoolInUseByFlavor } from '../../storage/errors';
import { type MakeManagementStoreFixture, useFixture } from './harness';
import { expectError } from './helpers';

export function describePoolsController(name: string, make: MakeManagementStoreFixture): void {
  describe(`${name}: PoolsController`, () => {
    const fixture = useFixture(make);
    const pools = () => fixture().managementStore.poolsController;
    const flavors = () => fixture().managementStore.flavorsController;
    const names = (items: { name: string }[]) => items.map((p) => p.name);

    it('creates a pool and reads it back, options only when detailed', async () => {
      await pools().create('pool1', 100, 'redis://127.0.0.1:6379?dbid=1', null, { database: 'zaqar' });
      expect(await pools().get('pool1')).to.deep.equal({
        name: 'pool1',
        uri: 'redis://127.0.0.1:6379?dbid=1',
        weight: 100,
        flavor: null,
      });
      expect(await pools().get('pool1', true)).to.deep.equal({
        name: 'pool1',
        uri: 'redis://127.0.0.1:6379?dbid=1',
        weight: 100,
        flavor: null,
        options: { database: 'zaqar' },
      });
      expect(await pools().exists('pool1')).to.equal(true);
    });

    it('throws PoolDoesNotExist for an unknown pool', async () => {
      await expectError(pools().get('missing'), PoolDoesNotExist);
      await expectError(pools().update('missing', { weight: 5 }), PoolDoesNotExist);
      expect(await pools().exists('missing')).to.equal(false);
    });

    it('create on an existing name overwrites the pool', async () => {
      await pools().create('pool1', 100, 'mongodb://a:27017', 'gold', { a: 1 });
      await pools().create('pool1', 50, 'mongodb://b:27017', null, {});
      expect(await pools().get('pool1', true)).to.deep.equal({
        name: 'pool1',
        uri: 'mongodb://b:27017',
        weight: 50,
        flavor: null,
        options: {},
      });
    });

    it("refuses another pool's URI (PoolAlreadyExists)", async () => {
      await pools().create('pool1', 100, 'mongodb://a:27017', null, {});
      await pools().create('pool2', 100, 'mongodb://b:27017', null, {});
      await expectError(pools().create('pool3', 100, 'mongodb://a:27017', null, {}), PoolAlreadyExists);
      await expectError(pools().update('pool2', { uri: 'mongodb://a:27017' }), PoolAlreadyExists);
      expect(await pools().exists('pool3')).to.equal(false);
      expect((await pools().get('pool2')).uri).to.equal('mongodb://b:27017');
    });

    it('updates only the given fields; an empty flavor means none', async () => {
      await pools().create('pool1', 100, 'mongodb://a:27017', 'gold', { a: 1 });
      await pools().update('pool1', { weight: 7 });
      expect(await pools().get('pool1', true)).to.deep.equal({
        name: 'pool1',
        uri: 'mongodb://a:27017',
        weight: 7,
        flavor: 'gold',
        options: { a: 1 },
      });
      await pools().update('pool1', { uri: 'mongodb://c:27017', options: { b: 2 } });
      await pools().update('pool1', { flavor: '' });
      expect(await pools().get('pool1', true)).to.deep.include({ uri: 'mongodb://c:27017', flavor: null, options: { b: 2 } });
    });

    it('lists pools by name with an exclusive marker', async () => {
      for (const n of [3, 1, 4, 0, 2]) await pools().create(`pool${n}`, n, `redis://host${n}`, null, { n });
      const first = await pools().list({ limit: 2 });
      expect(names(first.items)).to.deep.equal(['pool0', 'pool1']);
      expect(first.items[0]).to.not.have.property('options');
      const rest = await pools().list({ marker: first.next, detailed: true });
      expect(names(rest.items)).to.deep.equal(['pool2', 'pool3', 'pool4']);
      expect(rest.items.map((p) => p.options)).to.deep.equal([{ n: 2 }, { n: 3 }, { n: 4 }]);
      expect(await pools().list({ marker: 'pool4' })).to.deep.equal({ items: [] });
      expect(await pools().list()).to.have.property('items').with.length(5);
    });

    it('selects pools by flavor; null selects the pools without one', async () => {
      await pools().create('gold1', 1, 'redis://g1', 'gold', {});
      await pools().create('gold2', 1, 'redis://g2', 'gold', {});
      await pools().create('plain', 1, 'redis://p', null, {});
      await pools().create('silver', 1, 'redis://s', 'silver', {});
      expect(names(await pools().getPoolsByFlavor('gold'))).to.deep.equal(['gold1', 'gold2']);
      expect(names(await pools().getPoolsByFlavor(null))).to.deep.equal(['plain']);
      expect(await pools().getPoolsByFlavor('bronze')).to.deep.equal([]);
      expect((await pools().getPoolsByFlavor('silver', true))[0].options).to.deep.equal({});
    });

    it('deletes idempotently', async () => {
      await pools().create('pool1', 1, 'redis://a', null, {});
      await pools().delete('pool1');
      await pools().delete('pool1');
      expect(await pools().exists('pool1')).to.equal(false);
    });

    it('refuses to delete the last pool of an existing flavor (PoolInUseByFlavor)', async () => {
      await pools().create('gold1', 1, 'redis://g1', 'gold', {});
      await pools().create('gold2', 1, 'redis://g2', 'gold', {});
      await flavors().create('gold', 'tenant-a', {});
      await pools().delete('gold1');
      const error = await expectError(pools().delete('gold2'), PoolInUseByFlavor);
      expect(error.flavor).to.equal('gold');
      expect(await pools().exists('gold2')).to.equal(true);
      await flavors().delete('gold', 'tenant-a');
      await pools().delete('gold2');
      expect(await pools().exists('gold2')).to.equal(false);
    });

    it('drops every pool', async () => {
      await pools().create('pool1', 1, 'redis://a', null, {});
      await pools().create('pool2', 1, 'redis://b', 'gold', {});
      await pools().dropAll();
      expect(await pools().list({ limit: 0 })).to.deep.equal({ items: [] });
    });
  });
}
