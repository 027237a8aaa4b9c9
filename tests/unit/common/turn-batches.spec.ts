import { expect } from 'chai';
import { TurnBatches } from '../../../zaqar/common/turn-batches';

describe('common/turn-batches', () => {
  it('runs the calls of one turn once per key, with what each call added', async () => {
    const runs: { key: string; items: number[] }[] = [];
    const batches = new TurnBatches<{ key: string; items: number[] }>(async (group) => {
      runs.push(group);
    });
    const add = (key: string, n: number) => batches.add(key, () => ({ key, items: [n] }), (group) => group.items.push(n));
    await Promise.all([add('a', 1), add('b', 2), add('a', 3)]);
    expect(runs).to.deep.equal([
      { key: 'a', items: [1, 3] },
      { key: 'b', items: [2] },
    ]);
    await add('a', 4);
    expect(runs).to.have.length(3);
    expect(runs[2]).to.deep.equal({ key: 'a', items: [4] });
  });

  it("settles every caller of a group with that group's outcome", async () => {
    const batches = new TurnBatches<string>(async (key) => {
      if (key === 'bad') throw new Error('store down');
    });
    const results = await Promise.allSettled([
      batches.add('bad', () => 'bad', () => undefined),
      batches.add('good', () => 'good', () => undefined),
      batches.add('bad', () => 'bad', () => undefined),
    ]);
    expect(results.map((r) => r.status)).to.deep.equal(['rejected', 'fulfilled', 'rejected']);
  });
});
