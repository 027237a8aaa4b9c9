import { expect } from 'chai';
import { budget, formatBudget, type CpuProfile } from '../../../tools/bench/budget';

/** A profile from stacks (outermost first) with the µs each was sampled. */
function profileOf(stacks: [frames: [fn: string, url: string][], us: number][]): CpuProfile {
  const nodes: CpuProfile['nodes'] = [{ id: 1, callFrame: { functionName: '(root)', url: '' }, children: [] }];
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  for (const [frames, us] of stacks) {
    let parent = nodes[0];
    for (const [functionName, url] of frames) {
      const id = nodes.length + 1;
      const node = { id, callFrame: { functionName, url }, children: [] as number[] };
      parent.children!.push(id);
      nodes.push(node);
      parent = node;
    }
    samples.push(parent.id);
    timeDeltas.push(us);
  }
  return { nodes, samples, timeDeltas };
}

describe('bench/budget', () => {
  const redisWrite: [string, string][] = [['processImmediate', 'node:internal/timers'], ['write', 'file:///x/node_modules/@redis/client/dist/lib/client/socket.js'], ['writev', '']];
  const responseWrite: [string, string][] = [['serve', 'file:///x/dist/plugins/transport/wsgi/server.js'], ['writeResponse', 'file:///x/dist/plugins/transport/wsgi/response.js'], ['end', 'node:_http_outgoing'], ['writev', '']];

  it('charges each sample to the innermost part on its stack, leaving idle and start-up out', () => {
    const result = budget(
      profileOf([
        [redisWrite, 300],
        [responseWrite, 200],
        [[['serve', 'file:///x/dist/plugins/transport/wsgi/server.js'], ['packJson', 'file:///x/dist/plugins/storage/redis/codec.js']], 100],
        [[['(idle)', '']], 5000],
        [[['Module._load', 'node:internal/modules/cjs/loader'], ['compile', '']], 7000],
        [[['(garbage collector)', '']], 50],
        [[['runMicrotasks', '']], 50],
      ]),
      10,
    );
    const us = Object.fromEntries(result.lines.map((l) => [l.part, l.usPerRequest]));
    expect(us['storage (client, scripts, socket writes)']).to.equal(30);
    expect(us['response (render, socket write)']).to.equal(20);
    expect(us['JSON (parse, dump, MessagePack)']).to.equal(10);
    expect(us['garbage collection']).to.equal(5);
    expect(us['other (event loop, promises, runtime)']).to.equal(5);
    expect(result.totalUs).to.equal(70);
    expect(result.lines[0].part).to.match(/^storage/);
    expect(formatBudget(result)).to.contain('| **total** | **70.0** | |');
  });
});
