/**
 * Contract of FlavorsController (Zaqar's `FlavorsBase`), for every
 * management store. Flavors are project-scoped (null = global namespace).
 */
import { expect } from 'chai';
import { FlavorDoesNotExist } from '../../storage/errors';
import { type MakeManagementStoreFixture, useFixture } from './harness';
import { expectError, PROJECTS } from './helpers';

const PROJECT = 'tenant-a';

export function describeFlavorsController(name: string, make: MakeManagementStoreFixture): void {
  describe(`${name}: FlavorsController`, () => {
    const fixture = useFixture(make);
    const flavors = () => fixture().managementStore.flavorsController;
    const names = (items: { name: string }[]) => items.map((f) => f.name);

    it('creates a flavor and reads it back, capabilities only when detailed', async () => {
      await flavors().create('gold', PROJECT, { FIFO: true });
      expect(await flavors().get('gold', PROJECT)).to.deep.equal({ name: 'gold', project: PROJECT });
      expect(await flavors().get('gold', PROJECT, true)).to.deep.equal({
        name: 'gold',
        project: PROJECT,
        capabilities: { FIFO: true },
      });
      expect(await flavors().exists('gold', PROJECT)).to.equal(true);
    });

    it('create on an existing flavor replaces its capabilities', async () => {
      await flavors().create('gold', PROJECT, ['FIFO']);
      await flavors().create('gold', PROJECT, ['FIFO', 'CLAIMS']);
      expect((await flavors().get('gold', PROJECT, true)).capabilities).to.deep.equal(['FIFO', 'CLAIMS']);
      expect(await flavors().list(PROJECT)).to.have.property('items').with.length(1);
    });

    it('throws FlavorDoesNotExist for unknown flavors and for other projects', async () => {
      await flavors().create('gold', PROJECT, {});
      await expectError(flavors().get('missing', PROJECT), FlavorDoesNotExist);
      for (const other of PROJECTS.filter((p) => p !== PROJECT)) {
        await expectError(flavors().get('gold', other), FlavorDoesNotExist);
        await expectError(flavors().update('gold', other, { x: 1 }), FlavorDoesNotExist);
        expect(await flavors().exists('gold', other)).to.equal(false);
        await flavors().delete('gold', other);
      }
      expect(await flavors().exists('gold', PROJECT)).to.equal(true);
    });

    it('updates capabilities', async () => {
      await flavors().create('gold', PROJECT, { a: 1 });
      await flavors().update('gold', PROJECT, { b: 2 });
      expect((await flavors().get('gold', PROJECT, true)).capabilities).to.deep.equal({ b: 2 });
      await expectError(flavors().update('missing', PROJECT, { b: 2 }), FlavorDoesNotExist);
    });

    it("lists a project's flavors by name with an exclusive marker", async () => {
      for (const flavor of ['silver', 'bronze', 'gold']) await flavors().create(flavor, PROJECT, { flavor });
      await flavors().create('platinum', 'tenant-b', {});
      await flavors().create('global', null, {});
      const first = await flavors().list(PROJECT, { limit: 2 });
      expect(names(first.items)).to.deep.equal(['bronze', 'gold']);
      expect(first.items[0]).to.not.have.property('capabilities');
      const rest = await flavors().list(PROJECT, { marker: first.next, detailed: true });
      expect(rest.items).to.deep.equal([{ name: 'silver', project: PROJECT, capabilities: { flavor: 'silver' } }]);
      expect(await flavors().list(PROJECT, { marker: 'silver' })).to.deep.equal({ items: [] });
      expect(names((await flavors().list('tenant-b')).items)).to.deep.equal(['platinum']);
      expect(names((await flavors().list(null)).items)).to.deep.equal(['global']);
    });

    it('deletes idempotently and drops all', async () => {
      await flavors().create('gold', PROJECT, {});
      await flavors().create('silver', null, {});
      await flavors().delete('gold', PROJECT);
      await flavors().delete('gold', PROJECT);
      expect(await flavors().exists('gold', PROJECT)).to.equal(false);
      await flavors().dropAll();
      expect(await flavors().list(null)).to.deep.equal({ items: [] });
    });
  });
}
