/**
 * What idle long-poll waiters cost a server: K concurrent claim requests
 * with `?wait=20` (each re-issued as soon as it returns) on empty queues of
 * a bench project, and the server's CPU use over the window as % of one
 * core (utime + stime from /proc/PID/stat, its descendants included, e.g.
 * cluster workers), plus its RSS. The queues are deleted afterwards.
 *
 *   node dist/tools/bench/idle-waiters.js --url URL --pid PID [--waiters 1000] [--duration 10]
 *        [--queues 10] [--wait 20] [--header "Name: value"]...
 *
 * A server without long polling answers an empty claim at once: after a
 * short settling time the tool checks that the requests are being held,
 * and if they are not it says "server does not hold long-poll requests"
 * and reports no CPU figure (it would measure a busy loop, not waiters).
 * One JSON line on stdout, a summary on stderr.
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client } from 'undici';
import { cpuBetween, processTree, treeCpu, treeRssMiB } from './proc';

const now = () => performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A claim that came back within this long was not held. */
export const EARLY_MS = 1000;

/** What the waiters saw over a stretch of time. */
export interface WaiterCounts {
  waiters: number;
  /** Claims answered (204 empty, or 201) in the stretch. */
  returns: number;
  /** Of those, answered within EARLY_MS of being sent. */
  early: number;
  /** Claims that failed (status other than 201/204, or a network error). */
  errors: number;
}

/**
 * Whether the server holds the requests: `held` when no more than a few
 * waiters' claims came back early (a message posted by someone else, a
 * restart), `not-held` when most waiters' claims did, `failing` when most
 * claims failed outright.
 */
