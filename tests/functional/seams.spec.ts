/**
 * The core's seams, each proven by a small plugin that lives under
 * tests/fixtures and is loaded by name from zaqar.conf, in a real server
 * process over real sockets:
 *
 * - a pipeline stage (`[storage] message_pipeline`) that sees and changes posts;
 * - an auth strategy (`[DEFAULT] auth_strategy`) that decides the identity a request gets;
 * - a second transport (`[drivers] transport = wsgi, line`) with its own
 *   presenter over the same operations, beside HTTP in one process.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ZaqarClient } from '../helpers/client';
import { baseConfig, ROOT, SERVER_BIN, startServer, type RunningServer } from '../helpers/server';

const FIXTURES = path.join(ROOT, 'dist', 'tests', 'fixtures', 'plugins');

/** A JSON-lines client for the line transport. */
class LineClient {
  private buffered = '';
  private readonly waiting: ((line: unknown) => void)[] = [];

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffered += chunk;
      let newline: number;
      while ((newline = this.buffered.indexOf('\n')) >= 0) {
        const line = this.buffered.slice(0, newline);
        this.buffered = this.buffered.slice(newline + 1);
        this.waiting.shift()?.(JSON.parse(line));
      }
    });
  }

  static open(port: number): Promise<LineClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new LineClient(socket)));
      socket.once('error', reject);
    });
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  send(request: Record<string, unknown>): Promise<any> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.socket.write(JSON.stringify(request) + '\n');
    });
  }

  close(): void {
    this.socket.end();
  }
}

describe('functional: the core seams, each used by a plugin from tests/fixtures', function () {
  this.timeout(30_000);
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.cleanup();
    server = undefined;
  });

  it('a pipeline stage named in [storage] message_pipeline sees every post and changes what is stored', async () => {
    server = await startServer({
      extraConfig: `
[plugins]
paths = ${path.join(FIXTURES, 'body-stamp')}

[storage]
message_pipeline = body-stamp

[pipeline_stage:body-stamp]
label = from-the-stage
`,
    });
    const client = new ZaqarClient(server.url);
    const posted = await client.post('/v2/queues/q/messages', { body: { messages: [{ body: { n: 1 } }, { body: 'text' }] } });
    expect(posted.status).to.equal(201);
    const ids = (posted.json.resources as string[]).map((href) => href.split('/').pop());

    const listed = await client.get('/v2/queues/q/messages?echo=true');
    expect(listed.json.messages.map((m: { body: unknown }) => m.body)).to.deep.equal([{ n: 1, stamp: 'from-the-stage' }, 'text']);
    // The stage saw the result of the store's write: the ids it logged are the ids the client got.
    const observed = server
      .stderr()
      .split('\n')
      .filter((line) => line.includes('body-stamp observed a post'))
      .map((line) => JSON.parse(line) as { ids: string[] });
    expect(observed.map((entry) => entry.ids)).to.deep.equal([ids]);
  });

  it('an unknown stage name stops start-up with one line naming the option and the stages there are', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'zaqar-ts-stage-'));
    const conf = path.join(dir, 'zaqar.conf');
    writeFileSync(conf, baseConfig(dir) + '\n[storage]\nmessage_pipeline = zaqar.notification.nosuch\n');
    const result = spawnSync(process.execPath, [SERVER_BIN, '--config-file', conf], { cwd: ROOT, encoding: 'utf8', timeout: 15000 });
    rmSync(dir, { recursive: true, force: true });
    expect(result.status).to.equal(2);
    expect(result.stderr.trim().split('\n')).to.have.length(1);
    expect(result.stderr).to.contain('[storage] message_pipeline').and.to.contain("unknown pipeline_stage plugin 'zaqar.notification.nosuch'");
  });

  it('an auth strategy named in [DEFAULT] auth_strategy decides the identity: the project comes from the token', async () => {
    server = await startServer({
      extraConfig: `
[DEFAULT]
auth_strategy = token-map

[plugins]
paths = ${path.join(FIXTURES, 'token-map')}

[auth:token-map]
tokens = token-a:project-a,token-b:project-b
`,
    });
    const alice = new ZaqarClient(server.url, 'claims-to-be-b');
    const bob = new ZaqarClient(server.url, 'project-b');
    const asA = { headers: { 'X-Auth-Token': 'token-a' } };
    const asB = { headers: { 'X-Auth-Token': 'token-b' } };
    expect((await alice.put('/v2/queues/mine', asA)).status).to.equal(201);
    // The queue is project-a's, whatever X-Project-ID said.
    expect((await alice.get('/v2/queues', asA)).json.queues.map((q: { name: string }) => q.name)).to.deep.equal(['mine']);
    expect((await bob.get('/v2/queues', asB)).json.queues).to.deep.equal([]);
    const refused = await bob.get('/v2/queues', { headers: { 'X-Auth-Token': 'forged' } });
    expect(refused.status).to.equal(401);
    expect(refused.json.error.message).to.equal('The request you have made requires authentication.');
    expect((await bob.get('/v2/queues')).status).to.equal(401);
  });

  it('a second transport in the same process serves the same operations through its own presenter', async () => {
    server = await startServer({
      extraConfig: `
[drivers]
transport = wsgi, line

[plugins]
paths = ${path.join(FIXTURES, 'line-transport')}

[transport:line]
port = 0
`,
    });
    const port = Number(/Serving on tcp:\/\/127\.0\.0\.1:(\d+)/.exec(server.stderr())?.[1]);
    const line = await LineClient.open(port);
    try {
      const headers = { 'Client-ID': '3381af92-2b9e-11e3-b191-71861300734c', 'X-Project-ID': 'tenant' };
      expect(await line.send({ id: 1, action: 'queue_create', headers, queue: 'lines' })).to.deep.equal({ id: 1, ok: true, result: { created: true } });
      const posted = await line.send({ id: 2, action: 'message_post', headers, queue: 'lines', messages: [{ body: { via: 'line' } }] });
      expect(posted.ok).to.equal(true);

      // What the line transport posted, HTTP lists; what HTTP posts, the line transport lists.
      const http = new ZaqarClient(server.url, 'tenant');
      expect((await http.get('/v2/queues/lines/messages?echo=true')).json.messages.map((m: { id: string }) => m.id)).to.deep.equal(posted.result.ids);
      await http.post('/v2/queues/lines/messages', { body: { messages: [{ body: { via: 'http' } }] } });
      const listed = await line.send({ id: 3, action: 'message_list', headers, queue: 'lines' });
      expect(listed.result.messages.map((m: { body: unknown }) => m.body)).to.deep.equal([{ via: 'line' }, { via: 'http' }]);

      // The core's request stages and validation answer in this transport's own format.
      expect(await line.send({ id: 4, action: 'message_list', headers: { 'X-Project-ID': 'tenant' }, queue: 'lines' })).to.deep.equal({
        id: 4,
        ok: false,
        error: { code: 'client_id_missing', message: 'The "Client-ID" header is required.' },
      });
      const bad = await line.send({ id: 5, action: 'message_post', headers, queue: 'lines', messages: [{ body: 1, ttl: 1 }] });
      expect(bad.error.code).to.equal('invalid_request');
      expect(bad.error.message).to.match(/^The TTL for a message may not exceed/);
    } finally {
      line.close();
    }
  });
});
