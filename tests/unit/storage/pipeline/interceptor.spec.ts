/**
 * Interceptors compose around a controller's methods: a stage may pass a
 * call on, change its arguments or result, or answer it itself; methods no
 * stage defines go straight through.
 */
import { expect } from 'chai';
import { intercept, type Interceptor } from '../../../../zaqar/storage/pipeline/interceptor';

class Counter {
  value = 0;
  add(n: number): number {
    this.value += n;
    return this.value;
  }
  read(): number {
    return this.value;
  }
}

describe('storage/pipeline/interceptor', () => {
  it('returns the target itself when no stage intercepts anything', () => {
    const counter = new Counter();
    expect(intercept(counter, [])).to.equal(counter);
    expect(intercept(counter, [undefined, {}])).to.equal(counter);
  });

  it('runs stages outermost first, each seeing the call before and the result after the next', () => {
    const trace: string[] = [];
    const stage = (name: string): Interceptor<Counter> => ({
      add(next, n) {
        trace.push(`${name} in ${n}`);
        const result = next(n);
        trace.push(`${name} out ${result}`);
        return result;
      },
    });
    const counter = intercept(new Counter(), [stage('a'), stage('b')]);
    expect(counter.add(2)).to.equal(2);
    expect(trace).to.deep.equal(['a in 2', 'b in 2', 'b out 2', 'a out 2']);
  });

  it('lets a stage change the arguments and the result', () => {
    const doubling: Interceptor<Counter> = { add: (next, n) => next(n * 2) + 1000 };
    const target = new Counter();
    const counter = intercept(target, [doubling]);
    expect(counter.add(3)).to.equal(1006);
    expect(target.value).to.equal(6);
  });

  it('lets a stage answer a call itself, so the target never sees it', () => {
    const target = new Counter();
    const counter = intercept(target, [{ add: () => -1 }]);
    expect(counter.add(5)).to.equal(-1);
    expect(target.value).to.equal(0);
  });

  it('passes methods no stage defines straight to the target, bound to it', () => {
    const target = new Counter();
    const counter = intercept(target, [{ add: (next, n) => next(n) }]);
    counter.add(4);
    expect(counter.read()).to.equal(4);
  });

  it('works with async methods', async () => {
    const target = { get: async (key: string) => `value of ${key}` };
    const upper: Interceptor<typeof target> = { get: async (next, key) => (await next(key)).toUpperCase() };
    expect(await intercept(target, [upper]).get('k')).to.equal('VALUE OF K');
  });
});
