/**
 * `[drivers:transport:wsgi] workers`: one port served by several worker
 * processes (node:cluster) on one SQLite store, replacement of a killed
 * worker, a crash loop that stops the primary, graceful SIGTERM with a
 * request in flight, and the option's configuration errors.
 *
 * Which process answered is read from the access log (`debug = true`: one
 * `request` line per request, carrying pino's `pid`), and the workers are
 * the primary's children as /proc lists them — no header says it.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import * as path from 'node:path';
import { CLIENT_ID } from '../helpers/client';
import { baseConfig, ROOT, SERVER_BIN, startServer, type RunningServer } from '../helpers/server';
import { BOTH_TRANSPORTS, WsClient, wsUrlOf } from '../helpers/ws-client';

const WORKERS_2 = '\n[drivers:transport:wsgi]\nworkers = 2\n';
const DEBUG = '\n[DEFAULT]\ndebug = true\n';

/** The pids of a process's children (every thread's `children` list). */
function childPids(pid: number): number[] {
  const pids = new Set<number>();
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return []; // the process has exited
  }
  for (const task of tasks) {
    let text = '';
    try {
      text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8');
    } catch {
      continue; // the thread ended meanwhile
    }
    for (const p of text.trim().split(/\s+/)) if (p) pids.add(Number(p));
  }
  return [...pids].sort((a, b) => a - b);
}

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** pids of the processes that logged an access-log line for `path`. */
function answeringPids(stderr: string, marker: string): Set<number> {
  const pids = new Set<number>();
  for (const line of stderr.split('\n')) {
    if (!line.includes(marker)) continue;
    try {
      const entry = JSON.parse(line) as { msg?: string; pid?: number; path?: string };
      if (entry.msg === 'request' && entry.path?.includes(marker) && entry.pid) pids.add(entry.pid);
    } catch {
      // not a JSON line
    }
  }
  return pids;
}

interface Answer {
  status: number;
  body: string;
}

function send(port: number, method: string, urlPath: string, options: { agent?: Agent | false; body?: string; project?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path: urlPath,
        agent: options.agent ?? false,
        headers: { 'Client-ID': CLIENT_ID, 'X-Project-ID': options.project ?? 'workers', 'Content-Type': 'application/json' },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.setTimeout(15_000, () => req.destroy(new Error(`${method} ${urlPath}: no answer within 15 s`)));
    req.end(options.body);
  });
}

function exited(server: RunningServer): Promise<number | null> {
  return new Promise((resolve) => {
    if (server.child.exitCode !== null || server.child.signalCode !== null) return resolve(server.child.exitCode);
    server.child.once('exit', (code) => resolve(code));
  });
}

