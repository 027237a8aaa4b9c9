/**
 * Contract of MessageController (Zaqar's `Message` controller), for every
 * message store.
 */
import { expect } from 'chai';
import { dumpJson } from '../../common/json';
import {
  ClaimDoesNotExist,
  ClaimDoesNotMatch,
  MessageDoesNotExist,
  MessageIsClaimed,
  MessageNotClaimed,
  MessageNotClaimedBy,
  QueueIsEmpty,
} from '../../storage/errors';
import type { ClaimOptions } from '../../storage/interfaces';
import { type MessageStoreSuiteOptions, describeWithClock, type MakeMessageStoreFixture, useFakeClock, useFixture } from './harness';
import {
  bodyText,
  CONSUMER,
  createQueue,
  expectError,
  ids,
  listAll,
  newMessage,
  NON_UUID_CLIENT,
  post,
  PRODUCER,
  PROJECTS,
  SAMPLE_BODIES,
  SECOND,
} from './helpers';

const QUEUE = 'fizbit';
const PROJECT = 'tenant-a';
const CLAIM: ClaimOptions = { ttl: 300, grace: 60, limit: 10 };

export function describeMessageController(name: string, make: MakeMessageStoreFixture, options: MessageStoreSuiteOptions = {}): void {
  describe(`${name}: MessageController`, () => {
    const fixture = useFixture(make);
    const messages = () => fixture().messageStore.messageController;
    const claims = () => fixture().messageStore.claimController;
    const postHere = (count: number, opts: Parameters<typeof post>[4] = {}) =>
      post(fixture().messageStore, QUEUE, PROJECT, count, opts);
    const claimHere = (limit = 10) => claims().create(QUEUE, { ...CLAIM, limit }, PROJECT);
    const allHere = () => listAll(fixture().messageStore, QUEUE, PROJECT);

    beforeEach(() => createQueue(fixture(), QUEUE, PROJECT));

    describe('post', () => {
      it('returns one new id per message, in input order', async () => {
        const posted = await postHere(5);
        expect(posted).to.have.length(5);
        expect(new Set(posted).size).to.equal(5);
        const stored = await allHere();
        expect(ids(stored)).to.deep.equal(posted);
        expect(stored.map(bodyText)).to.deep.equal([0, 1, 2, 3, 4].map((n) => dumpJson({ n })));
      });

      it('keeps FIFO order across batches', async () => {
        const first = await postHere(3, { start: 0 });
        const second = await postHere(3, { start: 3 });
        expect(ids(await allHere())).to.deep.equal([...first, ...second]);
      });

      it('stamps a whole batch with one creation time', async () => {
        const posted = await postHere(10);
        const stored = await messages().bulkGet(QUEUE, posted, PROJECT);
        expect(new Set(stored.map((m) => m.created)).size).to.equal(1);
      });

      it('round-trips every kind of JSON body exactly', async () => {
        const posted = await messages().post(QUEUE, SAMPLE_BODIES.map((body) => newMessage(body)), PRODUCER, PROJECT);
        const expected = SAMPLE_BODIES.map((body) => dumpJson(body));
        expect((await messages().bulkGet(QUEUE, posted, PROJECT)).map(bodyText)).to.deep.equal(expected);
        expect((await allHere()).map(bodyText)).to.deep.equal(expected);
        expect(bodyText(await messages().get(QUEUE, posted[3], PROJECT))).to.equal(expected[3]);
      });

      it('stores a checksum only when one is given', async () => {
        const [withSum, without] = await messages().post(
          QUEUE,
          [{ ...newMessage({ a: 1 }), checksum: 'MD5:0123456789abcdef0123456789abcdef' }, newMessage({ b: 2 })],
          PRODUCER,
          PROJECT,
        );
        expect((await messages().get(QUEUE, withSum, PROJECT)).checksum).to.equal('MD5:0123456789abcdef0123456789abcdef');
        expect((await messages().get(QUEUE, without, PROJECT)).checksum).to.equal(undefined);
      });

      it('stores ttl, and new messages are unclaimed with claim count 0', async () => {
        const [id] = await messages().post(QUEUE, [newMessage({ a: 1 }, 120)], PRODUCER, PROJECT);
        const message = await messages().get(QUEUE, id, PROJECT);
        expect(message).to.include({ id, ttl: 120, claimId: null, claimCount: 0 });
        expect(message.age).to.be.at.least(0);
      });

      it('accepts a client id that is not a UUID', async () => {
        const [id] = await post(fixture().messageStore, QUEUE, PROJECT, 1, { clientId: NON_UUID_CLIENT });
        const own = await messages().list(QUEUE, PROJECT, { clientId: NON_UUID_CLIENT });
        expect(own.items).to.deep.equal([]);
        const others = await messages().list(QUEUE, PROJECT, { clientId: CONSUMER });
        expect(ids(others.items)).to.deep.equal([id]);
      });
    });

    describe('list', () => {
      it('pages through every message with exclusive markers', async () => {
        const posted = await postHere(25);
        const seen: string[] = [];
        const pageSizes: number[] = [];
        let marker: string | undefined;
        for (let guard = 0; guard < 10; guard++) {
          const page = await messages().list(QUEUE, PROJECT, { marker, limit: 10, echo: true });
          pageSizes.push(page.items.length);
          if (page.items.length === 0) {
            expect(page.next).to.equal(undefined);
            break;
          }
          expect(page.next).to.be.a('string');
          seen.push(...ids(page.items));
          marker = page.next;
        }
        expect(pageSizes).to.deep.equal([10, 10, 5, 0]);
        expect(seen).to.deep.equal(posted);
      });

      it('returns 10 messages by default', async () => {
        await postHere(12);
        expect((await messages().list(QUEUE, PROJECT, { echo: true })).items).to.have.length(10);
      });

      it('returns an empty page without next for an empty or unknown queue', async () => {
        expect(await messages().list(QUEUE, PROJECT)).to.deep.equal({ items: [] });
        expect(await messages().list('no-such-queue', PROJECT)).to.deep.equal({ items: [] });
      });

      it('returns an empty page for an invalid marker', async () => {
        await postHere(3);
        for (const marker of ['not-a-marker', '%%']) {
          const page = await messages().list(QUEUE, PROJECT, { marker, echo: true });
          expect(page.items, `marker ${marker}`).to.deep.equal([]);
        }
      });

      it("hides the caller's own messages unless echo is set", async () => {
        const fromProducer = await postHere(2, { clientId: PRODUCER });
        const fromConsumer = await postHere(2, { clientId: CONSUMER, start: 2 });
        expect(ids((await messages().list(QUEUE, PROJECT, { clientId: CONSUMER })).items)).to.deep.equal(fromProducer);
        expect(ids((await messages().list(QUEUE, PROJECT, { clientId: PRODUCER })).items)).to.deep.equal(fromConsumer);
        const echoed = await messages().list(QUEUE, PROJECT, { clientId: CONSUMER, echo: true });
        expect(ids(echoed.items)).to.deep.equal([...fromProducer, ...fromConsumer]);
      });

      it('hides claimed messages unless includeClaimed is set', async () => {
        const posted = await postHere(4);
        const { claimId } = await claimHere(2);
        const visible = await messages().list(QUEUE, PROJECT, { echo: true });
        expect(ids(visible.items)).to.deep.equal(posted.slice(2));
        const all = await messages().list(QUEUE, PROJECT, { echo: true, includeClaimed: true });
        expect(ids(all.items)).to.deep.equal(posted);
        expect(all.items.map((m) => m.claimId)).to.deep.equal([claimId, claimId, null, null]);
      });

      it('hides delayed messages unless includeDelayed is set', async () => {
        const delayed = await postHere(2, { delay: 60 });
        const ready = await postHere(2, { start: 2 });
        expect(ids((await messages().list(QUEUE, PROJECT, { echo: true })).items)).to.deep.equal(ready);
        const all = await messages().list(QUEUE, PROJECT, { echo: true, includeDelayed: true });
        expect(ids(all.items)).to.deep.equal([...delayed, ...ready]);
      });

      it('fills the page although filtered-out messages come first', async () => {
        await postHere(8, { clientId: CONSUMER });
        await claimHere(8);
        await postHere(3, { clientId: PRODUCER, delay: 60, start: 8 });
        const wanted = await postHere(6, { clientId: PRODUCER, start: 11 });
        const page = await messages().list(QUEUE, PROJECT, { clientId: CONSUMER, limit: 5 });
        expect(ids(page.items)).to.deep.equal(wanted.slice(0, 5));
        const rest = await messages().list(QUEUE, PROJECT, { clientId: CONSUMER, limit: 5, marker: page.next });
        expect(ids(rest.items)).to.deep.equal(wanted.slice(5));
      });
    });

    describe('get, bulkGet and first', () => {
      it('gets one message by id', async () => {
        const [id] = await messages().post(QUEUE, [newMessage({ hello: 'world' }, 600)], PRODUCER, PROJECT);
        const message = await messages().get(QUEUE, id, PROJECT);
        expect(message).to.include({ id, ttl: 600, claimId: null, claimCount: 0 });
        expect(bodyText(message)).to.equal(dumpJson({ hello: 'world' }));
      });

      it('throws MessageDoesNotExist for unknown, malformed and other queues’ ids', async () => {
        const [id] = await postHere(1);
        await createQueue(fixture(), 'other', PROJECT);
        const error = await expectError(messages().get(QUEUE, 'malformed!', PROJECT), MessageDoesNotExist);
        expect(error.message).to.equal(`Message malformed! does not exist in queue ${QUEUE} for project ${PROJECT}`);
        for (const [queue, messageId] of [
          [QUEUE, '00000000-0000-4000-8000-000000000000'],
          [QUEUE, '5c6939a5d5d1a2b9a5c1d9f0'],
          [QUEUE, 'malformed!'],
          ['other', id],
          ['no-such-queue', id],
        ]) {
          await expectError(messages().get(queue, messageId, PROJECT), MessageDoesNotExist);
        }
      });

      it('gets claimed and delayed messages too', async () => {
        const [claimed] = await postHere(1);
        const [delayed] = await postHere(1, { delay: 300 });
        const { claimId } = await claimHere(10);
        expect((await messages().get(QUEUE, claimed, PROJECT)).claimId).to.equal(claimId);
        expect((await messages().get(QUEUE, delayed, PROJECT)).id).to.equal(delayed);
      });

      it('bulkGet keeps the requested order and skips unknown ids', async () => {
        const [a, b, c] = await postHere(3);
        const found = await messages().bulkGet(QUEUE, [c, '00000000-0000-4000-8000-000000000000', 'bogus', a], PROJECT);
        expect(ids(found)).to.deep.equal([c, a]);
        expect(await messages().bulkGet(QUEUE, ['bogus'], PROJECT)).to.deep.equal([]);
        expect(await messages().bulkGet('no-such-queue', [b], PROJECT)).to.deep.equal([]);
      });

      it('bulkGet returns claimed and delayed messages', async () => {
        const [claimed] = await postHere(1);
        await claimHere(1);
        const [delayed] = await postHere(1, { delay: 300 });
        expect(ids(await messages().bulkGet(QUEUE, [claimed, delayed], PROJECT))).to.deep.equal([claimed, delayed]);
      });

      it('first returns the oldest (default) or newest message, claimed and delayed ones included', async () => {
        const [oldest] = await postHere(1);
        await postHere(1, { start: 1 });
        const [newest] = await postHere(1, { delay: 300, start: 2 });
        await claimHere(1);
        expect((await messages().first(QUEUE, PROJECT)).id).to.equal(oldest);
        expect((await messages().first(QUEUE, PROJECT, 1)).id).to.equal(oldest);
        expect((await messages().first(QUEUE, PROJECT, -1)).id).to.equal(newest);
      });

      it('first throws QueueIsEmpty for an empty or unknown queue', async () => {
        await expectError(messages().first(QUEUE, PROJECT), QueueIsEmpty);
        const error = await expectError(messages().first(QUEUE, null), QueueIsEmpty);
        expect(error.message).to.equal(`Queue ${QUEUE} in project None is empty`);
        await expectError(messages().first('no-such-queue', PROJECT, -1), QueueIsEmpty);
      });
    });

    describe('delete', () => {
      it('succeeds silently for unknown and malformed ids and unknown queues', async () => {
        const posted = await postHere(2);
        await messages().delete(QUEUE, '00000000-0000-4000-8000-000000000000', PROJECT);
        await messages().delete(QUEUE, 'malformed!', PROJECT);
        await messages().delete('no-such-queue', posted[0], PROJECT);
        await messages().delete(QUEUE, 'malformed!', PROJECT, 'also-malformed');
        expect(ids(await allHere())).to.deep.equal(posted);
      });

      it('deletes an unclaimed message without a claim id', async () => {
        const [gone, kept] = await postHere(2);
        await messages().delete(QUEUE, gone, PROJECT);
        await expectError(messages().get(QUEUE, gone, PROJECT), MessageDoesNotExist);
        expect(ids(await allHere())).to.deep.equal([kept]);
      });

      it('refuses a claimed message without a claim id (MessageIsClaimed)', async () => {
        const [id] = await postHere(1);
        await claimHere();
        await expectError(messages().delete(QUEUE, id, PROJECT), MessageIsClaimed);
        expect(ids(await allHere())).to.deep.equal([id]);
      });

      it('refuses a claim id for an unclaimed message (MessageNotClaimed)', async () => {
        const [claimed, unclaimed] = await postHere(2);
        const { claimId } = await claimHere(1);
        await expectError(messages().delete(QUEUE, unclaimed, PROJECT, claimId!), MessageNotClaimed);
        expect(ids(await allHere())).to.deep.equal([claimed, unclaimed]);
      });

      it('refuses a malformed claim id (ClaimDoesNotExist)', async () => {
        const [claimed, unclaimed] = await postHere(2);
        await claimHere(1);
        const error = await expectError(messages().delete(QUEUE, claimed, PROJECT, 'not-a-claim-id!'), ClaimDoesNotExist);
        expect(error.message).to.equal(`Claim not-a-claim-id! does not exist in queue ${QUEUE} for project ${PROJECT}`);
        await expectError(messages().delete(QUEUE, unclaimed, PROJECT, 'not-a-claim-id!'), ClaimDoesNotExist);
        expect(await allHere()).to.have.length(2);
      });

      it('refuses the id of another live claim (MessageNotClaimedBy)', async () => {
        const [first, second] = await postHere(2);
        const a = await claimHere(1);
        const b = await claimHere(1);
        expect(ids(b.messages)).to.deep.equal([second]);
        const error = await expectError(messages().delete(QUEUE, first, PROJECT, b.claimId!), MessageNotClaimedBy);
        expect(error.message).to.equal(`Message ${first} is not claimed by ${b.claimId}`);
        expect(await allHere()).to.have.length(2);
        expect(a.claimId).to.not.equal(b.claimId);
      });

      it('refuses a claim id that names no live claim while the message is claimed (ClaimDoesNotExist)', async () => {
        const [id] = await postHere(1);
        const released = await claimHere(1);
        await claims().delete(QUEUE, released.claimId!, PROJECT);
        const current = await claimHere(1);
        expect(ids(current.messages)).to.deep.equal([id]);
        await expectError(messages().delete(QUEUE, id, PROJECT, released.claimId!), ClaimDoesNotExist);
        expect(ids(await allHere())).to.deep.equal([id]);
      });

      it('deletes with the matching claim id and drops the message from its claim', async () => {
        const [gone, kept] = await postHere(2);
        const { claimId } = await claimHere(2);
        await messages().delete(QUEUE, gone, PROJECT, claimId!);
        expect(ids(await allHere())).to.deep.equal([kept]);
        expect(ids((await claims().get(QUEUE, claimId!, PROJECT)).messages)).to.deep.equal([kept]);
      });
    });

    describe('bulkDelete', () => {
      it('without claim ids deletes the listed messages regardless of claims', async () => {
        const [claimed, free, kept] = await postHere(3);
        await claimHere(1);
        await messages().bulkDelete(QUEUE, [claimed, free, 'bogus', '00000000-0000-4000-8000-000000000000'], PROJECT);
        expect(ids(await allHere())).to.deep.equal([kept]);
      });

      it('with claim ids deletes messages held by any of those claims', async () => {
        const [a, b, kept] = await postHere(3);
        const first = await claimHere(1);
        const second = await claimHere(1);
        await messages().bulkDelete(QUEUE, [a, b, 'bogus'], PROJECT, [first.claimId!, second.claimId!]);
        expect(ids(await allHere())).to.deep.equal([kept]);
      });

      it('with claim ids refuses an unclaimed message (MessageNotClaimed) and deletes nothing', async () => {
        const [claimed, unclaimed] = await postHere(2);
        const { claimId } = await claimHere(1);
        await expectError(messages().bulkDelete(QUEUE, [claimed, unclaimed], PROJECT, [claimId!]), MessageNotClaimed);
        expect(ids(await allHere())).to.deep.equal([claimed, unclaimed]);
      });

      it('with claim ids refuses a message held by an unlisted claim (ClaimDoesNotMatch) and deletes nothing', async () => {
        const [a, b] = await postHere(2);
        const first = await claimHere(1);
        await claimHere(1);
        const second = await claims().get(QUEUE, (await messages().get(QUEUE, b, PROJECT)).claimId!, PROJECT);
        const error = await expectError(messages().bulkDelete(QUEUE, [a, b], PROJECT, [first.claimId!]), ClaimDoesNotMatch);
        expect(error.message).to.contain(`Claim ${second.id} does not exist in the claim_ids parameter`);
        expect(ids(await allHere())).to.deep.equal([a, b]);
      });
    });

    describe('pop', () => {
      it('removes and returns the oldest messages, up to the limit', async () => {
        const posted = await postHere(5);
        const popped = await messages().pop(QUEUE, 3, PROJECT);
        expect(ids(popped)).to.deep.equal(posted.slice(0, 3));
        expect(popped.map(bodyText)).to.deep.equal([0, 1, 2].map((n) => dumpJson({ n })));
        expect(ids(await allHere())).to.deep.equal(posted.slice(3));
      });

      it('skips claimed and delayed messages', async () => {
        const [claimed] = await postHere(1);
        await claimHere(1);
        const [delayed] = await postHere(1, { delay: 300 });
        const [free] = await postHere(1);
        expect(ids(await messages().pop(QUEUE, 10, PROJECT))).to.deep.equal([free]);
        expect(ids(await allHere())).to.deep.equal([claimed, delayed]);
      });

      it('returns nothing for an empty or unknown queue', async () => {
        expect(await messages().pop(QUEUE, 5, PROJECT)).to.deep.equal([]);
        expect(await messages().pop('no-such-queue', 5, PROJECT)).to.deep.equal([]);
      });

      it('never returns a message to two concurrent callers', async () => {
        const posted = await postHere(20);
        const results = await Promise.all(Array.from({ length: 10 }, () => messages().pop(QUEUE, 3, PROJECT)));
        const popped = results.flatMap(ids);
        expect(popped).to.have.length(20);
        expect(new Set(popped)).to.deep.equal(new Set(posted));
      });

      it('keeps the claim count of popped messages', async () => {
        const [id] = await postHere(1);
        const deadLetter = { maxClaimCount: 5, queue: 'dlq' };
        const { claimId } = await claims().create(QUEUE, { ...CLAIM, deadLetter }, PROJECT);
        await claims().delete(QUEUE, claimId!, PROJECT);
        const [popped] = await messages().pop(QUEUE, 1, PROJECT);
        expect(popped).to.include({ id, claimCount: 1 });
      });
    });

    describeWithClock(options, 'time: expiry, age and delay', () => {
      const clock = useFakeClock();

      it('hides a message from every read once its ttl has passed', async () => {
        const [id] = await postHere(1, { ttl: 60 });
        clock().tick(59 * SECOND);
        expect((await messages().get(QUEUE, id, PROJECT)).id).to.equal(id);
        clock().tick(1 * SECOND);
        await expectError(messages().get(QUEUE, id, PROJECT), MessageDoesNotExist);
        expect(await messages().bulkGet(QUEUE, [id], PROJECT)).to.deep.equal([]);
        expect(await allHere()).to.deep.equal([]);
        await expectError(messages().first(QUEUE, PROJECT), QueueIsEmpty);
        expect(await claimHere()).to.deep.equal({ claimId: null, messages: [] });
        expect(await messages().pop(QUEUE, 5, PROJECT)).to.deep.equal([]);
      });

      it('skips expired messages without shortening pages', async () => {
        await postHere(3, { ttl: 60 });
        const lasting = await postHere(3, { ttl: 600, start: 3 });
        clock().tick(60 * SECOND);
        expect(ids((await messages().list(QUEUE, PROJECT, { echo: true, limit: 3 })).items)).to.deep.equal(lasting);
      });

      it('reports age in whole seconds since creation', async () => {
        const [id] = await postHere(1);
        expect((await messages().get(QUEUE, id, PROJECT)).age).to.equal(0);
        clock().tick(5.9 * SECOND);
        expect((await messages().get(QUEUE, id, PROJECT)).age).to.equal(5);
      });

      it('releases a delayed message for listing, claiming and popping once its delay has passed', async () => {
        const [delayed] = await postHere(1, { delay: 30 });
        clock().tick(29 * SECOND);
        expect((await messages().list(QUEUE, PROJECT, { echo: true })).items).to.deep.equal([]);
        expect(await messages().pop(QUEUE, 1, PROJECT)).to.deep.equal([]);
        clock().tick(1 * SECOND);
        expect(ids((await messages().list(QUEUE, PROJECT, { echo: true })).items)).to.deep.equal([delayed]);
        expect(ids((await claimHere()).messages)).to.deep.equal([delayed]);
      });

      it('lists a message again, unclaimed, once its claim expired', async () => {
        const [id] = await postHere(1);
        await claims().create(QUEUE, { ttl: 60, grace: 60, limit: 1 }, PROJECT);
        expect((await messages().list(QUEUE, PROJECT, { echo: true })).items).to.deep.equal([]);
        clock().tick(60 * SECOND);
        const page = await messages().list(QUEUE, PROJECT, { echo: true });
        expect(ids(page.items)).to.deep.equal([id]);
        expect(page.items[0].claimId).to.equal(null);
      });

      it('treats a message whose claim expired as unclaimed when deleting', async () => {
        const [id] = await postHere(1);
        const { claimId } = await claims().create(QUEUE, { ttl: 60, grace: 60, limit: 1 }, PROJECT);
        clock().tick(60 * SECOND);
        await expectError(messages().delete(QUEUE, id, PROJECT, claimId!), MessageNotClaimed);
        await messages().delete(QUEUE, id, PROJECT);
        expect(await allHere()).to.deep.equal([]);
      });
    });

    describe('scoping', () => {
      async function postEverywhere(): Promise<Map<string | null, string[]>> {
        const posted = new Map<string | null, string[]>();
        for (const [i, project] of PROJECTS.entries()) {
          await createQueue(fixture(), QUEUE, project);
          posted.set(project, await post(fixture().messageStore, QUEUE, project, 2, { start: i * 10 }));
        }
        return posted;
      }

      it('keeps the same queue name in different projects (and the global namespace) apart', async () => {
        const posted = await postEverywhere();
        for (const project of PROJECTS) {
          expect(ids(await listAll(fixture().messageStore, QUEUE, project)), String(project)).to.deep.equal(posted.get(project));
          expect((await messages().first(QUEUE, project, -1)).id).to.equal(posted.get(project)![1]);
        }
      });

      it("never reads another project's message by id", async () => {
        const posted = await postEverywhere();
        for (const project of PROJECTS) {
          for (const other of PROJECTS.filter((p) => p !== project)) {
            const foreign = posted.get(other)!;
            await expectError(messages().get(QUEUE, foreign[0], project), MessageDoesNotExist);
            expect(await messages().bulkGet(QUEUE, foreign, project)).to.deep.equal([]);
          }
        }
      });

      it("never deletes or pops another project's messages", async () => {
        const posted = await postEverywhere();
        const [victim, ...others] = PROJECTS;
        const target = posted.get(victim)!;
        for (const attacker of others) {
          await messages().delete(QUEUE, target[0], attacker);
          await messages().bulkDelete(QUEUE, target, attacker);
          await messages().pop(QUEUE, 10, attacker);
        }
        expect(ids(await listAll(fixture().messageStore, QUEUE, victim))).to.deep.equal(target);
      });

      it('keeps queues of one project apart', async () => {
        await createQueue(fixture(), `${QUEUE}2`, PROJECT);
        const here = await postHere(2);
        const there = await post(fixture().messageStore, `${QUEUE}2`, PROJECT, 2);
        expect(ids(await allHere())).to.deep.equal(here);
        await expectError(messages().get(QUEUE, there[0], PROJECT), MessageDoesNotExist);
      });
    });
  });
}
