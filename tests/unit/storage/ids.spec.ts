import { expect } from 'chai';
import * as sinon from 'sinon';
import { isWellFormedId, newId, newOrderedId } from '../../../zaqar/storage/ids';

describe('storage ids', () => {
  afterEach(() => sinon.restore());

  it('newId issues well-formed random UUID4s', () => {
    const id = newId();
    expect(isWellFormedId(id)).to.equal(true);
    expect(id[14]).to.equal('4');
  });

  it('newOrderedId issues well-formed UUID7s carrying the time', () => {
    const before = Date.now();
    const id = newOrderedId();
    expect(isWellFormedId(id)).to.equal(true);
    expect(id[14]).to.equal('7');
    expect('89ab').to.include(id[19]);
    const ms = parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
    expect(ms).to.be.at.least(before);
  });

  it('newOrderedId ids sort in issue order, within a millisecond, past the 4,096-per-millisecond sequence and when the clock steps back', () => {
    // A frozen clock near now (the generator's state outlives the stub, so the real clock catches up at once).
    const now = Date.now();
    const clock = sinon.stub(Date, 'now').returns(now);
    const ids: string[] = [];
    for (let i = 0; i < 5000; i++) ids.push(newOrderedId());
    clock.returns(now - 1000);
    for (let i = 0; i < 10; i++) ids.push(newOrderedId());
    expect(new Set(ids).size).to.equal(ids.length);
    expect([...ids].sort()).to.deep.equal(ids);
    expect(ids.every(isWellFormedId)).to.equal(true);
  });
});