describe('functional: [drivers:transport:wsgi] workers (node:cluster)', function () {
  this.timeout(90_000);

  describe('workers = 2 on one SQLite store', () => {
    let server: RunningServer;
    beforeEach(async () => {
      server = await startServer({ extraConfig: DEBUG + WORKERS_2, timeoutMs: 45_000 });
    });
    afterEach(async () => {
      const pids = server.child.pid && server.child.exitCode === null ? childPids(server.child.pid) : [];
      await server.cleanup();
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    });

    it('serves one port from two worker processes, and logs one "Serving on" line', async () => {
      const primary = server.child.pid!;
      const workers = childPids(primary);
      expect(workers).to.have.length(2);
      expect(server.stderr().match(/Serving on http/g)).to.have.length(1);
      // Each worker logs that it listens, with its own pid and cluster id.
      const listening = await waitFor('both "worker listening" lines', () => {
        const lines = server
          .stderr()
          .split('\n')
          .filter((l) => l.includes('"worker listening"'))
          .map((l) => JSON.parse(l) as { pid: number; workerId: number });
        return lines.length === 2 && lines;
      });
      expect(listening.map((l) => l.pid).sort((a, b) => a - b)).to.deep.equal(workers);
      expect(listening.map((l) => l.workerId).sort()).to.deep.equal([1, 2]);

      expect((await send(server.port, 'PUT', '/v2/queues/spread')).status).to.equal(201);
      // One connection per request: cluster's round-robin hands them to the workers in turn.
      for (let i = 0; i < 20; i++) {
        const reply = await send(server.port, 'POST', '/v2/queues/spread/messages', { body: JSON.stringify({ messages: [{ ttl: 300, body: i }] }) });
        expect(reply.status).to.equal(201);
      }
      const pids = await waitFor('both workers in the access log', () => {
        const seen = answeringPids(server.stderr(), '/v2/queues/spread/messages');
        return seen.size === 2 && seen;
      });
      expect([...pids].sort((a, b) => a - b)).to.deep.equal(workers);
      // Both processes wrote to the one SQLite file: every message is listed.
      const listed = await send(server.port, 'GET', '/v2/queues/spread/messages?echo=true&limit=20');
      expect(JSON.parse(listed.body).messages).to.have.length(20);
    });

    it('many concurrent keep-alive connections all succeed', async () => {
      expect((await send(server.port, 'PUT', '/v2/queues/many')).status).to.equal(201);
      const agent = new Agent({ keepAlive: true, maxSockets: 100 });
      try {
        const replies = await Promise.all(
          Array.from({ length: 100 }, async (_, c) => {
            const statuses: number[] = [];
            for (let i = 0; i < 5; i++) {
              const body = JSON.stringify({ messages: [{ ttl: 300, body: { c, i } }] });
              statuses.push((await send(server.port, 'POST', '/v2/queues/many/messages', { agent, body })).status);
            }
            return statuses;
          }),
        );
        expect(replies.flat().filter((s) => s !== 201)).to.deep.equal([]);
      } finally {
        agent.destroy();
      }
      const stats = JSON.parse((await send(server.port, 'GET', '/v2/queues/many/stats')).body);
      expect(stats.messages.total).to.equal(500);
    });

    it('replaces a worker killed with SIGKILL; requests are answered meanwhile', async () => {
      const primary = server.child.pid!;
      const [victim, survivor] = childPids(primary);
      process.kill(victim, 'SIGKILL');
      // Once the primary has seen the death (a connection cluster hands to a worker at the very
      // moment it dies is lost: Node's round-robin keeps no account of it), the survivor serves.
      await waitFor('the primary to see the death', () => server.stderr().includes('worker died; starting a replacement'));
      for (let i = 0; i < 5; i++) expect((await send(server.port, 'GET', '/v2/ping')).status).to.equal(204);
      const replaced = await waitFor('a replacement worker', () => {
        const now = childPids(primary);
        return now.length === 2 && !now.includes(victim) && now.includes(survivor) && now;
      });
      await waitFor('the replacement to listen', () => server.stderr().includes('replacement worker listening'));
      expect(server.stderr()).to.contain('worker died; starting a replacement');
      const newcomer = replaced.find((p) => p !== survivor)!;
      expect((await send(server.port, 'PUT', '/v2/queues/after-kill')).status).to.equal(201);
      for (let i = 0; i < 10; i++) expect((await send(server.port, 'GET', '/v2/queues/after-kill/stats')).status).to.equal(200);
      await waitFor('the replacement in the access log', () => answeringPids(server.stderr(), '/v2/queues/after-kill/stats').has(newcomer));
      expect(server.child.exitCode).to.equal(null);
    });

    it('SIGTERM (twice) during a slow in-flight request: it completes, the primary exits 0', async () => {
      const primary = server.child.pid!;
      expect((await send(server.port, 'PUT', '/v2/queues/slow')).status).to.equal(201);
      const body = JSON.stringify({ messages: [{ ttl: 300, body: 'x'.repeat(50_000) }] });
      const answer = new Promise<Answer>((resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port: server.port,
            method: 'POST',
            path: '/v2/queues/slow/messages',
            agent: false,
            headers: { 'Client-ID': CLIENT_ID, 'X-Project-ID': 'workers', 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (text += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          },
        );
        req.on('error', reject);
        req.write(body.slice(0, 1000));
        // The request is in flight (headers read, body half sent) when the signals arrive.
        setTimeout(() => {
          process.kill(primary, 'SIGTERM');
          setTimeout(() => process.kill(primary, 'SIGTERM'), 200);
          setTimeout(() => req.end(body.slice(1000)), 1000);
        }, 300);
      });
      const started = Date.now();
      const reply = await answer;
      expect(reply.status, reply.body).to.equal(201);
      expect(await exited(server)).to.equal(0);
      expect(Date.now() - started).to.be.below(10_000);
      expect(server.stderr()).to.contain('shutting down: stopping the workers');
    });

    it('a replacement that fails at start-up over and over stops the primary with exit 1', async () => {
      const primary = server.child.pid!;
      // Workers read the configuration when they start: the running ones are fine, a replacement fails.
      writeFileSync(server.configFile, readFileSync(server.configFile, 'utf8').replace('message_store = sqlite', 'message_store = nosuch'));
      process.kill(childPids(primary)[0], 'SIGKILL');
      expect(await exited(server)).to.equal(1);
      // Each failing replacement printed its one line; the primary says why it gave up.
      expect(server.stderr()).to.contain("unknown message_store plugin 'nosuch'");
      expect(server.stderr()).to.match(/zaqar-server: 5 workers replaced within 60 s and the last one died too/);
    });
  });

  it('workers = 2 with wsgi and websocket: one port each, notifications reach connections held by either worker', async () => {
    const server = await startServer({ extraConfig: BOTH_TRANSPORTS + WORKERS_2, timeoutMs: 45_000 });
    const clients: WsClient[] = [];
    try {
      const url = await wsUrlOf(server);
      expect(server.stderr().match(/Serving on ws:/g)).to.have.length(1);
      // A connection's subscriber URI names its worker's own notification listener: open
      // connections until two workers hold one each.
      const byListener = new Map<string, WsClient>();
      for (let i = 0; i < 10 && byListener.size < 2; i++) {
        const client = await WsClient.open(url, 'ws-workers');
        clients.push(client);
        const queue = `wq${i}`;
        expect((await client.send('subscription_create', { queue_name: queue })).headers.status).to.equal(201);
        const listed = await client.send('subscription_list', { queue_name: queue });
        const listener = new URL(listed.body.subscriptions[0].subscriber as string).port;
        if (!byListener.has(listener)) byListener.set(listener, client);
        else await client.send('subscription_delete', { queue_name: queue, subscription_id: listed.body.subscriptions[0].id });
      }
      expect(byListener.size).to.equal(2);
      // Posts over HTTP land on either worker; each connection gets every message of its queue.
      const holders = [...clients.entries()].filter(([, c]) => [...byListener.values()].includes(c));
      for (const [i] of holders) {
        for (let n = 0; n < 6; n++) {
          const body = JSON.stringify({ messages: [{ ttl: 300, body: { n } }] });
          expect((await send(server.port, 'POST', `/v2/queues/wq${i}/messages`, { body, project: 'ws-workers' })).status).to.equal(201);
        }
      }
      await Promise.all(holders.map(([, c]) => c.waitForNotifications(6)));
      for (const [, c] of holders) expect(c.notifications.map((x) => x.document.body.n).sort()).to.deep.equal([0, 1, 2, 3, 4, 5]);
      for (const c of clients) await c.close();
      expect(await server.stop()).to.equal(0);
    } finally {
      await server.cleanup();
    }
  });

  it('workers = 0 starts availableParallelism() workers', async () => {
    const server = await startServer({ extraConfig: '\n[drivers:transport:wsgi]\nworkers = 0\n', timeoutMs: 45_000 });
    try {
      const expected = availableParallelism();
      expect(childPids(server.child.pid!)).to.have.length(expected > 1 ? expected : 0);
      expect((await send(server.port, 'GET', '/v2/ping')).status).to.equal(204);
      expect(await server.stop()).to.equal(0);
    } finally {
      await server.cleanup();
    }
  });

  it('workers = 1 is a single process (no cluster)', async () => {
    const server = await startServer({ extraConfig: '\n[drivers:transport:wsgi]\nworkers = 1\n' });
    try {
      expect(childPids(server.child.pid!)).to.deep.equal([]);
      expect((await send(server.port, 'GET', '/v2/ping')).status).to.equal(204);
    } finally {
      await server.cleanup();
    }
  });

  describe('start-up errors', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'zaqar-ts-workers-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    function run(extra: string): { status: number | null; stderr: string; conf: string } {
      const conf = path.join(dir, 'zaqar.conf');
      writeFileSync(conf, baseConfig(dir) + extra);
      const result = spawnSync(process.execPath, [SERVER_BIN, '--config-file', conf], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
      return { status: result.status, stderr: result.stderr, conf };
    }

    it('workers = -1: exit 2 and one line naming file, group and option', () => {
      const { status, stderr, conf } = run('\n[drivers:transport:wsgi]\nworkers = -1\n');
      expect(status).to.equal(2);
      const lines = stderr.trim().split('\n');
      expect(lines).to.have.length(1);
      expect(lines[0]).to.contain(conf).and.to.contain('[drivers:transport:wsgi]').and.to.contain('workers');
    });

    it('workers = abc: exit 2 and one line', () => {
      const { status, stderr } = run('\n[drivers:transport:wsgi]\nworkers = abc\n');
      expect(status).to.equal(2);
      expect(stderr.trim().split('\n')).to.have.length(1);
      expect(stderr).to.contain('[drivers:transport:wsgi] workers');
    });

    it('workers = 2 and an error only the bootstrap finds (unknown driver): still one line, exit 2', () => {
      const conf = path.join(dir, 'zaqar.conf');
      writeFileSync(conf, baseConfig(dir).replace('message_store = sqlite', 'message_store = nosuch') + WORKERS_2);
      const result = spawnSync(process.execPath, [SERVER_BIN, '--config-file', conf], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
      expect(result.status).to.equal(2);
      expect(result.stderr.trim().split('\n')).to.have.length(1);
      expect(result.stderr).to.contain('[drivers]').and.to.contain('message_store').and.to.contain('nosuch');
    });

    it('workers = 2 with a fixed WebSocket notification_port: exit 2, one line', () => {
      const { status, stderr } = run('\n[drivers]\ntransport = wsgi, websocket\n[drivers:transport:websocket]\nport = 0\nnotification_port = 9911\n' + WORKERS_2);
      expect(status).to.equal(2);
      expect(stderr.trim().split('\n')).to.have.length(1);
      expect(stderr).to.contain('[drivers:transport:websocket] notification_port');
    });

    it('workers = 2 and an unreachable store: the first worker fails, the primary exits 1 with its message, no other worker starts', () => {
      const { status, stderr } = run('\n[drivers]\nmanagement_store = mongodb\n[drivers:management_store:mongodb]\nuri = mongodb://127.0.0.1:1\n' + WORKERS_2);
      expect(status).to.equal(1);
      expect(stderr.match(/^zaqar-server: start-up failed: .*unreachable/gm)).to.have.length(1);
      expect(stderr).not.to.contain('"workerId":2');
    });

    describe('a port in use', () => {
      let blocker: Server;
      let port: number;
      beforeEach(async () => {
        blocker = createServer();
        await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
        port = (blocker.address() as { port: number }).port;
      });
      afterEach(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

      it('workers = 2: the first worker cannot listen, the primary exits 1 with its message', () => {
        const { status, stderr } = run(`\n[drivers:transport:wsgi]\nport = ${port}\nworkers = 2\n`);
        expect(status).to.equal(1);
        expect(stderr).to.match(/zaqar-server: cannot listen: .*EADDRINUSE/);
        expect(stderr.match(/cannot listen/g)).to.have.length(1);
      });
    });
  });
});
