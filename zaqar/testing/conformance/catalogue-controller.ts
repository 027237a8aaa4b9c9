/**
 * Contract of CatalogueController — the queue → pool map of pooling (Zaqar's
 * `zaqar.storage.pooling`; zaqar/pooling/catalog.ts), for every management store.
 */
import { expect } from 'chai';
import { QueueNotMapped } from '../../storage/errors';
import { type MakeManagementStoreFixture, useFixture } from './harness';
import { expectError, PROJECTS } from './helpers';

const PROJECT = 'tenant-a';

export function describeCatalogueController(name: string, make: MakeManagementStoreFixture): void {
  describe(`${name}: CatalogueController`, () => {
    const fixture = useFixture(make);
    const catalogue = () => fixture().managementStore.catalogueController;

    beforeEach(async () => {
      await fixture().managementStore.poolsController.create('pool1', 100, 'redis://one', null, {});
      await fixture().managementStore.poolsController.create('pool2', 100, 'redis://two', null, {});
    });

    it('maps a queue to a pool', async () => {
      await catalogue().insert(PROJECT, 'fizbit', 'pool1');
      expect(await catalogue().get(PROJECT, 'fizbit')).to.deep.equal({ queue: 'fizbit', project: PROJECT, pool: 'pool1' });
      expect(await catalogue().exists(PROJECT, 'fizbit')).to.equal(true);
    });

    it('throws QueueNotMapped for an unmapped queue', async () => {
      await expectError(catalogue().get(PROJECT, 'missing'), QueueNotMapped);
      await expectError(catalogue().update(PROJECT, 'missing', 'pool1'), QueueNotMapped);
      expect(await catalogue().exists(PROJECT, 'missing')).to.equal(false);
    });

    it('insert on a mapped queue and update both move it to the new pool', async () => {
      await catalogue().insert(PROJECT, 'fizbit', 'pool1');
      await catalogue().insert(PROJECT, 'fizbit', 'pool2');
      expect((await catalogue().get(PROJECT, 'fizbit')).pool).to.equal('pool2');
      await catalogue().update(PROJECT, 'fizbit', 'pool1');
      expect((await catalogue().get(PROJECT, 'fizbit')).pool).to.equal('pool1');
      expect(await catalogue().list(PROJECT)).to.have.length(1);
    });

    it('keeps projects and the global namespace apart', async () => {
      for (const [i, project] of PROJECTS.entries()) {
        await catalogue().insert(project, 'shared', i % 2 === 0 ? 'pool1' : 'pool2');
        await catalogue().insert(project, 'shared', i % 2 === 0 ? 'pool1' : 'pool2');
      }
      for (const [i, project] of PROJECTS.entries()) {
        expect(await catalogue().list(project), String(project)).to.deep.equal([
          { queue: 'shared', project, pool: i % 2 === 0 ? 'pool1' : 'pool2' },
        ]);
      }
      await catalogue().delete('tenant-a', 'shared');
      expect(await catalogue().exists('tenant-a', 'shared')).to.equal(false);
      expect(await catalogue().exists(null, 'shared')).to.equal(true);
    });

    it("lists a project's mappings", async () => {
      await catalogue().insert(PROJECT, 'b-queue', 'pool2');
      await catalogue().insert(PROJECT, 'a-queue', 'pool1');
      await catalogue().insert('tenant-b', 'c-queue', 'pool1');
      const entries = await catalogue().list(PROJECT);
      expect(entries.map((e) => e.queue).sort()).to.deep.equal(['a-queue', 'b-queue']);
    });

    it('lists the queues of one pool, in every project and the global namespace', async () => {
      await catalogue().insert('tenant-a', 'q1', 'pool1');
      await catalogue().insert('tenant-b', 'q1', 'pool1');
      await catalogue().insert(null, 'q2', 'pool1');
      await catalogue().insert('tenant-a', 'q3', 'pool2');
      const onPool1 = await catalogue().listByPool('pool1');
      expect(onPool1.map((e) => `${e.project}/${e.queue}/${e.pool}`).sort()).to.deep.equal([
        'null/q2/pool1',
        'tenant-a/q1/pool1',
        'tenant-b/q1/pool1',
      ]);
      expect(await catalogue().listByPool('pool2')).to.deep.equal([{ queue: 'q3', project: 'tenant-a', pool: 'pool2' }]);
      expect(await catalogue().listByPool('nosuch')).to.deep.equal([]);
    });

    it('names the pool a queue on the move leaves, until the move is over', async () => {
      await catalogue().insert(PROJECT, 'moving', 'pool1');
      await catalogue().update(PROJECT, 'moving', 'pool2', 'pool1');
      expect(await catalogue().get(PROJECT, 'moving')).to.deep.equal({ queue: 'moving', project: PROJECT, pool: 'pool2', previous: 'pool1' });
      expect((await catalogue().listByPool('pool1')).map((e) => e.queue)).to.deep.equal(['moving']);
      expect((await catalogue().list(PROJECT))[0].previous).to.equal('pool1');
      await catalogue().update(PROJECT, 'moving', 'pool2', null);
      expect(await catalogue().get(PROJECT, 'moving')).to.deep.equal({ queue: 'moving', project: PROJECT, pool: 'pool2' });
      expect(await catalogue().listByPool('pool1')).to.deep.equal([]);
      await catalogue().update(PROJECT, 'moving', 'pool1', 'pool2');
      await catalogue().insert(PROJECT, 'moving', 'pool1');
      expect(await catalogue().get(PROJECT, 'moving')).to.deep.equal({ queue: 'moving', project: PROJECT, pool: 'pool1' });
    });

    it('deletes idempotently and drops all', async () => {
      await catalogue().insert(PROJECT, 'fizbit', 'pool1');
      await catalogue().insert(null, 'fizbit', 'pool1');
      await catalogue().delete(PROJECT, 'fizbit');
      await catalogue().delete(PROJECT, 'fizbit');
      expect(await catalogue().exists(PROJECT, 'fizbit')).to.equal(false);
      await catalogue().dropAll();
      expect(await catalogue().list(null)).to.deep.equal([]);
    });
  });
}
