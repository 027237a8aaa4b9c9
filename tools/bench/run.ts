/**
 * zaqar-ts benchmark: producer, consumer and end-to-end figures for any
 * Zaqar v2 server (ours on any backend, or the reference).
 *
 *   node dist/tools/bench/run.js --url http://127.0.0.1:8888 [options]
 *   node dist/tools/bench/run.js --start-server [--config-file extra.conf]
 *   node dist/tools/bench/run.js --url URL --header "X-Auth-Token: $TOKEN"   (a server behind Keystone)
 *
 * --start-server runs our server on the embedded SQLite store in a temporary
 * folder (plus any --config-file layered on top, e.g. to select Redis).
 * Prints a table on stderr and one JSON line per scenario on stdout; with
 * --pid (or --start-server) the server's resident memory after each
 * scenario is included. --subscriber URI subscribes every benchmark queue
 * to URI first (`blackhole`: a subscriber in this process that accepts
 * connections and never answers), to measure posting with notifications.
 *
 * When stderr is a terminal, a progress line per scenario is rewritten in
 * place (progress.ts). --json-out FILE writes the whole run (settings and
 * every scenario's result) as one JSON document; stdout is unchanged.
 * --wait N: claims long-poll (`?wait=N`), no back-off after an empty claim.
 *
 * WebSocket mode: the `ws-*` scenarios (ws-producer-bN, ws-consumer,
 * ws-push; ws-scenarios.ts) talk to `--ws-url`; with --start-server and a
 * `ws-*` scenario the server runs both transports and the notifier stage
 * (`transport = wsgi, websocket`), and the WebSocket URL is read from its log.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, hostname, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { createServer, type Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { consumer, endToEnd, producer, queueName, type BenchOptions, type ScenarioResult } from './scenarios';
import { wsConsumer, wsProducer, wsPush } from './ws-scenarios';
import { cpuBetween, processTree, rssMiB, treeCpu } from './proc';
import { Progress } from './progress';

const ROOT = path.resolve(__dirname, '..', '..', '..');

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    'ws-url': { type: 'string' },
    'start-server': { type: 'boolean', default: false },
    'config-file': { type: 'string', multiple: true, default: [] },
    header: { type: 'string', multiple: true, default: [] },
    pid: { type: 'string' },
    scenarios: { type: 'string', default: 'producer-b1,producer-b10,consumer,e2e' },
    conns: { type: 'string', default: '16' },
    queues: { type: 'string', default: '4' },
    warmup: { type: 'string', default: '2' },
    duration: { type: 'string', default: '10' },
    'body-bytes': { type: 'string', default: '256' },
    rate: { type: 'string', default: '1000' },
    subscriber: { type: 'string' },
    wait: { type: 'string', default: '0' },
    'json-out': { type: 'string' },
    store: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

/** With a WebSocket scenario: both transports, and the notifier stage that feeds ws-push. */
const WEBSOCKET_CONFIG =
  `[drivers]\ntransport = wsgi, websocket\n[drivers:transport:websocket]\nbind = 127.0.0.1\nport = 0\nnotification_bind = 127.0.0.1\n` +
  `[storage]\nmessage_pipeline = zaqar.notification.notifier\n`;

async function startServer(extraConfigs: string[], websocket: boolean): Promise<{ url: string; wsUrl?: string; child: ChildProcess; dir: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'zaqar-ts-bench-'));
  const config = path.join(dir, 'zaqar.conf');
  writeFileSync(
    config,
    `[drivers]\ntransport = wsgi\nmessage_store = sqlite\nmanagement_store = sqlalchemy\n` +
      `[drivers:transport:wsgi]\nbind = 127.0.0.1\nport = 0\n` +
      `[drivers:message_store:sqlite]\nuri = sqlite:///${dir}/messages.sqlite\n` +
      `[drivers:management_store:sqlalchemy]\nuri = sqlite:///${dir}/management.sqlite\n` +
      (websocket ? WEBSOCKET_CONFIG : ''),
  );
  const args = [path.join(ROOT, 'bin', 'zaqar-server.js'), '--config-file', config];
  for (const extra of extraConfigs) args.push('--config-file', extra);
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${stderr}`)));
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      stderr += chunk;
      const m = /Serving on http:\/\/[^:"]+:(\d+)/.exec(stderr);
      const ws = /Serving on ws:\/\/[^:"]+:(\d+)/.exec(stderr);
      if (m && (!websocket || ws)) resolve(`http://127.0.0.1:${m[1]}`);
    });
  });
  child.removeAllListeners('exit');
  const ws = /Serving on ws:\/\/[^:"]+:(\d+)/.exec(stderr);
  return { url, wsUrl: ws ? `ws://127.0.0.1:${ws[1]}` : undefined, child, dir };
}

