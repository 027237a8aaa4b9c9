import { expect } from 'chai';
import { waitParameter, type BenchOptions } from '../../../tools/bench/scenarios';

describe('tools/bench --wait', () => {
  const options = (waitS?: number): BenchOptions => ({ url: 'http://x', project: 'p', conns: 1, queues: 1, warmupMs: 0, durationMs: 1000, bodyBytes: 10, rate: 1, waitS });

  it('sends no wait parameter by default or with --wait 0 (the requests of before)', () => {
    expect(waitParameter(options())).to.equal('');
    expect(waitParameter(options(0))).to.equal('');
  });

  it('asks the server to hold claims, not much past the end of the window', () => {
    expect(waitParameter(options(20))).to.equal('&wait=20');
    expect(waitParameter(options(20), 60_000)).to.equal('&wait=20');
    expect(waitParameter(options(20), 2_500)).to.equal('&wait=3');
    expect(waitParameter(options(20), 10)).to.equal('&wait=1');
    expect(waitParameter(options(20), -500)).to.equal('&wait=1');
  });
});
