/**
 * Contract of ClaimController (Zaqar's `Claim` controller; concurrent claims
 * never share a message), for every message store — with the reference
 * defects fixed: per-message claim/delay checks, claim counts kept across
 * release, renew and expiry, consistent dead-letter ttl.
 */
import { expect } from 'chai';
import { dumpJson } from '../../common/json';
import { ClaimDoesNotExist, MessageDoesNotExist } from '../../storage/errors';
import type { ClaimOptions, DeadLetterOptions } from '../../storage/interfaces';
import { type MessageStoreSuiteOptions, describeWithClock, type MakeMessageStoreFixture, useFakeClock, useFixture } from './harness';
import { bodyText, createQueue, expectError, ids, listAll, post, PROJECTS, SECOND } from './helpers';

const QUEUE = 'claimq';
const DLQ = 'claimq-dead';
const PROJECT = 'tenant-a';
const CLAIM: ClaimOptions = { ttl: 300, grace: 60, limit: 10 };
const UNKNOWN_CLAIM = '00000000-0000-4000-8000-000000000000';

export function describeClaimController(name: string, make: MakeMessageStoreFixture, options: MessageStoreSuiteOptions = {}): void {
  describe(`${name}: ClaimController`, () => {
    const fixture = useFixture(make);
    const claims = () => fixture().messageStore.claimController;
    const messages = () => fixture().messageStore.messageController;
    const postHere = (count: number, opts: Parameters<typeof post>[4] = {}) =>
      post(fixture().messageStore, QUEUE, PROJECT, count, opts);
    const claimHere = (overrides: Partial<ClaimOptions> = {}) => claims().create(QUEUE, { ...CLAIM, ...overrides }, PROJECT);
    const getMessage = (id: string) => messages().get(QUEUE, id, PROJECT);

    beforeEach(() => createQueue(fixture(), QUEUE, PROJECT));

    describe('create', () => {
      it('claims up to limit messages, oldest first, and tags them with the new claim id', async () => {
        const posted = await postHere(5);
        const { claimId, messages: claimed } = await claimHere({ limit: 3 });
        expect(claimId).to.be.a('string');
        expect(ids(claimed)).to.deep.equal(posted.slice(0, 3));
        expect(claimed.map((m) => m.claimId)).to.deep.equal([claimId, claimId, claimId]);
        expect(claimed.map(bodyText)).to.deep.equal([0, 1, 2].map((n) => dumpJson({ n })));
        expect((await getMessage(posted[0])).claimId).to.equal(claimId);
        expect((await getMessage(posted[3])).claimId).to.equal(null);
      });

      it('returns no claim when nothing is claimable', async () => {
        expect(await claimHere()).to.deep.equal({ claimId: null, messages: [] });
        expect(await claims().create('no-such-queue', CLAIM, PROJECT)).to.deep.equal({ claimId: null, messages: [] });
        await postHere(2);
        await claimHere();
        expect(await claimHere()).to.deep.equal({ claimId: null, messages: [] });
      });

      it('never claims a message twice while its claim lives', async () => {
        const posted = await postHere(5);
        const first = await claimHere({ limit: 2 });
        const second = await claimHere({ limit: 2 });
        const third = await claimHere({ limit: 2 });
        expect([ids(first.messages), ids(second.messages), ids(third.messages)]).to.deep.equal([
          posted.slice(0, 2),
          posted.slice(2, 4),
          posted.slice(4),
        ]);
        expect(new Set([first.claimId, second.claimId, third.claimId]).size).to.equal(3);
      });

      it('checks every message: no stealing from a live claim after an earlier one was released', async () => {
        const posted = await postHere(6);
        const released = await claimHere({ limit: 2 });
        const holding = await claimHere({ limit: 2 });
        await claims().delete(QUEUE, released.claimId!, PROJECT);
        const next = await claimHere({ limit: 10 });
        expect(ids(next.messages)).to.deep.equal([posted[0], posted[1], posted[4], posted[5]]);
        expect(ids((await claims().get(QUEUE, holding.claimId!, PROJECT)).messages)).to.deep.equal(posted.slice(2, 4));
      });

      it('never claims a delayed message, wherever it sits', async () => {
        const [delayedA] = await postHere(1, { delay: 120 });
        const [readyA] = await postHere(1, { start: 1 });
        const [delayedB] = await postHere(1, { delay: 120, start: 2 });
        const [readyB] = await postHere(1, { start: 3 });
        const { messages: claimed } = await claimHere();
        expect(ids(claimed)).to.deep.equal([readyA, readyB]);
        expect((await getMessage(delayedA)).claimId).to.equal(null);
        expect((await getMessage(delayedB)).claimId).to.equal(null);
      });

      it('hands out every message exactly once to many concurrent claimers', async () => {
        const posted = await postHere(50);
        const results = await Promise.all(Array.from({ length: 30 }, () => claimHere({ limit: 3 })));
        const claimed = results.flatMap((r) => ids(r.messages));
        expect(claimed).to.have.length(50);
        expect(new Set(claimed)).to.deep.equal(new Set(posted));
        const claimIds = results.map((r) => r.claimId).filter((id) => id !== null);
        expect(new Set(claimIds).size).to.equal(claimIds.length);
        for (const result of results) {
          for (const message of result.messages) expect(message.claimId).to.equal(result.claimId);
        }
      });

      it('does not count claims outside dead-letter mode', async () => {
        const [id] = await postHere(1);
        const first = await claimHere();
        await claims().delete(QUEUE, first.claimId!, PROJECT);
        const second = await claimHere();
        expect(second.messages[0]).to.include({ id, claimCount: 0 });
      });
    });

    describe('get', () => {
      it('returns the claim with its messages in FIFO order', async () => {
        const posted = await postHere(3);
        const { claimId } = await claimHere({ ttl: 120 });
        const claim = await claims().get(QUEUE, claimId!, PROJECT);
        expect(claim).to.include({ id: claimId, ttl: 120 });
        expect(claim.age).to.be.at.least(0);
        expect(ids(claim.messages)).to.deep.equal(posted);
        expect(claim.messages.map((m) => m.claimId)).to.deep.equal([claimId, claimId, claimId]);
      });

      it('throws ClaimDoesNotExist for unknown, malformed and other queues’ claim ids', async () => {
        await postHere(1);
        const { claimId } = await claimHere();
        await createQueue(fixture(), 'other', PROJECT);
        const error = await expectError(claims().get(QUEUE, UNKNOWN_CLAIM, PROJECT), ClaimDoesNotExist);
        expect(error.message).to.equal(`Claim ${UNKNOWN_CLAIM} does not exist in queue ${QUEUE} for project ${PROJECT}`);
        await expectError(claims().get(QUEUE, 'malformed!', PROJECT), ClaimDoesNotExist);
        await expectError(claims().get('other', claimId!, PROJECT), ClaimDoesNotExist);
      });

      it('lists only the messages still carrying the claim', async () => {
        const [deleted, kept] = await postHere(2);
        const { claimId } = await claimHere();
        await messages().delete(QUEUE, deleted, PROJECT, claimId!);
        expect(ids((await claims().get(QUEUE, claimId!, PROJECT)).messages)).to.deep.equal([kept]);
      });
    });

    describe('update', () => {
      it('renews the claim with a new ttl', async () => {
        await postHere(2);
        const { claimId } = await claimHere({ ttl: 60 });
        await claims().update(QUEUE, claimId!, { ttl: 600, grace: 60 }, PROJECT);
        const claim = await claims().get(QUEUE, claimId!, PROJECT);
        expect(claim.ttl).to.equal(600);
        expect(claim.messages).to.have.length(2);
      });

      it('throws ClaimDoesNotExist for unknown, malformed and released claims', async () => {
        await postHere(1);
        const { claimId } = await claimHere();
        await claims().delete(QUEUE, claimId!, PROJECT);
        for (const id of [UNKNOWN_CLAIM, 'malformed!', claimId!]) {
          await expectError(claims().update(QUEUE, id, { ttl: 60, grace: 60 }, PROJECT), ClaimDoesNotExist);
        }
      });
    });

    describe('delete — release', () => {
      it('makes the messages claimable at once and ends the claim', async () => {
        const posted = await postHere(2);
        const { claimId } = await claimHere();
        await claims().delete(QUEUE, claimId!, PROJECT);
        await expectError(claims().get(QUEUE, claimId!, PROJECT), ClaimDoesNotExist);
        expect((await getMessage(posted[0])).claimId).to.equal(null);
        const again = await claimHere();
        expect(ids(again.messages)).to.deep.equal(posted);
      });

      it('is idempotent and accepts unknown or malformed ids', async () => {
        const [id] = await postHere(1);
        const { claimId } = await claimHere();
        await claims().delete(QUEUE, claimId!, PROJECT);
        await claims().delete(QUEUE, claimId!, PROJECT);
        await claims().delete(QUEUE, UNKNOWN_CLAIM, PROJECT);
        await claims().delete(QUEUE, 'malformed!', PROJECT);
        await claims().delete('no-such-queue', UNKNOWN_CLAIM, PROJECT);
        expect((await getMessage(id)).claimId).to.equal(null);
      });

      it("leaves other claims' messages alone", async () => {
        const posted = await postHere(2);
        const first = await claimHere({ limit: 1 });
        const second = await claimHere({ limit: 1 });
        await claims().delete(QUEUE, first.claimId!, PROJECT);
        expect((await getMessage(posted[1])).claimId).to.equal(second.claimId);
      });
    });

    describeWithClock(options, 'time: claim ttl, grace and lifetime extension', () => {
      const clock = useFakeClock();

      it('expires after its ttl; its messages become claimable again', async () => {
        const [id] = await postHere(1);
        const { claimId } = await claimHere({ ttl: 60 });
        clock().tick(59 * SECOND);
        expect((await claims().get(QUEUE, claimId!, PROJECT)).age).to.equal(59);
        expect((await claimHere()).claimId).to.equal(null);
        clock().tick(1 * SECOND);
        await expectError(claims().get(QUEUE, claimId!, PROJECT), ClaimDoesNotExist);
        await expectError(claims().update(QUEUE, claimId!, { ttl: 60, grace: 60 }, PROJECT), ClaimDoesNotExist);
        expect((await getMessage(id)).claimId).to.equal(null);
        expect(ids((await claimHere()).messages)).to.deep.equal([id]);
      });

      // A store may remember that the head of a queue is held (Redis's held
      // prefix); these pin down when what it remembers must be forgotten.
      it('a claim renewed to a shorter ttl frees its messages at the new expiry', async () => {
        const [id] = await postHere(1);
        const { claimId } = await claimHere({ ttl: 60 });
        expect((await claimHere()).claimId).to.equal(null);
        await claims().update(QUEUE, claimId!, { ttl: 30, grace: 60 }, PROJECT);
        clock().tick(30 * SECOND);
        expect(ids((await claimHere()).messages)).to.deep.equal([id]);
      });

      it('frees expired claims oldest first, whatever the later claims hold', async () => {
        const posted = await postHere(3);
        await claimHere({ limit: 1, ttl: 60 });
        await claimHere({ limit: 1, ttl: 120 });
        expect(ids((await claimHere({ limit: 1, ttl: 60 })).messages)).to.deep.equal([posted[2]]);
        expect((await claimHere()).claimId).to.equal(null);
        clock().tick(60 * SECOND);
        expect(ids((await claimHere()).messages)).to.deep.equal([posted[0], posted[2]]);
        clock().tick(60 * SECOND);
        expect(ids((await claimHere()).messages)).to.deep.equal([posted[1]]);
      });

      it('extends a message that would expire before its claim to claim expiry + grace', async () => {
        const [id] = await postHere(1, { ttl: 60 });
        const { messages: claimed } = await claimHere({ ttl: 120, grace: 30 });
        expect(claimed[0].ttl).to.equal(150);
        expect((await getMessage(id)).ttl).to.equal(150);
        clock().tick(149 * SECOND);
        expect((await getMessage(id)).id).to.equal(id);
        clock().tick(1 * SECOND);
        await expectError(getMessage(id), MessageDoesNotExist);
      });

      it('leaves a message alone that outlives its claim', async () => {
        const [id] = await postHere(1, { ttl: 3600 });
        await claimHere({ ttl: 120, grace: 30 });
        expect((await getMessage(id)).ttl).to.equal(3600);
        clock().tick(3599 * SECOND);
        expect((await getMessage(id)).id).to.equal(id);
        clock().tick(1 * SECOND);
        await expectError(getMessage(id), MessageDoesNotExist);
      });

      it('renewal restarts the age, moves the expiry and extends messages again', async () => {
        const [id] = await postHere(1, { ttl: 60 });
        const { claimId } = await claimHere({ ttl: 90, grace: 60 });
        expect((await getMessage(id)).ttl).to.equal(150);
        clock().tick(50 * SECOND);
        await claims().update(QUEUE, claimId!, { ttl: 300, grace: 100 }, PROJECT);
        const renewed = await claims().get(QUEUE, claimId!, PROJECT);
        expect(renewed).to.include({ ttl: 300, age: 0 });
        // Claim now expires at t=350 s, the message at 350 + 100 = 450 s.
        expect(renewed.messages[0]).to.include({ id, ttl: 400, claimId });
        clock().tick(299 * SECOND);
        expect((await claims().get(QUEUE, claimId!, PROJECT)).age).to.equal(299);
        clock().tick(1 * SECOND);
        await expectError(claims().get(QUEUE, claimId!, PROJECT), ClaimDoesNotExist);
        clock().tick(99 * SECOND);
        expect((await getMessage(id)).claimId).to.equal(null);
        clock().tick(1 * SECOND);
        await expectError(getMessage(id), MessageDoesNotExist);
      });

      it('keeps a lifetime extension after release', async () => {
        const [id] = await postHere(1, { ttl: 60 });
        const { claimId } = await claimHere({ ttl: 120, grace: 60 });
        await claims().delete(QUEUE, claimId!, PROJECT);
        expect((await getMessage(id)).ttl).to.equal(180);
        clock().tick(179 * SECOND);
        expect((await getMessage(id)).id).to.equal(id);
      });

      it('keeps the claim count across release, renewal and expiry (dead-letter mode)', async () => {
        const [id] = await postHere(1);
        const deadLetter: DeadLetterOptions = { maxClaimCount: 10, queue: DLQ };
        const first = await claimHere({ ttl: 60, deadLetter });
        expect(first.messages[0]).to.include({ id, claimCount: 1 });
        await claims().delete(QUEUE, first.claimId!, PROJECT);
        expect((await getMessage(id)).claimCount).to.equal(1);

        const second = await claimHere({ ttl: 60, deadLetter });
        expect(second.messages[0].claimCount).to.equal(2);
        await claims().update(QUEUE, second.claimId!, { ttl: 60, grace: 60 }, PROJECT);
        expect((await claims().get(QUEUE, second.claimId!, PROJECT)).messages[0].claimCount).to.equal(2);

        clock().tick(60 * SECOND);
        expect((await getMessage(id)).claimCount).to.equal(2);
        const third = await claimHere({ ttl: 60, deadLetter });
        expect(third.messages[0].claimCount).to.equal(3);
      });
    });

    describe('dead-letter queues', () => {
      beforeEach(() => createQueue(fixture(), DLQ, PROJECT));
      const deadLetter: DeadLetterOptions = { maxClaimCount: 2, queue: DLQ };
      const claimAndRelease = async (): Promise<void> => {
        const { claimId } = await claimHere({ deadLetter });
        if (claimId !== null) await claims().delete(QUEUE, claimId, PROJECT);
      };

      it('delivers a message maxClaimCount times, then moves it to the dead-letter queue', async () => {
        const [id] = await postHere(1);
        await claimAndRelease();
        await claimAndRelease();
        expect((await getMessage(id)).claimCount).to.equal(2);
        expect(await claimHere({ deadLetter })).to.deep.equal({ claimId: null, messages: [] });
        expect(await listAll(fixture().messageStore, QUEUE, PROJECT)).to.deep.equal([]);
        await expectError(getMessage(id), MessageDoesNotExist);
        const [moved] = await listAll(fixture().messageStore, DLQ, PROJECT);
        expect(moved.id).to.equal(id);
        expect(bodyText(moved)).to.equal(dumpJson({ n: 0 }));
      });

      it('delivers the messages that still may be delivered when others move', async () => {
        const [exhausted] = await postHere(1);
        await claimAndRelease();
        await claimAndRelease();
        const [fresh] = await postHere(1, { start: 1 });
        const { claimId, messages: claimed } = await claimHere({ deadLetter });
        expect(claimId).to.be.a('string');
        expect(ids(claimed)).to.deep.equal([fresh]);
        expect(claimed[0].claimCount).to.equal(1);
        expect(ids(await listAll(fixture().messageStore, DLQ, PROJECT))).to.deep.equal([exhausted]);
      });

      it('moves every message on its first claim when maxClaimCount is 0', async () => {
        const posted = await postHere(3);
        const result = await claimHere({ deadLetter: { maxClaimCount: 0, queue: DLQ } });
        expect(result).to.deep.equal({ claimId: null, messages: [] });
        expect(ids(await listAll(fixture().messageStore, DLQ, PROJECT))).to.deep.equal(posted);
      });

      it('moves into the dead-letter queue of the same project only', async () => {
        for (const project of PROJECTS) await createQueue(fixture(), DLQ, project);
        const [id] = await postHere(1);
        await claimHere({ deadLetter: { maxClaimCount: 0, queue: DLQ } });
        for (const project of PROJECTS) {
          const expected = project === PROJECT ? [id] : [];
          expect(ids(await listAll(fixture().messageStore, DLQ, project)), String(project)).to.deep.equal(expected);
        }
      });

      describeWithClock(options, 'with a dead-letter ttl', () => {
        const clock = useFakeClock();

        it('gives a moved message the dead-letter ttl, counted from the move', async () => {
          const [id] = await postHere(1, { ttl: 3600 });
          clock().tick(10 * SECOND);
          await claimHere({ deadLetter: { maxClaimCount: 0, queue: DLQ, ttl: 120 } });
          const [moved] = await listAll(fixture().messageStore, DLQ, PROJECT);
          expect(moved).to.include({ id, ttl: 120 });
          clock().tick(119 * SECOND);
          expect(ids(await listAll(fixture().messageStore, DLQ, PROJECT))).to.deep.equal([id]);
          clock().tick(1 * SECOND);
          expect(await listAll(fixture().messageStore, DLQ, PROJECT)).to.deep.equal([]);
        });
      });
    });

    describe('scoping', () => {
      it("claims only the queue's own project's messages", async () => {
        const posted = new Map<string | null, string[]>();
        for (const project of PROJECTS) {
          await createQueue(fixture(), QUEUE, project);
          posted.set(project, await post(fixture().messageStore, QUEUE, project, 2));
        }
        for (const project of PROJECTS) {
          const { messages: claimed } = await claims().create(QUEUE, CLAIM, project);
          expect(ids(claimed), String(project)).to.deep.equal(posted.get(project));
        }
      });

      it("never reads, renews or releases another project's claim", async () => {
        for (const project of PROJECTS) await createQueue(fixture(), QUEUE, project);
        const [id] = await postHere(1);
        const { claimId } = await claimHere();
        for (const other of PROJECTS.filter((p) => p !== PROJECT)) {
          await expectError(claims().get(QUEUE, claimId!, other), ClaimDoesNotExist);
          await expectError(claims().update(QUEUE, claimId!, { ttl: 60, grace: 60 }, other), ClaimDoesNotExist);
          await claims().delete(QUEUE, claimId!, other);
          await messages().delete(QUEUE, id, other, claimId!);
        }
        const claim = await claims().get(QUEUE, claimId!, PROJECT);
        expect(claim.ttl).to.equal(CLAIM.ttl);
        expect(ids(claim.messages)).to.deep.equal([id]);
      });
    });
  });
}