function format(r: ScenarioResult & { rss_mib?: number; server_cpu_us_per_req?: number }): string {
  const l = r.latency_ms;
  const e2e = r.e2e_ms ? `  e2e p50 ${r.e2e_ms.p50.toFixed(1)} p99 ${r.e2e_ms.p99.toFixed(1)} ms` : '';
  const rss = r.rss_mib !== undefined ? `  rss ${r.rss_mib} MiB (largest process)` : '';
  const cpu = r.server_cpu_us_per_req !== undefined ? `  server cpu ${r.server_cpu_us_per_req} us/req` : '';
  return (
    `${r.scenario.padEnd(13)} ${r.msgs_per_s.toFixed(0).padStart(7)} msgs/s ${r.req_per_s.toFixed(0).padStart(7)} req/s` +
    `  req p50 ${l.p50.toFixed(1)} p99 ${l.p99.toFixed(1)} ms  errors ${r.errors}${e2e}${rss}${cpu}`
  );
}

/** A webhook subscriber that accepts connections and never answers (nor reads); closed by the returned function. */
async function blackhole(): Promise<{ uri: string; close: () => void }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.pause();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    uri: `http://127.0.0.1:${port}/`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

/** Subscribes each queue `scenario` uses to `subscriber`. */
async function subscribeQueues(options: BenchOptions, scenario: string, subscriber: string): Promise<void> {
  for (let i = 0; i < options.queues; i++) {
    const reply = await fetch(`${options.url}/v2/queues/${queueName(i, scenario)}/subscriptions`, {
      method: 'POST',
      headers: { 'Client-ID': randomUUID(), 'X-Project-ID': options.project, 'Content-Type': 'application/json' },
      body: JSON.stringify({ subscriber, ttl: 3600 }),
    });
    if (reply.status !== 201) throw new Error(`subscribing ${queueName(i, scenario)}: ${reply.status} ${await reply.text()}`);
  }
}

