import { expect } from 'chai';
import { QueueSettingsCache } from '../../../zaqar/api/operations/settings-cache';
import type { QueueMetadata } from '../../../zaqar/storage/interfaces';

describe('api/operations/settings-cache', () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => (clock = 1_000));

  function counting(values: (QueueMetadata | undefined)[]) {
    let calls = 0;
    return {
      load: () => Promise.resolve(values[Math.min(calls++, values.length - 1)]),
      get calls() {
        return calls;
      },
    };
  }

  it('keeps an existing queue\'s metadata for the configured time, then reads again', async () => {
    const cache = new QueueSettingsCache(1000, 100, now);
    const store = counting([{ a: 1 }, { a: 2 }]);
    expect(await cache.read('queue', 'q', 'p', store.load)).to.deep.equal({ a: 1 });
    clock += 999;
    expect(await cache.read('queue', 'q', 'p', store.load)).to.deep.equal({ a: 1 });
    expect(store.calls).to.equal(1);
    clock += 1;
    expect(await cache.read('queue', 'q', 'p', store.load)).to.deep.equal({ a: 2 });
    expect(store.calls).to.equal(2);
  });

  it('never keeps a missing queue, so a queue created elsewhere is seen at once', async () => {
    const cache = new QueueSettingsCache(1000, 100, now);
    const store = counting([undefined, { created: true }]);
    expect(await cache.read('queue', 'q', 'p', store.load)).to.equal(undefined);
    expect(await cache.read('queue', 'q', 'p', store.load)).to.deep.equal({ created: true });
  });

  it('forget() makes the next read go to the store; a read in flight when forgotten is not kept', async () => {
    const cache = new QueueSettingsCache(1000, 100, now);
    const store = counting([{ v: 1 }, { v: 2 }, { v: 3 }]);
    await cache.read('queue', 'q', 'p', store.load);
    cache.forget('queue', 'q', 'p');
    expect(await cache.read('queue', 'q', 'p', store.load)).to.deep.equal({ v: 2 });
    cache.forget('queue', 'q', 'p');
    let finish: (m: QueueMetadata) => void = () => undefined;
    const slow = cache.read('queue', 'q', 'p', () => new Promise((r) => (finish = r)));
    cache.forget('queue', 'q', 'p'); // e.g. a PATCH completed while this read was under way
    finish({ v: 'stale' });
    expect(await slow).to.deep.equal({ v: 'stale' });
    expect(await cache.read('queue', 'q', 'p', store.load)).to.deep.equal({ v: 3 });
  });

  it('shares one read among concurrent misses, and keeps queues, topics and projects apart', async () => {
    const cache = new QueueSettingsCache(1000, 100, now);
    const store = counting([{ x: 1 }]);
    await Promise.all([1, 2, 3].map(() => cache.read('queue', 'q', 'p', store.load)));
    expect(store.calls).to.equal(1);
    await cache.read('topic', 'q', 'p', store.load);
    await cache.read('queue', 'q', 'other', store.load);
    await cache.read('queue', 'q', null, store.load);
    expect(store.calls).to.equal(4);
  });

  it('reads every time with 0 seconds, does not keep a failed read, and holds at most `capacity` queues', async () => {
    const off = new QueueSettingsCache(0, 100, now);
    const store = counting([{}]);
    await off.read('queue', 'q', 'p', store.load);
    await off.read('queue', 'q', 'p', store.load);
    expect(store.calls).to.equal(2);

    const cache = new QueueSettingsCache(1000, 2, now);
    await cache.read('queue', 'q', 'p', () => Promise.reject(new Error('down'))).catch(() => undefined);
    const after = counting([{ ok: true }]);
    expect(await cache.read('queue', 'q', 'p', after.load)).to.deep.equal({ ok: true });
    const many = counting([{}]);
    for (const name of ['a', 'b', 'c']) await cache.read('queue', name, 'p', many.load);
    await cache.read('queue', 'a', 'p', many.load); // the oldest went when the third arrived
    expect(many.calls).to.equal(4);
  });
});
