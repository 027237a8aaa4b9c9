/**
 * Contract of QueueDataController — stats and purge (Zaqar's built-in
 * `MessageQueueHandler` stage), for every message store.
 */
import { expect } from 'chai';
import { ClaimDoesNotExist } from '../../storage/errors';
import type { ClaimOptions, QueueStats } from '../../storage/interfaces';
import { type MessageStoreSuiteOptions, describeWithClock, type MakeMessageStoreFixture, useFakeClock, useFixture } from './harness';
import { createQueue, expectError, ids, listAll, post, PROJECTS, SECOND } from './helpers';

const QUEUE = 'statsq';
const PROJECT = 'tenant-a';
const CLAIM: ClaimOptions = { ttl: 300, grace: 60, limit: 10 };
const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const EMPTY: QueueStats = { messages: { claimed: 0, free: 0, total: 0 } };

export function describeQueueDataController(name: string, make: MakeMessageStoreFixture, options: MessageStoreSuiteOptions = {}): void {
  describe(`${name}: QueueDataController`, () => {
    const fixture = useFixture(make);
    const queueData = () => fixture().messageStore.queueDataController;
    const statsHere = () => queueData().stats(QUEUE, PROJECT);
    const postHere = (count: number, opts: Parameters<typeof post>[4] = {}) =>
      post(fixture().messageStore, QUEUE, PROJECT, count, opts);
    const claimHere = (limit: number) => fixture().messageStore.claimController.create(QUEUE, { ...CLAIM, limit }, PROJECT);

    beforeEach(() => createQueue(fixture(), QUEUE, PROJECT));

    describe('stats', () => {
      it('reports zeros and no oldest/newest for an empty or unknown queue', async () => {
        expect(await statsHere()).to.deep.equal(EMPTY);
        expect(await queueData().stats('no-such-queue', PROJECT)).to.deep.equal(EMPTY);
      });

      it('counts claimed and free messages', async () => {
        await postHere(5);
        await claimHere(2);
        expect((await statsHere()).messages).to.include({ claimed: 2, free: 3, total: 5 });
      });

      it('counts delayed messages as free', async () => {
        await postHere(2, { delay: 300 });
        await postHere(1, { start: 2 });
        await claimHere(10);
        expect((await statsHere()).messages).to.include({ claimed: 1, free: 2, total: 3 });
      });

      it('names the oldest and newest messages, claimed ones included', async () => {
        const posted = await postHere(3);
        await claimHere(1);
        const { oldest, newest } = (await statsHere()).messages;
        expect(oldest?.id).to.equal(posted[0]);
        expect(newest?.id).to.equal(posted[2]);
        for (const entry of [oldest!, newest!]) {
          expect(Object.keys(entry).sort()).to.deep.equal(['age', 'created', 'id']);
          expect(entry.created).to.match(ISO_SECONDS);
          expect(entry.age).to.be.a('number');
        }
      });

      it('names oldest and newest even when every message is delayed', async () => {
        const posted = await postHere(2, { delay: 300 });
        const { messages } = await statsHere();
        expect(messages.total).to.equal(2);
        expect([messages.oldest?.id, messages.newest?.id]).to.deep.equal(posted);
      });

      it('follows deletions', async () => {
        const posted = await postHere(4);
        const { claimId } = await claimHere(2);
        await fixture().messageStore.messageController.delete(QUEUE, posted[0], PROJECT, claimId!);
        await fixture().messageStore.messageController.bulkDelete(QUEUE, [posted[2]], PROJECT);
        const { messages } = await statsHere();
        expect(messages).to.include({ claimed: 1, free: 1, total: 2 });
        expect([messages.oldest?.id, messages.newest?.id]).to.deep.equal([posted[1], posted[3]]);
      });

      it('keeps projects apart', async () => {
        for (const [i, project] of PROJECTS.entries()) {
          await createQueue(fixture(), QUEUE, project);
          await post(fixture().messageStore, QUEUE, project, i + 1);
        }
        for (const [i, project] of PROJECTS.entries()) {
          expect((await queueData().stats(QUEUE, project)).messages.total, String(project)).to.equal(i + 1);
        }
      });
    });

    describeWithClock(options, 'time', () => {
      const clock = useFakeClock();

      it('reports ages and creation times of oldest and newest', async () => {
        const [first] = await postHere(1);
        clock().tick(10 * SECOND);
        const [last] = await postHere(1, { start: 1 });
        clock().tick(2.5 * SECOND);
        const { oldest, newest } = (await statsHere()).messages;
        expect(oldest).to.deep.equal({ id: first, age: 12, created: '2030-01-01T00:00:00Z' });
        expect(newest).to.deep.equal({ id: last, age: 2, created: '2030-01-01T00:00:10Z' });
      });

      it('leaves out expired messages', async () => {
        await postHere(2, { ttl: 60 });
        const [lasting] = await postHere(1, { ttl: 600, start: 2 });
        clock().tick(60 * SECOND);
        const { messages } = await statsHere();
        expect(messages).to.include({ claimed: 0, free: 1, total: 1 });
        expect(messages.oldest?.id).to.equal(lasting);
        clock().tick(540 * SECOND);
        expect(await statsHere()).to.deep.equal(EMPTY);
      });

      it('counts a message whose claim expired as free', async () => {
        await postHere(2);
        await fixture().messageStore.claimController.create(QUEUE, { ttl: 60, grace: 60, limit: 2 }, PROJECT);
        expect((await statsHere()).messages).to.include({ claimed: 2, free: 0 });
        clock().tick(60 * SECOND);
        expect((await statsHere()).messages).to.include({ claimed: 0, free: 2, total: 2 });
      });
    });

    describe('purge', () => {
      it('removes every message of the queue, claimed ones included, and its claims', async () => {
        await postHere(3);
        const { claimId } = await claimHere(1);
        await queueData().purge(QUEUE, PROJECT);
        expect(await listAll(fixture().messageStore, QUEUE, PROJECT)).to.deep.equal([]);
        expect(await statsHere()).to.deep.equal(EMPTY);
        await expectError(fixture().messageStore.claimController.get(QUEUE, claimId!, PROJECT), ClaimDoesNotExist);
      });

      it('leaves other queues and projects alone', async () => {
        const kept: { queue: string; project: string | null; posted: string[] }[] = [];
        await createQueue(fixture(), 'other', PROJECT);
        kept.push({ queue: 'other', project: PROJECT, posted: await post(fixture().messageStore, 'other', PROJECT, 2) });
        for (const project of PROJECTS.filter((p) => p !== PROJECT)) {
          await createQueue(fixture(), QUEUE, project);
          kept.push({ queue: QUEUE, project, posted: await post(fixture().messageStore, QUEUE, project, 2) });
        }
        await postHere(2);
        await queueData().purge(QUEUE, PROJECT);
        for (const { queue, project, posted } of kept) {
          expect(ids(await listAll(fixture().messageStore, queue, project)), `${queue} in ${project}`).to.deep.equal(posted);
        }
      });

      it('accepts a queue without messages', async () => {
        await queueData().purge('no-such-queue', PROJECT);
        await queueData().purge(QUEUE, PROJECT);
        expect(await statsHere()).to.deep.equal(EMPTY);
      });
    });
  });
}
