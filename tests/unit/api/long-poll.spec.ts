/**
 * Long polling in the core: `wait` validation and the waiter hub (wake-ups,
 * deadline, bound, abort, shutdown, the store's signals listened to only
 * while someone waits).
 */
import { expect } from 'chai';
import { LongPollHub, longPoll } from '../../../zaqar/api/long-poll';
import { ValidationFailed, Validator } from '../../../zaqar/api/validation';
import { PostSignalHub } from '../../../zaqar/storage/signals';
import { LIMITS } from '../../helpers/limits';

describe('api/long-poll', () => {
  describe('wait validation', () => {
    const v = new Validator(LIMITS);
    it('accepts absent and integers 0..20', () => {
      for (const ok of [undefined, 0, 1, 20]) expect(() => v.longPollWait(ok), String(ok)).not.to.throw();
    });
    it('refuses 21, -1, 1.5 and NaN with one text', () => {
      for (const bad of [21, -1, 1.5, Number.NaN]) {
        expect(() => v.longPollWait(bad), String(bad)).to.throw(ValidationFailed, 'Wait must be at least 0 and may not be greater than 20.');
      }
    });
  });

  describe('hub', () => {
    const target = (wait: number, signal?: AbortSignal) => ({ project: 'p', queue: 'q', wait, signal });

    it('without wait: one attempt, no slot', async () => {
      const hub = new LongPollHub(10, undefined);
      let attempts = 0;
      const result = await longPoll(hub, target(0), async () => ++attempts, () => true);
      expect([result, attempts, hub.size]).to.deep.equal([1, 1, 0]);
    });

    it('a notify wakes every waiter of the queue, which try again', async () => {
      const hub = new LongPollHub(10, undefined, 60_000);
      let available = false;
      const attempt = async () => (available ? 'msg' : '');
      const started = Date.now();
      const waits = [longPoll(hub, target(10), attempt, (r) => r === ''), longPoll(hub, target(10), attempt, (r) => r === '')];
      await new Promise((r) => setTimeout(r, 20));
      expect(hub.size).to.equal(2);
      hub.notify('p', 'other'); // another queue: nothing
      available = true;
      hub.notify('p', 'q');
      expect(await Promise.all(waits)).to.deep.equal(['msg', 'msg']);
      expect(Date.now() - started).to.be.below(500);
      expect(hub.size).to.equal(0);
    });

    it('a post of n messages wakes n waiting claims, in turn, and every waiting listing', async () => {
      const hub = new LongPollHub(10, undefined, 60_000);
      const attempts = { c1: 0, c2: 0, c3: 0, list: 0 };
      let stop = false;
      const poll = (who: keyof typeof attempts, consumes: boolean) =>
        longPoll(hub, { ...target(10), consumes }, async () => (++attempts[who], stop ? 'end' : ''), (r) => r === '');
      const all = [poll('c1', true), poll('c2', true), poll('c3', true), poll('list', false)];
      const settle = () => new Promise((r) => setTimeout(r, 20));
      await settle();
      hub.notify('p', 'q', 1);
      await settle();
      expect(attempts).to.deep.equal({ c1: 2, c2: 1, c3: 1, list: 2 });
      hub.notify('p', 'q', 2); // the two that waited longest
      await settle();
      expect(attempts).to.deep.equal({ c1: 2, c2: 2, c3: 2, list: 3 });
      hub.notify('p', 'q', 1); // c1's turn again
      await settle();
      expect(attempts).to.deep.equal({ c1: 3, c2: 2, c3: 2, list: 4 });
      stop = true;
      hub.notify('p', 'q'); // a count not known (another process's post): everyone
      expect(await Promise.all(all)).to.deep.equal(['end', 'end', 'end', 'end']);
    });

    it('a post during an attempt is not missed', async () => {
      const hub = new LongPollHub(10, undefined, 60_000);
      let calls = 0;
      const attempt = async () => {
        calls++;
        if (calls === 1) hub.notify('p', 'q'); // lands while the first attempt runs
        return calls >= 2 ? 'msg' : '';
      };
      expect(await longPoll(hub, target(5), attempt, (r) => r === '')).to.equal('msg');
    });

    it('answers the empty result at the deadline', async () => {
      const hub = new LongPollHub(10, undefined, 60_000);
      const started = Date.now();
      expect(await longPoll(hub, target(1), async () => '', (r) => r === '')).to.equal('');
      expect(Date.now() - started).to.be.within(950, 1500);
    });

    it('bound reached: answers as wait=0', async () => {
      const hub = new LongPollHub(1, undefined, 60_000);
      const first = longPoll(hub, target(5), async () => '', (r) => r === '');
      const started = Date.now();
      await longPoll(hub, target(5), async () => '', (r) => r === '');
      expect(Date.now() - started).to.be.below(100);
      hub.close();
      await first;
    });

    it('abort and close end waits at once and free the slots', async () => {
      const hub = new LongPollHub(10, undefined, 60_000);
      const controller = new AbortController();
      const aborted = longPoll(hub, target(10, controller.signal), async () => '', (r) => r === '');
      const closed = longPoll(hub, target(10), async () => '', (r) => r === '');
      await new Promise((r) => setTimeout(r, 10));
      controller.abort();
      await aborted;
      expect(hub.size).to.equal(1);
      hub.close();
      await closed;
      expect(hub.size).to.equal(0);
      let attempts = 0;
      await longPoll(hub, target(10), async () => ++attempts, () => true);
      expect(attempts).to.equal(1);
    });

    it("listens to the store's signals only while someone waits; undefined wakes all", async () => {
      const states: boolean[] = [];
      const signals = new PostSignalHub((active) => states.push(active));
      const hub = new LongPollHub(10, signals, 60_000);
      let available = false;
      const wait = longPoll(hub, target(10), async () => (available ? 'x' : ''), (r) => r === '');
      await new Promise((r) => setTimeout(r, 10));
      expect(states).to.deep.equal([true]);
      available = true;
      signals.emit(undefined);
      expect(await wait).to.equal('x');
      expect(states).to.deep.equal([true, false]);
    });

    it('the periodic re-check wakes one waiter per queue', async () => {
      const hub = new LongPollHub(10, undefined, 50);
      let attempts = 0;
      const wait = longPoll(hub, target(1), async () => (++attempts >= 3 ? 'x' : ''), (r) => r === '');
      expect(await wait).to.equal('x');
    });

    it('the re-check visits at most the budget of queues per tick, in turn', async () => {
      const hub = new LongPollHub(10, undefined, 40, 1);
      const attempts: Record<string, number> = { a: 0, b: 0 };
      const wait = (queue: 'a' | 'b') =>
        longPoll(hub, { project: 'p', queue, wait: 1 }, async () => (++attempts[queue] >= 3 ? 'x' : ''), (r) => r === '');
      const started = Date.now();
      expect(await Promise.all([wait('a'), wait('b')])).to.deep.equal(['x', 'x']);
      // Two re-checks each, one queue per 40 ms tick: about 4 ticks.
      expect(Date.now() - started).to.be.within(120, 600);
    });
  });
});
