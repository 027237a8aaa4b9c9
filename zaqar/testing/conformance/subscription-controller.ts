/**
 * Contract of SubscriptionController (Zaqar's `Subscription` controller),
 * for every message store: uniqueness by (project, queue, subscriber), also
 * under concurrent creates (the reference Redis store checked, then wrote);
 * expiry `ttl` seconds after creation or the last ttl change, whatever the
 * backend's own expiry has done yet; listing by id with an exclusive marker;
 * every call scoped by project and queue; options JSON kept exactly.
 */
import { expect } from 'chai';
import { dumpJson, JsonNumber } from '../../common/json';
import { SubscriptionAlreadyExists, SubscriptionDoesNotExist } from '../../storage/errors';
import type { Project, Subscription } from '../../storage/interfaces';
import { type MessageStoreSuiteOptions, describeWithClock, type MakeMessageStoreFixture, useFakeClock, useFixture } from './harness';
import { createQueue, expectError, PROJECTS, SECOND } from './helpers';

const QUEUE = 'subq';
const OTHER_QUEUE = 'subq2';
const PROJECT = 'tenant-a';
const HOOK = 'http://example.com/hook';
const TTL = 3600;

/** Ids no store issues, in the forms stores use (UUID4, ObjectId) and malformed ones. */
const UNKNOWN_IDS = ['00000000-0000-4000-8000-000000000000', '5f0c0c0c0c0c0c0c0c0c0c0c', 'not-an-id', '', 'subq.subscriptions'];

/** Options must come back as the same JSON text: floats like 1.0, big integers, nesting, unicode. */
const OPTIONS = {
  _retry_policy: { retries_with_no_delay: 3, minimum_delay: 5, retry_backoff_function: 'linear' },
  post_headers: { 'X-Trace': 'abc' },
  post_data: '{"event": "$zaqar_message$"}',
  ratio: new JsonNumber('1.0'),
  exp: new JsonNumber('1e+100'),
  big: new JsonNumber('9223372036854775807'),
  nested: { list: [1, 'two', null, true, { deep: [], half: new JsonNumber('0.5') }], empty: {} },
  'ключ': 'значение 😀',
};

const hook = (n: number | string) => `http://example.com/hook/${n}`;

