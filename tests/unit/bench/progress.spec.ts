import { expect } from 'chai';
import { formatProgress, LogHistogram, Progress } from '../../../tools/bench/progress';

describe('tools/bench/progress', () => {
  function fixture() {
    let t = 1000;
    const out: string[] = [];
    const progress = new Progress({ clock: () => t, write: (s) => out.push(s), intervalMs: 0, columns: 200 });
    return { progress, out, advance: (ms: number) => (t += ms) };
  }

  it('says setting up before the scenario drives, then marks the warm-up', () => {
    const { progress, advance } = fixture();
    progress.start('consumer');
    expect(progress.state().phase).to.equal('setup');
    expect(formatProgress(progress.state())).to.contain('setting up');
    progress.begin(2000, 10_000);
    advance(1500);
    const s = progress.state();
    expect(s.phase).to.equal('warm-up');
    expect(s.elapsedS).to.equal(1.5);
    expect(s.totalS).to.equal(12);
    expect(formatProgress(s)).to.match(/^consumer\s+warm-up\s+1\.5\/12 s/);
  });

  it('computes msgs/s over the measured part of the window only', () => {
    const { progress, advance } = fixture();
    progress.start('producer-b10');
    progress.begin(2000, 10_000);
    advance(2000); // warm-up over
    advance(4000); // 4 s measured
    progress.messages(10_000);
    progress.messages(2_000);
    const s = progress.state();
    expect(s.phase).to.equal('measuring');
    expect(s.msgsPerS).to.equal(3000);
    expect(formatProgress(s)).to.match(/6\.0\/12 s\s+3000 msgs\/s/);
  });

  it('stops the clock at the end of the window', () => {
    const { progress, advance } = fixture();
    progress.start('e2e');
    progress.begin(1000, 3000);
    advance(10_000);
    progress.messages(300);
    const s = progress.state();
    expect(s.phase).to.equal('done');
    expect(s.elapsedS).to.equal(4);
    expect(s.msgsPerS).to.equal(100);
  });

  it('reports p99 and errors, and shows - without samples', () => {
    const { progress, advance } = fixture();
    progress.start('producer-b1');
    progress.begin(0, 10_000);
    advance(1000);
    expect(formatProgress(progress.state())).to.contain('p99 - ms');
    for (let i = 1; i <= 100; i++) progress.latency(i === 100 ? 50 : 1);
    progress.error();
    progress.error();
    const s = progress.state();
    expect(s.p99Ms).to.be.within(0.98, 1.02);
    expect(s.errors).to.equal(2);
    expect(formatProgress(s)).to.match(/p99 1\.0\d ms {2}errors 2$/);
  });

  it('rewrites one line in place, cut to the terminal width, and clears it when stopped', () => {
    let t = 0;
    const out: string[] = [];
    const progress = new Progress({ clock: () => t, write: (s) => out.push(s), intervalMs: 0, columns: 40 });
    progress.start('producer-b1');
    progress.begin(0, 1000);
    t = 500;
    progress.render();
    expect(out[0].startsWith('\r')).to.equal(true);
    expect(out[0].endsWith('\x1b[K')).to.equal(true);
    expect(out[0]).not.to.contain('\n');
    expect(out[0].length).to.equal(1 + 39 + 3);
    progress.stop();
    expect(out[1]).to.equal('\r\x1b[K');
    progress.stop();
    expect(out).to.have.length(2); // nothing to clear twice
  });

  it('resets its counters per scenario', () => {
    const { progress, advance } = fixture();
    progress.start('a');
    progress.begin(0, 1000);
    advance(500);
    progress.messages(100);
    progress.error();
    progress.start('b');
    progress.begin(0, 1000);
    advance(500);
    const s = progress.state();
    expect(s.scenario).to.equal('b');
    expect(s.msgsPerS).to.equal(0);
    expect(s.errors).to.equal(0);
  });

  it('LogHistogram percentiles are within 2 % of the exact ones', () => {
    const h = new LogHistogram();
    expect(Number.isNaN(h.percentile(99))).to.equal(true);
    const samples = Array.from({ length: 1000 }, (_, i) => 0.5 + i * 0.25);
    for (const v of samples) h.add(v);
    expect(h.count).to.equal(1000);
    for (const [p, exact] of [
      [50, samples[499]],
      [99, samples[989]],
      [100, samples[999]],
    ]) {
      expect(h.percentile(p)).to.be.within(exact, exact * 1.02);
    }
  });
});
