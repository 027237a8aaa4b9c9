/**
 * Long polling's idle cost, measured on a real server process: 1,000
 * requests waiting (?wait=20) on 1,000 queues, the server's CPU time over
 * 5 s read from /proc; then SIGTERM answers them all at once and the
 * server exits 0.
 */
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import * as http from 'node:http';
import { CLIENT_ID } from '../helpers/client';
import { startServer, type RunningServer } from '../helpers/server';
import { skipUnlessAvailable } from '../../tools/services/process';

/** User + system CPU seconds of a process (Linux /proc). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

describe('integration: 1,000 idle long-polling requests', function () {
  this.timeout(60_000);
  let server: RunningServer;
  before(async function () {
    skipUnlessAvailable(this, existsSync('/proc/self/stat') ? undefined : 'no /proc/PID/stat to read the server\'s CPU from (Linux only)');
    server = await startServer();
  });
  after(async () => server?.cleanup());

  it('cost almost no server CPU while idle, and are answered at once on SIGTERM', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 2000 });
    const answers = Array.from(
      { length: 1000 },
      (_, i) =>
        new Promise<number>((resolve, reject) => {
          const req = http.request(
            `${server.url}/v2/queues/idle-${i}/claims?wait=20`,
            { method: 'POST', agent, headers: { 'Client-ID': CLIENT_ID, 'X-Project-ID': 'idle', 'Content-Type': 'application/json' } },
            (res) => {
              res.resume();
              res.on('end', () => resolve(res.statusCode ?? 0));
            },
          );
          req.on('error', reject);
          req.end('{"ttl": 60, "grace": 60}');
        }),
    );
    await new Promise((r) => setTimeout(r, 3000)); // all waiting
    const pid = server.child.pid!;
    const before = cpuSeconds(pid);
    const started = Date.now();
    await new Promise((r) => setTimeout(r, 5000));
    const share = (cpuSeconds(pid) - before) / ((Date.now() - started) / 1000);
    console.log(`      server CPU with 1,000 idle waiters: ${(share * 100).toFixed(1)} % of one core`);
    expect(share).to.be.below(0.05);

    const stopped = Date.now();
    const exit = server.stop('SIGTERM');
    expect(new Set(await Promise.all(answers))).to.deep.equal(new Set([204]));
    expect(await exit).to.equal(0);
    expect(Date.now() - stopped).to.be.below(5000);
    agent.destroy();
  });
});
