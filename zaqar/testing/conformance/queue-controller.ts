/**
 * Contract of the management store's QueueController (Zaqar's `Queue`
 * controller), for every management store. Listing filters
 * (`name`, metadata `filters`) and `count` are part of the contract although
 * the reference Redis and SQL stores ignore or break them.
 *
 * The topic controller has the same contract over its own names
 * (topic-controller.ts runs this suite on it).
 */
import { expect } from 'chai';
import { dumpJson, JsonNumber } from '../../common/json';
import { QueueDoesNotExist, type DoesNotExist } from '../../storage/errors';
import type { ManagementStore, QueueController } from '../../storage/interfaces';
import { type MakeManagementStoreFixture, useFixture } from './harness';
import { expectError, PROJECTS } from './helpers';

const PROJECT = 'tenant-a';

export function describeQueueController(name: string, make: MakeManagementStoreFixture): void {
  describeQueueLikeController(`${name}: QueueController`, make, (store) => store.queueController, QueueDoesNotExist);
}

/**
 * The queue controller's contract for `controllerOf(store)`, which throws
 * `missing` where a queue controller throws QueueDoesNotExist.
 */
export function describeQueueLikeController(
  title: string,
  make: MakeManagementStoreFixture,
  controllerOf: (store: ManagementStore) => QueueController,
  missing: new (name: string, project: string | null) => DoesNotExist,
): void {
  describe(title, () => {
    const fixture = useFixture(make);
    const queues = () => controllerOf(fixture().managementStore);
    const names = (items: { name: string }[]) => items.map((q) => q.name);

    describe('lifecycle', () => {
      it('creates a queue once; a second create keeps the metadata', async () => {
        expect(await queues().create('fizbit', { description: 'first' }, PROJECT)).to.equal(true);
        expect(await queues().create('fizbit', { description: 'second' }, PROJECT)).to.equal(false);
        expect(await queues().get('fizbit', PROJECT)).to.deep.equal({ description: 'first' });
        expect(await queues().exists('fizbit', PROJECT)).to.equal(true);
      });

      it(`get returns {} for a missing one; getMetadata throws ${missing.name}`, async () => {
        expect(await queues().get('missing', PROJECT)).to.deep.equal({});
        expect(await queues().exists('missing', PROJECT)).to.equal(false);
        const err = await expectError(queues().getMetadata('missing', PROJECT), missing);
        expect(err.message).to.equal(new missing('missing', PROJECT).message);
      });

      it(`setMetadata replaces the whole object and throws ${missing.name} for a missing one`, async () => {
        await queues().create('fizbit', { a: 1, b: 2 }, PROJECT);
        await queues().setMetadata('fizbit', { c: 3 }, PROJECT);
        expect(await queues().getMetadata('fizbit', PROJECT)).to.deep.equal({ c: 3 });
        await expectError(queues().setMetadata('missing', { c: 3 }, PROJECT), missing);
        expect(await queues().exists('missing', PROJECT)).to.equal(false);
      });

      it('round-trips metadata JSON exactly', async () => {
        const metadata = {
          _default_message_ttl: 3600,
          _max_claim_count: new JsonNumber('9223372036854775807'),
          ratio: new JsonNumber('1.0'),
          'описание': 'ünïcödé 😀',
          nested: { list: [1, 'two', null, true, { deep: [] }] },
        };
        await queues().create('fizbit', metadata, PROJECT);
        expect(dumpJson(await queues().getMetadata('fizbit', PROJECT))).to.equal(dumpJson(metadata));
        await queues().setMetadata('fizbit', { ...metadata, extra: new JsonNumber('2.50') }, PROJECT);
        expect(dumpJson(await queues().get('fizbit', PROJECT))).to.equal(dumpJson({ ...metadata, extra: new JsonNumber('2.50') }));
      });

      it('deletes idempotently; the name can be reused', async () => {
        await queues().create('fizbit', { old: true }, PROJECT);
        await queues().delete('fizbit', PROJECT);
        await queues().delete('fizbit', PROJECT);
        await queues().delete('never-existed', PROJECT);
        expect(await queues().exists('fizbit', PROJECT)).to.equal(false);
        expect(await queues().create('fizbit', {}, PROJECT)).to.equal(true);
        expect(await queues().get('fizbit', PROJECT)).to.deep.equal({});
      });
    });

    describe('list and count', () => {
      const fifteen = Array.from({ length: 15 }, (_, i) => `q${String(i).padStart(2, '0')}`);
      beforeEach(async () => {
        // Created out of order: listing must sort by name.
        for (const queue of [...fifteen].reverse()) await queues().create(queue, { index: Number(queue.slice(1)) }, PROJECT);
      });

      it('lists by name with an exclusive marker, 10 per page by default', async () => {
        const first = await queues().list(PROJECT);
        expect(names(first.items)).to.deep.equal(fifteen.slice(0, 10));
        expect(first.next).to.equal('q09');
        const second = await queues().list(PROJECT, { marker: first.next });
        expect(names(second.items)).to.deep.equal(fifteen.slice(10));
        const end = await queues().list(PROJECT, { marker: 'q14' });
        expect(end).to.deep.equal({ items: [] });
        expect(names((await queues().list(PROJECT, { limit: 3, marker: 'q05' })).items)).to.deep.equal(['q06', 'q07', 'q08']);
      });

      it('includes metadata only when detailed', async () => {
        const plain = await queues().list(PROJECT, { limit: 2 });
        expect(plain.items).to.deep.equal([{ name: 'q00' }, { name: 'q01' }]);
        const detailed = await queues().list(PROJECT, { limit: 2, detailed: true });
        expect(detailed.items).to.deep.equal([
          { name: 'q00', metadata: { index: 0 } },
          { name: 'q01', metadata: { index: 1 } },
        ]);
      });

      it('filters by name substring, still filling pages', async () => {
        await queues().create('other-1x', {}, PROJECT);
        const page = await queues().list(PROJECT, { name: '1', limit: 3 });
        expect(names(page.items)).to.deep.equal(['other-1x', 'q01', 'q10']);
        const rest = await queues().list(PROJECT, { name: '1', marker: page.next });
        expect(names(rest.items)).to.deep.equal(['q11', 'q12', 'q13', 'q14']);
      });

      it('filters by exact metadata values', async () => {
        await queues().setMetadata('q03', { index: 3, color: 'red' }, PROJECT);
        await queues().setMetadata('q07', { index: '7', color: 'red' }, PROJECT);
        expect(names((await queues().list(PROJECT, { filters: { color: 'red' } })).items)).to.deep.equal(['q03', 'q07']);
        expect(names((await queues().list(PROJECT, { filters: { index: 7 } })).items)).to.deep.equal([]);
        expect(names((await queues().list(PROJECT, { filters: { index: '7' } })).items)).to.deep.equal(['q07']);
        const both = await queues().list(PROJECT, { filters: { color: 'red', index: 3 }, detailed: true });
        expect(both.items).to.deep.equal([{ name: 'q03', metadata: { index: 3, color: 'red' } }]);
        expect((await queues().list(PROJECT, { filters: { missing: 1 } })).items).to.deep.equal([]);
      });

      it('counts the queues of a project', async () => {
        expect(await queues().count(PROJECT)).to.equal(15);
        expect(await queues().count('tenant-empty')).to.equal(0);
      });
    });

    describe('scoping', () => {
      it('keeps the same name in different projects and the global namespace apart', async () => {
        for (const [i, project] of PROJECTS.entries()) {
          expect(await queues().create('shared', { owner: i }, project)).to.equal(true);
        }
        for (const [i, project] of PROJECTS.entries()) {
          expect(await queues().get('shared', project), String(project)).to.deep.equal({ owner: i });
          expect(names((await queues().list(project)).items)).to.deep.equal(['shared']);
          expect(await queues().count(project)).to.equal(1);
        }
        await queues().setMetadata('shared', { owner: 'changed' }, null);
        await queues().delete('shared', 'tenant-a');
        expect(await queues().exists('shared', 'tenant-a')).to.equal(false);
        expect(await queues().get('shared', 'tenant-b')).to.deep.equal({ owner: 1 });
        expect(await queues().get('shared', null)).to.deep.equal({ owner: 'changed' });
      });
    });
  });
}