export function holdVerdict(c: WaiterCounts): 'held' | 'not-held' | 'failing' {
  if (c.errors >= Math.max(1, c.waiters / 2)) return 'failing';
  if (c.early >= Math.max(1, c.waiters / 2)) return 'not-held';
  return 'held';
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      pid: { type: 'string' },
      waiters: { type: 'string', default: '1000' },
      duration: { type: 'string', default: '10' },
      queues: { type: 'string', default: '10' },
      wait: { type: 'string', default: '20' },
      settle: { type: 'string', default: '2' },
      header: { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || !values.url || !values.pid) {
    process.stderr.write('usage: idle-waiters.js --url URL --pid PID [--waiters 1000] [--duration 10] [--queues 10] [--wait 20] [--header "Name: value"]...\n');
    process.exit(values.help ? 0 : 2);
  }
  const url = values.url;
  const pid = Number(values.pid);
  const waiters = Number(values.waiters);
  const durationS = Number(values.duration);
  const queues = Math.max(1, Number(values.queues));
  const waitS = Number(values.wait);
  const settleMs = Number(values.settle) * 1000;
  if (processTree(pid).length === 0 || treeCpu(pid).size === 0) throw new Error(`no process ${pid} (--pid is the server's)`);
  const project = `bench-${randomUUID().slice(0, 8)}`;
  const headers: Record<string, string> = { 'x-project-id': project, 'content-type': 'application/json' };
  for (const line of values.header ?? []) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`--header wants "Name: value", got ${line}`);
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const queueName = (i: number) => `bench-idle-${i}`;
  const counts: WaiterCounts = { waiters, returns: 0, early: 0, errors: 0 };
  const statuses = new Map<string, number>();
  let stopping = false;
  const clients = Array.from({ length: waiters }, () => new Client(url, { keepAliveTimeout: 60_000, pipelining: 1, headersTimeout: (waitS + 30) * 1000 }));
  const loops = clients.map(async (client, i) => {
    const clientHeaders = { ...headers, 'client-id': randomUUID() };
    const path = `/v2/queues/${queueName(i % queues)}/claims?limit=1&wait=${waitS}`;
    while (!stopping) {
      const t = now();
      try {
        const res = await client.request({ method: 'POST', path, headers: clientHeaders, body: '{"ttl": 60, "grace": 60}' });
        await res.body.text();
        if (stopping) break;
        statuses.set(String(res.statusCode), (statuses.get(String(res.statusCode)) ?? 0) + 1);
        if (res.statusCode === 204 || res.statusCode === 201) {
          counts.returns++;
          if (now() - t < EARLY_MS) counts.early++;
        } else {
          counts.errors++;
          await sleep(100);
        }
      } catch (err) {
        if (stopping) break;
        counts.errors++;
        statuses.set((err as Error).name, (statuses.get((err as Error).name) ?? 0) + 1);
        await sleep(100);
      }
    }
  });
  process.stderr.write(`idle-waiters: ${waiters} claims with ?wait=${waitS} on ${queues} empty queues of ${project} against ${url} (server pid ${pid})\n`);
  let exitCode = 0;
  try {
    await sleep(settleMs);
    const settled = { ...counts };
    const verdict = holdVerdict(settled);
    const report: Record<string, unknown> = {
      tool: 'idle-waiters',
      url,
      pid,
      waiters,
      queues,
      wait_s: waitS,
      date: new Date().toISOString(),
      load: loadavg().map((l) => Math.round(l * 100) / 100),
      settle: { ...settled, statuses: Object.fromEntries(statuses) },
    };
    if (verdict !== 'held') {
      report.holding = false;
      const why =
        verdict === 'not-held'
          ? `server does not hold long-poll requests (${settled.early} of ${settled.returns} claims came back within ${EARLY_MS} ms in the first ${settleMs / 1000} s); no CPU figure`
          : `claims fail (${settled.errors} errors in the first ${settleMs / 1000} s: ${JSON.stringify(Object.fromEntries(statuses))}); no CPU figure`;
      report.verdict = why;
      process.stderr.write(`idle-waiters: ${why}\n`);
      exitCode = 3;
    } else {
      const before = { ...counts };
      const rssBefore = treeRssMiB(pid);
      const cpuBefore = treeCpu(pid);
      const t0 = now();
      await sleep(durationS * 1000);
      const cpuAfter = treeCpu(pid);
      const elapsedS = (now() - t0) / 1000;
      const rssAfter = treeRssMiB(pid);
      const cpuS = cpuBetween(cpuBefore, cpuAfter);
      const window: WaiterCounts = { waiters, returns: counts.returns - before.returns, early: counts.early - before.early, errors: counts.errors - before.errors };
      const pct = Math.round(((cpuS / elapsedS) * 100) * 10) / 10;
      Object.assign(report, {
        holding: holdVerdict(window) === 'held',
        window_s: Math.round(elapsedS * 100) / 100,
        processes: cpuAfter.size,
        server_cpu_s: Math.round(cpuS * 100) / 100,
        server_cpu_pct_of_core: pct,
        rss_mib_before: rssBefore ?? null,
        rss_mib_after: rssAfter ?? null,
        window: window,
      });
      const caveat =
        holdVerdict(window) === 'held'
          ? ''
          : `  (but ${window.early} claims came back early and ${window.errors} failed in the window: not a figure for idle waiters)`;
      process.stderr.write(
        `idle-waiters: ${waiters} held claims, ${elapsedS.toFixed(1)} s: server CPU ${pct} % of one core (${cpuS.toFixed(2)} s over ${cpuAfter.size} process${cpuAfter.size === 1 ? '' : 'es'}), ` +
          `RSS ${rssBefore} → ${rssAfter} MiB; ${window.returns} claims returned in the window (${window.early} early), ${window.errors} errors${caveat}\n`,
      );
    }
    process.stdout.write(JSON.stringify(report) + '\n');
  } finally {
    stopping = true;
    await Promise.all(clients.map((c) => c.destroy().catch(() => undefined)));
    await Promise.allSettled(loops);
    const cleanup = new Client(url);
    for (let q = 0; q < queues; q++) {
      try {
        const res = await cleanup.request({ method: 'DELETE', path: `/v2/queues/${queueName(q)}`, headers: { ...headers, 'client-id': randomUUID() } });
        await res.body.text();
      } catch (err) {
        process.stderr.write(`idle-waiters: deleting ${queueName(q)}: ${(err as Error).message}\n`);
      }
    }
    await cleanup.close();
  }
  process.exitCode = exitCode;
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`idle-waiters: ${(err as Error).stack}\n`);
    process.exit(1);
  });
}