/** The commit of this checkout (with `-dirty` when it has changes), if git can tell. */
function gitCommit(): string | undefined {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${commit}-dirty` : commit;
  } catch {
    return undefined;
  }
}

/** --start-server: the message store the layered config files select (the last `message_store =` wins), sqlite by default. */
function storeOf(extraConfigs: string[]): string {
  let store = 'sqlite';
  for (const file of extraConfigs) {
    try {
      for (const m of readFileSync(file, 'utf8').matchAll(/^\s*message_store\s*=\s*(\S+)/gm)) store = m[1];
    } catch {
      // the server reports an unreadable config file itself
    }
  }
  return store;
}

/** The settings part of the --json-out document. */
function runSettings(options: BenchOptions, store: string | undefined, durationS: number): Record<string, unknown> {
  return {
    tool: 'zaqar-ts tools/bench/run.js',
    date: new Date().toISOString(),
    url: options.url,
    store: store ?? null,
    conns: options.conns,
    queues: options.queues,
    warmup_s: options.warmupMs / 1000,
    duration_s: Math.min(durationS, 60),
    body_bytes: options.bodyBytes,
    rate: options.rate,
    wait_s: options.waitS ?? 0,
    subscriber: values.subscriber ?? null,
    git_commit: gitCommit() ?? null,
    machine: { hostname: hostname(), cores: cpus().length, cpu_model: cpus()[0]?.model ?? null, load: loadavg().map((l) => Math.round(l * 100) / 100) },
    node: process.version,
  };
}

async function main(): Promise<void> {
  if (values.help || (!values.url && !values['start-server'])) {
    process.stderr.write(
      'usage: run.js (--url URL [--ws-url WS_URL] | --start-server [--config-file F]...) [--header "Name: value"]... [--scenarios a,b] [--conns N] [--duration S]\n' +
        '  [--wait N] [--json-out FILE] [--store NAME] [--pid PID] [--subscriber URI|blackhole]\n' +
        '  scenarios: producer-bN, consumer, e2e (HTTP); ws-producer-bN, ws-consumer, ws-push (WebSocket)\n',
    );
    process.exit(values.help ? 0 : 2);
  }
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  const scenarios = (values.scenarios as string).split(',');
  if (values['start-server']) server = await startServer(values['config-file'] ?? [], scenarios.some((s) => s.startsWith('ws-')));
  const url = server?.url ?? (values.url as string);
  const wsUrl = server?.wsUrl ?? values['ws-url'];
  const pid = server?.child.pid ?? (values.pid ? Number(values.pid) : undefined);
  const headers: Record<string, string> = {};
  for (const line of values.header ?? []) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`--header wants "Name: value", got ${line}`);
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const options: BenchOptions = {
    url,
    headers,
    project: `bench-${randomUUID().slice(0, 8)}`,
    conns: Number(values.conns),
    queues: Number(values.queues),
    warmupMs: Number(values.warmup) * 1000,
    durationMs: Math.min(Number(values.duration), 60) * 1000,
    bodyBytes: Number(values['body-bytes']),
    rate: Number(values.rate),
    waitS: Number(values.wait),
  };
  if (!Number.isInteger(options.waitS) || options.waitS! < 0 || options.waitS! > 20) throw new Error(`--wait wants 0-20 seconds, got ${values.wait}`);
  const progress = process.stderr.isTTY ? new Progress({ columns: process.stderr.columns || 120 }) : undefined;
  options.meter = progress;
  const settings = runSettings(options, values.store ?? (server ? storeOf(values['config-file'] ?? []) : undefined), Number(values.duration));
  const results: unknown[] = [];
  process.stderr.write(`benchmark against ${url}: ${options.conns} connections, ${options.queues} queues, ${values.duration}s per scenario\n`);
  const hole = values.subscriber === 'blackhole' ? await blackhole() : undefined;
  const subscriber = hole?.uri ?? values.subscriber;
  try {
    for (const name of scenarios) {
      if (name.startsWith('ws-') && wsUrl === undefined) throw new Error(`${name} needs --ws-url (or --start-server)`);
      if (subscriber !== undefined) await subscribeQueues(options, name, subscriber);
      progress?.start(name);
      const cpuBefore = pid ? treeCpu(pid) : undefined;
      const started = Date.now();
      let result: ScenarioResult;
      if (name.startsWith('producer-b')) result = await producer(options, Number(name.slice('producer-b'.length)));
      else if (name === 'consumer') result = await consumer(options);
      else if (name === 'e2e') result = await endToEnd(options);
      else if (name.startsWith('ws-producer-b')) result = await wsProducer(options, wsUrl!, Number(name.slice('ws-producer-b'.length)));
      else if (name === 'ws-consumer') result = await wsConsumer(options, wsUrl!);
      else if (name === 'ws-push') result = await wsPush(options, wsUrl!);
      else throw new Error(`unknown scenario ${name}`);
      progress?.stop();
      // Server CPU per request over the whole scenario (warm-up included), a
      // figure that other load on the machine disturbs far less than throughput.
      // With cluster workers (`workers = N`) the server is the primary and its children: CPU is theirs summed, RSS the largest process's.
      const cpuAfter = pid ? treeCpu(pid) : undefined;
      const elapsed = (Date.now() - started) / 1000;
      const requests = result.req_per_s * elapsed;
      const cpuPerRequest =
        cpuBefore !== undefined && cpuAfter !== undefined && requests > 0
          ? Math.round((cpuBetween(cpuBefore, cpuAfter) * 1e6) / requests)
          : undefined;
      const rss = pid ? Math.max(...processTree(pid).map((p) => rssMiB(p) ?? 0)) : undefined;
      const withRss = { ...result, rss_mib: rss, server_cpu_us_per_req: cpuPerRequest };
      process.stdout.write(JSON.stringify(withRss) + '\n');
      process.stderr.write(format(withRss) + '\n');
      results.push(withRss);
    }
    if (values['json-out']) {
      const document = { ...settings, finished: new Date().toISOString(), load_after: loadavg().map((l) => Math.round(l * 100) / 100), results };
      writeFileSync(values['json-out'], JSON.stringify(document, null, 2) + '\n');
      process.stderr.write(`results written to ${values['json-out']}\n`);
    }
  } finally {
    progress?.stop();
    hole?.close();
    if (server) {
      server.child.kill('SIGTERM');
      rmSync(server.dir, { recursive: true, force: true });
    }
  }
}

main().catch((err) => {
  process.stderr.write(`bench: ${(err as Error).stack}\n`);
  process.exit(1);
});
