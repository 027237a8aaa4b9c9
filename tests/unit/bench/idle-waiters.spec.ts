import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { holdVerdict } from '../../../tools/bench/idle-waiters';
import { cpuBetween, processTree, treeCpu, treeRssMiB } from '../../../tools/bench/proc';

describe('tools/bench/idle-waiters', () => {
  it('tells held claims from a server that answers at once or fails', () => {
    expect(holdVerdict({ waiters: 1000, returns: 0, early: 0, errors: 0 })).to.equal('held');
    expect(holdVerdict({ waiters: 1000, returns: 3, early: 3, errors: 1 })).to.equal('held');
    expect(holdVerdict({ waiters: 1000, returns: 9000, early: 9000, errors: 0 })).to.equal('not-held');
    expect(holdVerdict({ waiters: 1, returns: 1, early: 1, errors: 0 })).to.equal('not-held');
    expect(holdVerdict({ waiters: 1000, returns: 0, early: 0, errors: 5000 })).to.equal('failing');
  });

  it('reads a process tree, its CPU and RSS from /proc', async () => {
    const child = spawn('sleep', ['5'], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 100));
      const tree = processTree(process.pid);
      expect(tree[0]).to.equal(process.pid);
      expect(tree).to.include(child.pid);
      const before = treeCpu(process.pid);
      expect(before.get(process.pid)).to.be.a('number');
      expect(treeRssMiB(process.pid)).to.be.greaterThan(1);
      expect(processTree(2 ** 22 + 12345)).to.deep.equal([2 ** 22 + 12345]);
      expect(treeCpu(2 ** 22 + 12345).size).to.equal(0);
    } finally {
      child.kill();
    }
  });

  it('counts all the CPU of a process born between two readings', () => {
    expect(cpuBetween(new Map([[1, 2]]), new Map([[1, 2.5], [7, 0.25]]))).to.equal(0.75);
  });
});
