/**
 * What pooling costs: the benchmark (run.ts) against two of our servers on
 * one redis-server, in one run —
 *
 * - plain:  message store and management store on that Redis, no pooling;
 * - pooled: the same, with `[DEFAULT] pooling = true` and one pool
 *           registered on that Redis (every queue is placed on it).
 *
 *   node dist/tools/bench/pooling.js [--rounds 2] [--scenarios producer-b1,consumer] [--duration 10] [--cpu-prof DIR]
 *
 * Both servers run throughout; the benchmark alternates between them (the
 * order flips every round so neither always runs on a fresher Redis), with
 * a fresh project each time. Prints each run's line (run.ts's figures:
 * msgs/s, server CPU µs per request) and, per scenario, the means and the
 * cost of pooling; the JSON summary goes to stdout. `--cpu-prof DIR`
 * runs both servers under `node --cpu-prof` (one .cpuprofile each in DIR,
 * written when they stop). Needs redis-server
 * (tools/services/redis.ts). Not a test: run it on a quiet machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { RedisServer } from '../services/redis';

const ROOT = path.resolve(__dirname, '..', '..', '..');

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '2' },
    scenarios: { type: 'string', default: 'producer-b1,consumer' },
    duration: { type: 'string', default: '10' },
    conns: { type: 'string', default: '16' },
    'cpu-prof': { type: 'string' },
  },
});

type Mode = 'plain' | 'pooled';

interface Server {
  mode: Mode;
  url: string;
  child: ChildProcess;
}

interface RunLine {
  scenario: string;
  msgs_per_s: number;
  req_per_s: number;
  errors: number;
  server_cpu_us_per_req?: number;
  rss_mib?: number;
}

function config(redisUri: string, pooling: boolean): string {
  return `[DEFAULT]
admin_mode = true
pooling = ${pooling}

[drivers]
transport = wsgi
message_store = redis
management_store = redis

[drivers:transport:wsgi]
bind = 127.0.0.1
port = 0

[drivers:message_store:redis]
uri = ${redisUri}

[drivers:management_store:redis]
uri = ${redisUri}
`;
}

async function startServer(mode: Mode, dir: string, redisUri: string): Promise<Server> {
  const file = path.join(dir, `${mode}.conf`);
  writeFileSync(file, config(redisUri, mode === 'pooled'));
  const profile = values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(values['cpu-prof']), '--cpu-prof-name', `${mode}.cpuprofile`] : [];
  const child = spawn(process.execPath, [...profile, path.join(ROOT, 'bin', 'zaqar-server.js'), '--config-file', file], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}:\n${stderr}`)));
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      if (stderr.length < 100_000) stderr += chunk;
      const m = /Serving on http:\/\/[^:"]+:(\d+)/.exec(stderr);
      if (m) resolve(`http://127.0.0.1:${m[1]}`);
    });
  });
  child.removeAllListeners('exit');
  return { mode, url, child };
}

/** Registers the one pool (the same Redis) on the pooled server. */
async function registerPool(server: Server, redisUri: string): Promise<void> {
  const res = await fetch(`${server.url}/v2/pools/bench`, {
    method: 'PUT',
    headers: { 'Client-ID': '3381af92-2b9e-11e3-b191-71861300734c', 'X-Project-ID': 'bench-admin', 'X-Roles': 'admin', 'Content-Type': 'application/json' },
    body: JSON.stringify({ uri: redisUri, weight: 100 }),
  });
  if (res.status !== 201) throw new Error(`PUT /v2/pools/bench: ${res.status} ${await res.text()}`);
}