export function describeSubscriptionController(name: string, make: MakeMessageStoreFixture, options: MessageStoreSuiteOptions = {}): void {
  describe(`${name}: SubscriptionController`, () => {
    const fixture = useFixture(make);
    const subscriptions = () => fixture().messageStore.subscriptionController;
    const subscribe = (subscriber: string, opts: { ttl?: number; options?: Record<string, unknown>; queue?: string; project?: Project } = {}) =>
      subscriptions().create(opts.queue ?? QUEUE, subscriber, opts.ttl ?? TTL, opts.options ?? {}, opts.project === undefined ? PROJECT : opts.project);
    const getHere = (id: string) => subscriptions().get(QUEUE, id, PROJECT);
    /** Every subscription of the queue, paging through with `limit`. */
    const listAll = async (queue = QUEUE, project: Project = PROJECT, limit = 7): Promise<Subscription[]> => {
      const all: Subscription[] = [];
      let marker: string | undefined;
      for (;;) {
        const page = await subscriptions().list(queue, project, { marker, limit });
        all.push(...page.items);
        if (page.items.length === 0) return all;
        expect(page.next).to.equal(page.items[page.items.length - 1].id);
        marker = page.next;
      }
    };
    const ids = (items: readonly Subscription[]) => items.map((s) => s.id);
    /** The id of a successful create (fails the test on null). */
    const created = (id: string | null): string => {
      expect(id, 'create returned null').to.be.a('string').and.not.equal('');
      return id!;
    };

    beforeEach(async () => {
      await createQueue(fixture(), QUEUE, PROJECT);
      await createQueue(fixture(), OTHER_QUEUE, PROJECT);
    });

    describe('create and get', () => {
      it('creates an unconfirmed subscription and reads it back', async () => {
        const id = created(await subscribe(HOOK, { ttl: 600, options: { a: 1 } }));
        const subscription = await getHere(id);
        expect(subscription).to.deep.include({ id, source: QUEUE, subscriber: HOOK, ttl: 600, options: { a: 1 }, confirmed: false });
        expect(Object.keys(subscription).sort()).to.deep.equal(['age', 'confirmed', 'id', 'options', 'source', 'subscriber', 'ttl']);
        expect(subscription.age).to.be.within(0, 1);
        expect(await subscriptions().exists(QUEUE, id, PROJECT)).to.equal(true);
      });

      it('round-trips options JSON exactly: floats like 1.0, big integers, nested objects', async () => {
        const id = created(await subscribe(HOOK, { options: OPTIONS }));
        expect(dumpJson((await getHere(id)).options)).to.equal(dumpJson(OPTIONS));
        expect(dumpJson((await subscriptions().list(QUEUE, PROJECT)).items[0].options)).to.equal(dumpJson(OPTIONS));
        expect(dumpJson((await subscriptions().getWithSubscriber(QUEUE, HOOK, PROJECT))!.options)).to.equal(dumpJson(OPTIONS));
        const changed = { ...OPTIONS, extra: new JsonNumber('2.50'), ratio: new JsonNumber('3.0') };
        await subscriptions().update(QUEUE, id, PROJECT, { options: changed });
        expect(dumpJson((await getHere(id)).options)).to.equal(dumpJson(changed));
      });

      it('returns null for a subscriber the queue already has, and changes nothing', async () => {
        const id = created(await subscribe(HOOK, { ttl: 600, options: { first: true } }));
        expect(await subscribe(HOOK, { ttl: 900, options: { second: true } })).to.equal(null);
        expect(await getHere(id)).to.deep.include({ ttl: 600, options: { first: true } });
        expect(ids(await listAll())).to.deep.equal([id]);
      });

      it('accepts the same subscriber on another queue and in another project', async () => {
        const here = created(await subscribe(HOOK));
        const otherQueue = created(await subscribe(HOOK, { queue: OTHER_QUEUE }));
        await createQueue(fixture(), QUEUE, 'tenant-b');
        const otherProject = created(await subscribe(HOOK, { project: 'tenant-b' }));
        expect(new Set([here, otherQueue, otherProject]).size).to.equal(3);
        expect(await subscribe(HOOK, { queue: OTHER_QUEUE })).to.equal(null);
      });

      it('gives exactly one of ten racing creates of one subscriber an id (in a project and in the global namespace)', async () => {
        await createQueue(fixture(), QUEUE, null);
        const race = (project: Project) => Promise.all(Array.from({ length: 10 }, (_, i) => subscribe(HOOK, { options: { racer: i }, project })));
        const [results, global] = await Promise.all([race(PROJECT), race(null)]);
        const winners = results.filter((id) => id !== null);
        expect(winners).to.have.length(1);
        expect(ids(await listAll())).to.deep.equal(winners);
        const winner = results.indexOf(winners[0]);
        expect((await getHere(winners[0]!)).options).to.deep.equal({ racer: winner });
        expect(global.filter((id) => id !== null)).to.have.length(1);
        expect(await listAll(QUEUE, null)).to.have.length(1);
      });

      it('gives racing creates of different subscribers an id each', async () => {
        const results = await Promise.all(Array.from({ length: 10 }, (_, i) => subscribe(hook(i))));
        expect(results.every((id) => typeof id === 'string')).to.equal(true);
        expect(new Set(results).size).to.equal(10);
        expect(ids(await listAll()).sort()).to.deep.equal([...(results as string[])].sort());
      });

      it('throws SubscriptionDoesNotExist for unknown and malformed ids', async () => {
        await subscribe(HOOK);
        for (const id of UNKNOWN_IDS) {
          const err = await expectError(getHere(id), SubscriptionDoesNotExist);
          expect(err.message).to.equal(`Subscription ${id} does not exist`);
          expect(await subscriptions().exists(QUEUE, id, PROJECT), id).to.equal(false);
        }
      });

      it('finds a subscription by subscriber, or null', async () => {
        const id = created(await subscribe(HOOK, { options: { a: 1 } }));
        await subscribe(hook(2));
        expect(await subscriptions().getWithSubscriber(QUEUE, HOOK, PROJECT)).to.deep.include({ id, subscriber: HOOK, options: { a: 1 } });
        expect(await subscriptions().getWithSubscriber(QUEUE, hook(3), PROJECT)).to.equal(null);
        expect(await subscriptions().getWithSubscriber(OTHER_QUEUE, HOOK, PROJECT)).to.equal(null);
        expect(await subscriptions().getWithSubscriber(QUEUE, HOOK, 'tenant-b')).to.equal(null);
      });
    });

    describe('list', () => {
      it('is empty for a queue without subscriptions (and for an unknown queue)', async () => {
        expect(await subscriptions().list(QUEUE, PROJECT)).to.deep.equal({ items: [] });
        expect(await subscriptions().list('no-such-queue', PROJECT)).to.deep.equal({ items: [] });
      });

      it('pages over 25 subscriptions, 10 at a time, each exactly once, ascending by id', async () => {
        const made: string[] = [];
        for (let i = 0; i < 25; i++) made.push(created(await subscribe(hook(i))));
        const seen: string[] = [];
        const pages: number[] = [];
        let marker: string | undefined;
        for (;;) {
          const page = await subscriptions().list(QUEUE, PROJECT, { marker, limit: 10 });
          if (page.items.length === 0) {
            expect(page.next).to.equal(undefined);
            break;
          }
          pages.push(page.items.length);
          seen.push(...ids(page.items));
          expect(page.next).to.equal(page.items[page.items.length - 1].id);
          marker = page.next;
        }
        expect(pages).to.deep.equal([10, 10, 5]);
        expect(seen).to.have.length(25);
        expect(new Set(seen)).to.deep.equal(new Set(made));
        expect(seen).to.deep.equal([...seen].sort());
      });

      it('returns 10 by default, and starts after the marker (exclusive)', async () => {
        for (let i = 0; i < 15; i++) await subscribe(hook(i));
        const all = ids(await listAll());
        expect(ids((await subscriptions().list(QUEUE, PROJECT)).items)).to.deep.equal(all.slice(0, 10));
        expect(ids((await subscriptions().list(QUEUE, PROJECT, { marker: all[4], limit: 3 })).items)).to.deep.equal(all.slice(5, 8));
        expect(await subscriptions().list(QUEUE, PROJECT, { marker: all[14] })).to.deep.equal({ items: [] });
      });

      it('continues after a marker whose subscription was deleted meanwhile', async () => {
        for (let i = 0; i < 6; i++) await subscribe(hook(i));
        const all = ids(await listAll());
        await subscriptions().delete(QUEUE, all[2], PROJECT);
        expect(ids((await subscriptions().list(QUEUE, PROJECT, { marker: all[2] })).items)).to.deep.equal(all.slice(3));
      });

      it('lists what get returns', async () => {
        const id = created(await subscribe(HOOK, { ttl: 700, options: { k: 'v' } }));
        const [listed] = (await subscriptions().list(QUEUE, PROJECT)).items;
        const got = await getHere(id);
        expect({ ...listed, age: 0 }).to.deep.equal({ ...got, age: 0 });
      });
    });

    describe('update', () => {
      it('changes the given fields only; options are replaced whole', async () => {
        const id = created(await subscribe(HOOK, { ttl: 600, options: { a: 1, b: 2 } }));
        await subscriptions().update(QUEUE, id, PROJECT, { options: { c: 3 } });
        expect(await getHere(id)).to.deep.include({ subscriber: HOOK, ttl: 600, options: { c: 3 }, confirmed: false });
        await subscriptions().update(QUEUE, id, PROJECT, { subscriber: hook('new'), ttl: 900 });
        expect(await getHere(id)).to.deep.include({ subscriber: hook('new'), ttl: 900, options: { c: 3 } });
      });

      it('frees the old subscriber and takes the new one', async () => {
        const id = created(await subscribe(HOOK));
        await subscriptions().update(QUEUE, id, PROJECT, { subscriber: hook('new') });
        expect(await subscriptions().getWithSubscriber(QUEUE, HOOK, PROJECT)).to.equal(null);
        expect((await subscriptions().getWithSubscriber(QUEUE, hook('new'), PROJECT))?.id).to.equal(id);
        expect(await subscribe(hook('new'))).to.equal(null);
        created(await subscribe(HOOK));
      });

      it('refuses a subscriber another subscription of the queue has (SubscriptionAlreadyExists), changing nothing', async () => {
        const id = created(await subscribe(HOOK, { options: { mine: true } }));
        const other = created(await subscribe(hook(2)));
        await expectError(subscriptions().update(QUEUE, id, PROJECT, { subscriber: hook(2), options: { changed: true } }), SubscriptionAlreadyExists);
        expect(await getHere(id)).to.deep.include({ subscriber: HOOK, options: { mine: true } });
        expect((await getHere(other)).subscriber).to.equal(hook(2));
        // Its own subscriber, and one taken only on another queue, are fine.
        await subscriptions().update(QUEUE, id, PROJECT, { subscriber: HOOK });
        await subscribe(hook(3), { queue: OTHER_QUEUE });
        await subscriptions().update(QUEUE, id, PROJECT, { subscriber: hook(3) });
        expect((await getHere(id)).subscriber).to.equal(hook(3));
      });

      it('throws SubscriptionDoesNotExist for unknown and malformed ids, and for another queue', async () => {
        const id = created(await subscribe(HOOK));
        for (const unknown of UNKNOWN_IDS) {
          await expectError(subscriptions().update(QUEUE, unknown, PROJECT, { ttl: 100 }), SubscriptionDoesNotExist);
        }
        await expectError(subscriptions().update(OTHER_QUEUE, id, PROJECT, { ttl: 100 }), SubscriptionDoesNotExist);
        await expectError(subscriptions().update(QUEUE, id, 'tenant-b', { ttl: 100 }), SubscriptionDoesNotExist);
        expect((await getHere(id)).ttl).to.equal(TTL);
      });

      it('leaves the confirmation as it is', async () => {
        const id = created(await subscribe(HOOK));
        await subscriptions().confirm(QUEUE, id, PROJECT, true);
        await subscriptions().update(QUEUE, id, PROJECT, { subscriber: hook(2), ttl: 100, options: { x: 1 } });
        expect((await getHere(id)).confirmed).to.equal(true);
      });
    });

    describe('confirm', () => {
      it('sets and clears the flag', async () => {
        const id = created(await subscribe(HOOK));
        expect((await getHere(id)).confirmed).to.equal(false);
        await subscriptions().confirm(QUEUE, id, PROJECT, true);
        expect((await getHere(id)).confirmed).to.equal(true);
        expect((await subscriptions().list(QUEUE, PROJECT)).items[0].confirmed).to.equal(true);
        await subscriptions().confirm(QUEUE, id, PROJECT, false);
        expect((await getHere(id)).confirmed).to.equal(false);
      });

      it('throws SubscriptionDoesNotExist for unknown and malformed ids, and for another queue or project', async () => {
        const id = created(await subscribe(HOOK));
        for (const unknown of UNKNOWN_IDS) {
          await expectError(subscriptions().confirm(QUEUE, unknown, PROJECT, true), SubscriptionDoesNotExist);
        }
        await expectError(subscriptions().confirm(OTHER_QUEUE, id, PROJECT, true), SubscriptionDoesNotExist);
        await expectError(subscriptions().confirm(QUEUE, id, 'tenant-b', true), SubscriptionDoesNotExist);
        expect((await getHere(id)).confirmed).to.equal(false);
      });
    });

    describe('delete', () => {
      it('deletes idempotently; the subscriber can subscribe again', async () => {
        const id = created(await subscribe(HOOK));
        await subscriptions().delete(QUEUE, id, PROJECT);
        await subscriptions().delete(QUEUE, id, PROJECT);
        for (const unknown of UNKNOWN_IDS) await subscriptions().delete(QUEUE, unknown, PROJECT);
        await expectError(getHere(id), SubscriptionDoesNotExist);
        expect(await subscriptions().exists(QUEUE, id, PROJECT)).to.equal(false);
        expect(await listAll()).to.deep.equal([]);
        expect(await subscriptions().getWithSubscriber(QUEUE, HOOK, PROJECT)).to.equal(null);
        const again = created(await subscribe(HOOK));
        expect(again).to.not.equal(id);
      });

      it("never deletes through another queue or project", async () => {
        const id = created(await subscribe(HOOK));
        await subscriptions().delete(OTHER_QUEUE, id, PROJECT);
        await subscriptions().delete(QUEUE, id, 'tenant-b');
        await subscriptions().delete(QUEUE, id, null);
        expect((await getHere(id)).id).to.equal(id);
      });
    });

    describe('scoping', () => {
      it('keeps one queue name in different projects (and the global namespace) apart', async () => {
        const made = new Map<Project, string>();
        for (const project of PROJECTS) {
          await createQueue(fixture(), QUEUE, project);
          made.set(project, created(await subscribe(HOOK, { project, options: { owner: String(project) } })));
        }
        for (const project of PROJECTS) {
          const own = made.get(project)!;
          expect(ids(await listAll(QUEUE, project)), String(project)).to.deep.equal([own]);
          expect((await subscriptions().get(QUEUE, own, project)).options).to.deep.equal({ owner: String(project) });
          for (const other of PROJECTS.filter((p) => p !== project)) {
            await expectError(subscriptions().get(QUEUE, own, other), SubscriptionDoesNotExist);
            expect(await subscriptions().exists(QUEUE, own, other)).to.equal(false);
          }
        }
        await subscriptions().delete(QUEUE, made.get(PROJECT)!, PROJECT);
        expect(ids(await listAll(QUEUE, 'tenant-b'))).to.deep.equal([made.get('tenant-b')]);
        expect(ids(await listAll(QUEUE, null))).to.deep.equal([made.get(null)]);
      });

      it('keeps queues of one project apart', async () => {
        const here = created(await subscribe(HOOK));
        const there = created(await subscribe(hook(2), { queue: OTHER_QUEUE }));
        expect(ids(await listAll())).to.deep.equal([here]);
        expect(ids(await listAll(OTHER_QUEUE))).to.deep.equal([there]);
        await expectError(subscriptions().get(QUEUE, there, PROJECT), SubscriptionDoesNotExist);
        expect(await subscriptions().exists(QUEUE, there, PROJECT)).to.equal(false);
        expect((await subscriptions().get(OTHER_QUEUE, there, PROJECT)).source).to.equal(OTHER_QUEUE);
      });
    });

    describeWithClock(options, 'time: ttl, age and expiry', () => {
      const clock = useFakeClock();

      it('reports age in whole seconds', async () => {
        const id = created(await subscribe(HOOK));
        expect((await getHere(id)).age).to.equal(0);
        clock().tick(5.9 * SECOND);
        expect((await getHere(id)).age).to.equal(5);
        expect((await subscriptions().list(QUEUE, PROJECT)).items[0].age).to.equal(5);
      });

      it('makes a subscription disappear ttl seconds after its creation', async () => {
        const id = created(await subscribe(HOOK, { ttl: 60 }));
        const lasting = created(await subscribe(hook(2), { ttl: 600 }));
        clock().tick(59 * SECOND);
        expect((await getHere(id)).id).to.equal(id);
        clock().tick(1 * SECOND);
        await expectError(getHere(id), SubscriptionDoesNotExist);
        expect(await subscriptions().exists(QUEUE, id, PROJECT)).to.equal(false);
        expect(ids(await listAll())).to.deep.equal([lasting]);
        expect(await subscriptions().getWithSubscriber(QUEUE, HOOK, PROJECT)).to.equal(null);
        await expectError(subscriptions().update(QUEUE, id, PROJECT, { ttl: 600 }), SubscriptionDoesNotExist);
        await expectError(subscriptions().confirm(QUEUE, id, PROJECT, true), SubscriptionDoesNotExist);
      });

      it('lets the subscriber of an expired subscription subscribe again, and take it over by update', async () => {
        const expired = created(await subscribe(HOOK, { ttl: 60 }));
        const other = created(await subscribe(hook(2), { ttl: 60 }));
        const lasting = created(await subscribe(hook(3), { ttl: 600 }));
        clock().tick(60 * SECOND);
        const again = created(await subscribe(HOOK, { ttl: 60 }));
        expect(again).to.not.equal(expired);
        await subscriptions().update(QUEUE, lasting, PROJECT, { subscriber: hook(2) });
        expect((await getHere(lasting)).subscriber).to.equal(hook(2));
        await expectError(getHere(other), SubscriptionDoesNotExist);
        expect(ids(await listAll()).sort()).to.deep.equal([again, lasting].sort());
      });

      it('restarts the expiry clock when the ttl is updated, and only then', async () => {
        const renewed = created(await subscribe(HOOK, { ttl: 60 }));
        const touched = created(await subscribe(hook(2), { ttl: 60 }));
        clock().tick(50 * SECOND);
        await subscriptions().update(QUEUE, renewed, PROJECT, { ttl: 100 });
        await subscriptions().update(QUEUE, touched, PROJECT, { options: { touched: true }, subscriber: hook(3) });
        clock().tick(10 * SECOND);
        await expectError(getHere(touched), SubscriptionDoesNotExist);
        const subscription = await getHere(renewed);
        expect(subscription.ttl).to.equal(100);
        // Counted from creation or from the ttl change, as the store counts.
        expect([60, 10]).to.include(subscription.age);
        clock().tick(89 * SECOND);
        expect((await getHere(renewed)).id).to.equal(renewed);
        clock().tick(1 * SECOND);
        await expectError(getHere(renewed), SubscriptionDoesNotExist);
        expect(await listAll()).to.deep.equal([]);
      });

      it('keeps pages full when expired subscriptions sit among live ones', async () => {
        const lasting: string[] = [];
        for (let i = 0; i < 12; i++) {
          const id = created(await subscribe(hook(i), { ttl: i % 2 === 0 ? 60 : 600 }));
          if (i % 2 === 1) lasting.push(id);
        }
        clock().tick(60 * SECOND);
        const page = await subscriptions().list(QUEUE, PROJECT, { limit: 4 });
        expect(ids(page.items)).to.deep.equal([...lasting].sort().slice(0, 4));
        expect(ids(await listAll(QUEUE, PROJECT, 4)).sort()).to.deep.equal([...lasting].sort());
      });
    });
  });
}
