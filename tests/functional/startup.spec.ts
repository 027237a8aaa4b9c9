/**
 * The zaqar-server command: configuration files layered as oslo.config does,
 * Zaqar's own sample zaqar.conf, one-line configuration errors with exit
 * code 2, plugins loaded by name, graceful SIGTERM.
 */
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CLIENT_ID, ZaqarClient } from '../helpers/client';
import { DEBIAN_SAMPLE, readSampleOrSkip } from '../helpers/debian-sample';
import { baseConfig, ROOT, SERVER_BIN, startServer } from '../helpers/server';


function runServer(args: string[]): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [SERVER_BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 15000 });
  return { status: result.status, stderr: result.stderr };
}

/** Starts the bin with explicit args and resolves with its URL once it listens. */
function listenWith(args: string[]): Promise<{ url: string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [SERVER_BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    child.stderr!.setEncoding('utf8');
    let listening = false;
    child.stderr!.on('data', (chunk: string) => {
      stderr += chunk;
      const m = /Serving on http:\/\/[^:"]+:(\d+)/.exec(stderr);
      if (!m || listening) return;
      listening = true;
      child.removeAllListeners('exit');
      const exited = new Promise<number | null>((r) => child.once('exit', r));
      resolve({
        url: `http://127.0.0.1:${m[1]}`,
        stop: () => {
          child.kill('SIGTERM');
          return exited;
        },
      });
    });
  });
}

describe('functional: zaqar-server start-up', function () {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'zaqar-ts-startup-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function file(name: string, text: string): string {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  }

  it('applies a later --config-file over an earlier one', async () => {
    const a = file('a.conf', baseConfig(dir).replace('port = 0', 'port = 99999'));
    const b = file('b.conf', '[drivers:transport:wsgi]\nport = 0\n');
    const server = await listenWith(['--config-file', a, '--config-file', b]);
    try {
      const client = new ZaqarClient(server.url);
      // port came from b.conf (a.conf's 99999 is not a port); admin_mode survived from a.conf.
      expect((await client.get('/v2/health')).status).to.equal(403);
    } finally {
      expect(await server.stop()).to.equal(0);
    }
  });

  it("starts from Zaqar's full sample zaqar.conf plus a small file selecting the embedded stores", async function () {
    readSampleOrSkip(this);
    const small = file('embedded.conf', baseConfig(dir));
    const server = await listenWith(['--config-file', DEBIAN_SAMPLE, '--config-file', small]);
    try {
      expect((await new ZaqarClient(server.url).get('/v2/ping')).status).to.equal(204);
    } finally {
      expect(await server.stop()).to.equal(0);
    }
  });

  describe('configuration errors: exit code 2 and one line naming file, group, option and reason', () => {
    it('a bad value', () => {
      const conf = file('bad.conf', baseConfig(dir) + '\n[transport]\nmax_messages_per_page = abc\n');
      const { status, stderr } = runServer(['--config-file', conf]);
      expect(status).to.equal(2);
      const lines = stderr.trim().split('\n');
      expect(lines).to.have.length(1);
      expect(lines[0]).to.contain(conf).and.to.contain('[transport]').and.to.contain('max_messages_per_page');
    });
    it('an unknown driver name lists the available ones', () => {
      const conf = file('driver.conf', baseConfig(dir).replace('message_store = sqlite', 'message_store = nosuch'));
      const { status, stderr } = runServer(['--config-file', conf]);
      expect(status).to.equal(2);
      expect(stderr.trim().split('\n')).to.have.length(1);
      expect(stderr).to.contain('[drivers]').and.to.contain('message_store').and.to.contain('nosuch').and.to.contain('sqlite');
    });
    it('a malformed file', () => {
      const conf = file('malformed.conf', 'port = 1\n[drivers]\n');
      const { status, stderr } = runServer(['--config-file', conf]);
      expect(status).to.equal(2);
      expect(stderr.trim().split('\n')).to.have.length(1);
      expect(stderr).to.contain(conf);
    });
    it('a missing --config-file', () => {
      const { status, stderr } = runServer(['--config-file', path.join(dir, 'absent.conf')]);
      expect(status).to.equal(2);
      expect(stderr).to.contain('absent.conf');
      expect(stderr).not.to.match(/\n\s+at /);
    });
  });

  it('loads a plugin that lives under tests/ by name from zaqar.conf', async () => {
    const pluginDir = path.join(ROOT, 'dist', 'tests', 'fixtures', 'plugins', 'counting-store');
    const conf = file(
      'plugin.conf',
      baseConfig(dir).replace('message_store = sqlite', 'message_store = counting') +
        `\n[plugins]\npaths = ${pluginDir}\n\n[drivers:message_store:counting]\nlabel = from-config\nuri = sqlite:///${dir}/counting.sqlite\n`,
    );
    const server = await listenWith(['--config-file', conf]);
    try {
      const client = new ZaqarClient(server.url);
      await client.post('/v2/queues/q/messages', { body: { messages: [{ body: 1 }, { body: 2 }] } });
      const health = await client.get('/v2/health', { headers: { 'X-Roles': 'admin' } });
      // The health self-test posts 100 messages too.
      expect(health.json.counting_plugin).to.deep.equal({ label: 'from-config', posted: 102 });
    } finally {
      await server.stop();
    }
  });

  it('finishes an in-flight request on SIGTERM, then exits 0', async () => {
    const server = await startServer();
    const body = JSON.stringify({ messages: [{ body: 'in flight' }] });
    const reply = new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        `${server.url}/v2/queues/q/messages`,
        { method: 'POST', headers: { 'Client-ID': CLIENT_ID, 'X-Project-ID': 'p', 'Content-Length': String(Buffer.byteLength(body)) } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        server.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(10)), 300);
      }, 100);
    });
    expect(await reply).to.equal(201);
    expect(await server.stop()).to.equal(0);
    await server.cleanup();
  });
});