/** One benchmark run (run.ts as its own process) against `server`; its JSON lines. */
function bench(server: Server): Promise<RunLine[]> {
  const args = [
    path.join(ROOT, 'dist', 'tools', 'bench', 'run.js'),
    '--url', server.url,
    '--pid', String(server.child.pid),
    '--scenarios', values.scenarios as string,
    '--duration', values.duration as string,
    '--conns', values.conns as string,
  ];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('close', (code) => {
      if (code !== 0) reject(new Error(`bench against ${server.mode} failed (${code}):\n${stderr}`));
      else resolve(stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as RunLine));
    });
  });
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'zaqar-ts-bench-pooling-'));
  const redis = await RedisServer.start();
  const servers: Server[] = [];
  try {
    const plain = await startServer('plain', dir, redis.uri());
    servers.push(plain);
    const pooled = await startServer('pooled', dir, redis.uri());
    servers.push(pooled);
    await registerPool(pooled, redis.uri());
    process.stderr.write(`redis-server on ${redis.uri()}; plain ${plain.url} (pid ${plain.child.pid}), pooled ${pooled.url} (pid ${pooled.child.pid})\n`);

    const results: Record<Mode, RunLine[]> = { plain: [], pooled: [] };
    const rounds = Number(values.rounds);
    for (let round = 1; round <= rounds; round++) {
      for (const server of round % 2 === 1 ? [plain, pooled] : [pooled, plain]) {
        const lines = await bench(server);
        for (const line of lines) {
          results[server.mode].push(line);
          process.stderr.write(
            `round ${round} ${server.mode.padEnd(6)} ${line.scenario.padEnd(12)} ${line.msgs_per_s.toFixed(0).padStart(7)} msgs/s ` +
              `${String(line.server_cpu_us_per_req ?? '?').padStart(5)} us/req server CPU  rss ${line.rss_mib ?? '?'} MiB  errors ${line.errors}\n`,
          );
        }
      }
    }

    const summary: Record<string, unknown> = {};
    for (const scenario of (values.scenarios as string).split(',')) {
      const of = (mode: Mode) => results[mode].filter((line) => line.scenario === scenario);
      const figures = (mode: Mode) => ({
        msgs_per_s: Math.round(mean(of(mode).map((l) => l.msgs_per_s))),
        server_cpu_us_per_req: Math.round(mean(of(mode).map((l) => l.server_cpu_us_per_req ?? NaN))),
        median_msgs_per_s: Math.round(median(of(mode).map((l) => l.msgs_per_s))),
        median_server_cpu_us_per_req: Math.round(median(of(mode).map((l) => l.server_cpu_us_per_req ?? NaN))),
        runs: of(mode).map((l) => Math.round(l.msgs_per_s)),
        cpu_runs: of(mode).map((l) => l.server_cpu_us_per_req),
        errors: of(mode).reduce((sum, l) => sum + l.errors, 0),
      });
      const [p, q] = [figures('plain'), figures('pooled')];
      const throughputCost = (p.msgs_per_s - q.msgs_per_s) / p.msgs_per_s;
      const cpuCost = (q.server_cpu_us_per_req - p.server_cpu_us_per_req) / p.server_cpu_us_per_req;
      const medianThroughputCost = (p.median_msgs_per_s - q.median_msgs_per_s) / p.median_msgs_per_s;
      const medianCpuCost = (q.median_server_cpu_us_per_req - p.median_server_cpu_us_per_req) / p.median_server_cpu_us_per_req;
      summary[scenario] = { plain: p, pooled: q, throughput_cost: throughputCost, cpu_cost: cpuCost, median_throughput_cost: medianThroughputCost, median_cpu_cost: medianCpuCost };
      process.stderr.write(
        `${scenario.padEnd(12)} means: plain ${p.msgs_per_s} msgs/s ${p.server_cpu_us_per_req} us/req | pooled ${q.msgs_per_s} msgs/s ${q.server_cpu_us_per_req} us/req | ` +
          `pooling costs ${pct(throughputCost)} throughput, ${pct(cpuCost)} server CPU per request\n` +
          `${''.padEnd(12)} medians: plain ${p.median_msgs_per_s} msgs/s ${p.median_server_cpu_us_per_req} us/req | pooled ${q.median_msgs_per_s} msgs/s ${q.median_server_cpu_us_per_req} us/req | ` +
          `pooling costs ${pct(medianThroughputCost)} throughput, ${pct(medianCpuCost)} server CPU per request\n`,
      );
    }
    process.stdout.write(JSON.stringify(summary) + '\n');
  } finally {
    // Stopped and waited for (a profiled server writes its profile as it exits).
    await Promise.all(
      servers.map((server) => new Promise((resolve) => {
        server.child.once('exit', resolve);
        server.child.kill('SIGTERM');
      })),
    );
    await redis.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`bench-pooling: ${(err as Error).stack}\n`);
  process.exit(1);
});
