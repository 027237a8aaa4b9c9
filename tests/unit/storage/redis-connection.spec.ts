/**
 * How the Redis stores talk to Redis (plugins/storage/redis/connection.ts,
 * node.ts, replica-ack.ts): fail fast while the server is away, reconnect
 * by themselves, deadlines for a server that stops answering, script cache
 * loss, replica acknowledgements, and the URI forms against real servers.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { RedisConnection } from '../../../plugins/storage/redis/connection';
import { NotReplicated } from '../../../plugins/storage/redis/errors';
import { lua } from '../../../plugins/storage/redis/lua';
import { readRedisStoreOptions, redisMessageStoreOptionGroup } from '../../../plugins/storage/redis/options';
import { ReplicaAck } from '../../../plugins/storage/redis/replica-ack';
import { parseRedisUri } from '../../../plugins/storage/redis/uri';
import { silentLogger } from '../../../zaqar/common/logger';
import { ConnectionError } from '../../../zaqar/storage/errors';
import { freePort, skipUnlessAvailable, waitUntil } from '../../../tools/services/process';
import { RedisServer, redisInfo, redisServerMissing } from '../../../tools/services/redis';

const ECHO = lua('echo_test', 'return ARGV[1]');
const INCR = lua('incr_test', "return redis.call('INCR', KEYS[1])");

function open(uri: string, options: Record<string, unknown> = {}): Promise<RedisConnection> {
  return RedisConnection.open(
    parseRedisUri(uri),
    readRedisStoreOptions(redisMessageStoreOptionGroup, { reconnect_sleep: 0.02, ...options }),
    silentLogger,
  );
}

/** Resolves with the rejection (failing the test if there is none). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  expect.fail('expected a rejection');
}

describe('redis connection: replica acknowledgements (WAIT batching)', () => {
  /** A fake connection: records what it is sent; writes succeed at once, a WAIT waits for `answer()`. */
  function channel() {
    const waits: { resolve(reply: number): void; reject(err: Error): void }[] = [];
    const fake = {
      sent: [] as string[][],
      epoch: 1,
      get socketEpoch() {
        return fake.epoch;
      },
      sendCommand(args: string[]): Promise<unknown> {
        fake.sent.push(args);
        if (args[0] !== 'WAIT') return Promise.resolve('OK');
        return new Promise((resolve, reject) => waits.push({ resolve, reject }));
      },
      /** Settles the oldest pending WAIT with a replica count or a failure. */
      answer(reply: number | Error): void {
        const wait = waits.shift()!;
        if (reply instanceof Error) wait.reject(reply);
        else wait.resolve(reply);
      },
    };
    return fake;
  }
  type Fake = ReturnType<typeof channel>;
  const set = (ack: ReplicaAck<Fake>, key: string): Promise<unknown> => ack.write((c) => c.sendCommand(['SET', key]));
  const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
  const WAIT = ['WAIT', '1', '500'];

  it('covers every write of one turn with one WAIT, on one connection', async () => {
    const [a, b] = [channel(), channel()];
    const ack = new ReplicaAck([a, b], 1, 500);
    const writes = [set(ack, 'x'), set(ack, 'y'), set(ack, 'z')];
    await nextTurn();
    expect(a.sent).to.deep.equal([['SET', 'x'], ['SET', 'y'], ['SET', 'z'], WAIT]);
    expect(b.sent).to.deep.equal([]);
    a.answer(1);
    expect(await Promise.all(writes)).to.deep.equal(['OK', 'OK', 'OK']);
  });

  it('sends a later turn on a connection that is not in a WAIT (no write queues behind one)', async () => {
    const [a, b] = [channel(), channel()];
    const ack = new ReplicaAck([a, b], 1, 500);
    const first = set(ack, 'x');
    await nextTurn();
    const second = set(ack, 'y');
    await nextTurn();
    expect(a.sent).to.deep.equal([['SET', 'x'], WAIT]);
    expect(b.sent).to.deep.equal([['SET', 'y'], WAIT]);
    b.answer(1);
    await second;
    a.answer(1);
    await first;
    // Both are idle again: the next turn takes the one free longest.
    const third = set(ack, 'z');
    await nextTurn();
    b.answer(1);
    await third;
    expect(b.sent.slice(2)).to.deep.equal([['SET', 'z'], WAIT]);
  });

  it('holds writes while every connection is in a WAIT, then sends them together with one WAIT', async () => {
    const a = channel();
    const ack = new ReplicaAck([a], 1, 500);
    const first = set(ack, 'x');
    await nextTurn();
    const held = [set(ack, 'y'), set(ack, 'z')];
    await nextTurn();
    expect(a.sent, 'nothing sent behind the WAIT').to.deep.equal([['SET', 'x'], WAIT]);
    a.answer(1);
    await first;
    await nextTurn();
    expect(a.sent.slice(2)).to.deep.equal([['SET', 'y'], ['SET', 'z'], WAIT]);
    a.answer(1);
    expect(await Promise.all(held)).to.deep.equal(['OK', 'OK']);
  });

  it('fails held writes unsent when the WAIT before them found too few replicas', async () => {
    const a = channel();
    const ack = new ReplicaAck([a], 1, 500);
    const first = set(ack, 'x');
    await nextTurn();
    const held = set(ack, 'y');
    a.answer(0);
    for (const write of [first, held]) expect(await rejection(write)).to.be.instanceOf(NotReplicated);
    expect(a.sent).to.deep.equal([['SET', 'x'], WAIT]);
    // The connection is free again.
    const later = set(ack, 'z');
    await nextTurn();
    a.answer(1);
    await later;
  });

  it('fails the writes when fewer replicas confirmed', async () => {
    const a = channel();
    const ack = new ReplicaAck([a], 2, 500);
    const writes = Promise.allSettled([set(ack, 'x'), set(ack, 'y')]);
    await nextTurn();
    a.answer(1);
    for (const result of await writes) {
      expect(result.status).to.equal('rejected');
      const reason = (result as PromiseRejectedResult).reason;
      expect(reason).to.be.instanceOf(NotReplicated).and.to.be.instanceOf(ConnectionError);
      expect(reason.message).to.equal('write not acknowledged: 1 of 2 replica(s) confirmed within 500 ms');
    }
  });

  it('never lets a WAIT on a new connection confirm a write sent on the old one', async () => {
    const a = channel();
    const ack = new ReplicaAck([a], 1, 500);
    const write = set(ack, 'x');
    a.epoch = 2; // reconnected before the WAIT went out
    expect(await rejection(write)).to.be.instanceOf(ConnectionError);
    expect(a.sent).to.deep.equal([['SET', 'x']]);
  });

  it('reports a failed WAIT as unavailable', async () => {
    const a = channel();
    const ack = new ReplicaAck([a], 1, 500);
    const write = set(ack, 'x');
    await nextTurn();
    a.answer(new Error('Socket closed unexpectedly'));
    expect(await rejection(write)).to.be.instanceOf(ConnectionError);
  });

  it("passes a write's own failure on, and does not wait for a write that changed nothing", async () => {
    const a = channel();
    const ack = new ReplicaAck([a], 1, 500);
    const failed = ack.write(() => Promise.reject(new Error('NOSCRIPT No matching script')));
    expect((await rejection(failed)).message).to.equal('NOSCRIPT No matching script');
    expect(await ack.write((c) => c.sendCommand(['SET', 'x']), () => false)).to.equal('OK');
  });
});

describe('redis connection: a real server', function () {
  this.timeout(30_000);
  let redis: RedisServer | undefined;
  const opened: RedisConnection[] = [];

  before(async function () {
    skipUnlessAvailable(this, redisServerMissing());
    redis = await RedisServer.start();
  });
  afterEach(async () => {
    if (redis && !redis.running) await redis.launch();
    redis?.resume();
    for (const connection of opened.splice(0)) await connection.close();
  });
  after(async () => {
    await redis?.close();
  });

  async function connect(uri = redis!.uri(), options: Record<string, unknown> = {}): Promise<RedisConnection> {
    const connection = await open(uri, options);
    opened.push(connection);
    return connection;
  }

  it('fails at once while the server is down and recovers by itself', async () => {
    const connection = await connect();
    expect(await connection.ping()).to.equal(true);
    await redis!.stop();
    const started = Date.now();
    expect(await connection.ping()).to.equal(false);
    expect(await rejection(connection.read(ECHO, [], ['x']))).to.be.instanceOf(ConnectionError);
    expect(await rejection(connection.write(INCR, ['counter'], []))).to.be.instanceOf(ConnectionError);
    expect(Date.now() - started, 'no request waits for the server').to.be.below(500);

    await redis!.launch();
    await waitUntil(() => connection.ping(), 10_000, 'reconnected');
    expect(await connection.read(ECHO, [], ['back'])).to.deep.equal(Buffer.from('back'));
  });

  it('fails a call after socket_timeout when the server stops answering, and carries on after', async () => {
    const connection = await connect(`${redis!.uri()}?socket_timeout=0.3`);
    redis!.pause();
    const started = Date.now();
    const error = await rejection(connection.read(ECHO, [], ['x']));
    expect(error).to.be.instanceOf(ConnectionError);
    expect(error.message).to.match(/no reply from Redis within 300 ms/);
    expect(Date.now() - started).to.be.within(250, 2000);
    redis!.resume();
    await waitUntil(() => connection.ping(), 10_000, 'answering again');
  });

  it('re-sends a script whose cache entry is gone (restart, SCRIPT FLUSH)', async () => {
    const connection = await connect();
    expect(await connection.read(ECHO, [], ['one'])).to.deep.equal(Buffer.from('one'));
    await redis!.command('SCRIPT', 'FLUSH');
    expect(await connection.read(ECHO, [], ['two'])).to.deep.equal(Buffer.from('two'));
  });

  it('with wait_replicas, acknowledges no write that no replica confirmed; reads and no-op writes go through', async () => {
    const connection = await connect(redis!.uri(), { wait_replicas: 1, wait_timeout: 200 });
    const started = Date.now();
    expect(await rejection(connection.write(INCR, ['acked'], []))).to.be.instanceOf(NotReplicated);
    expect(Date.now() - started).to.be.at.least(150);
    // The write happened on the master all the same: only its acknowledgement failed.
    expect(await redis!.command('GET', 'acked')).to.equal('1');
    expect(await connection.write(INCR, ['noop'], [], () => false)).to.equal(1);
    expect(await connection.read(ECHO, [], ['read'])).to.deep.equal(Buffer.from('read'));
  });

  it('wait_replicas is 0 for one server unless configured', async () => {
    expect((await connect()).waitReplicas).to.equal(0);
    expect((await connect(redis!.uri(), { wait_replicas: 2 })).waitReplicas).to.equal(2);
  });

  it('gives up at start-up after max_reconnect_attempts', async () => {
    const port = await freePort();
    const started = Date.now();
    const error = await rejection(open(`redis://127.0.0.1:${port}`, { max_reconnect_attempts: 3 }));
    expect(error).to.be.instanceOf(ConnectionError);
    expect(error.message).to.match(new RegExp(`^cannot connect to Redis at 127.0.0.1:${port}: `));
    expect(Date.now() - started).to.be.below(2000);
  });

  describe('URI forms against real servers', () => {
    let secured: RedisServer | undefined;
    let socketDir: string;
    before(async () => {
      socketDir = mkdtempSync(path.join(tmpdir(), 'zaqar-ts-redis-sock-'));
      secured = await RedisServer.start({
        password: 's3cret:pw',
        args: ['--unixsocket', path.join(socketDir, 'redis.sock'), '--unixsocketperm', '700'],
      });
    });
    after(async () => {
      await secured?.close();
      rmSync(socketDir, { recursive: true, force: true });
    });

    it('authenticates with redis://:password@host and redis://password@host', async () => {
      for (const uri of [secured!.uri('standard'), secured!.uri('zaqar'), `${secured!.uri('zaqar')}?dbid=3`]) {
        expect(await (await connect(uri)).ping(), uri).to.equal(true);
      }
      expect(await rejection(open(`redis://wrong@127.0.0.1:${secured!.port}`, { max_reconnect_attempts: 1 }))).to.be.instanceOf(
        ConnectionError,
      );
    });

    it('connects through a unix socket, with a password in both forms', async () => {
      const sock = path.join(socketDir, 'redis.sock');
      for (const uri of [`redis::s3cret:pw@${sock}`, `redis:s3cret:pw@${sock}?dbid=1`]) {
        expect(await (await connect(uri)).ping(), uri).to.equal(true);
      }
    });
  });
});

describe('redis connection: writes confirmed by a real replica (wait_replicas = 1)', function () {
  this.timeout(30_000);
  let master: RedisServer | undefined;
  let replica: RedisServer | undefined;
  let connection: RedisConnection | undefined;

  before(async function () {
    skipUnlessAvailable(this, redisServerMissing());
    master = await RedisServer.start();
    replica = await RedisServer.start({ args: ['--replicaof', '127.0.0.1', String(master.port)] });
    await waitUntil(async () => (await redisInfo(replica!.port, 'replication')).master_link_status === 'up', 10_000, 'replica in sync');
    connection = await open(master.uri(), { wait_replicas: 1, wait_timeout: 5000 });
    // Loads the script, so that each write below is one EVALSHA (not NOSCRIPT, then EVAL in a later turn).
    await connection.write(INCR, ['warm-up'], []);
  });
  afterEach(() => replica?.resume());
  after(async () => {
    await connection?.close();
    await replica?.close();
    await master?.close();
  });

  it('acknowledges the writes of one turn with one WAIT, once the replica has them', async () => {
    await master!.command('CONFIG', 'RESETSTAT');
    const replies = await Promise.all(Array.from({ length: 50 }, () => connection!.write(INCR, ['batched'], [])));
    expect(replies.map(Number).sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await replica!.command('GET', 'batched')).to.equal('50');
    const stats = String(await master!.command('INFO', 'commandstats'));
    expect(/cmdstat_wait:calls=(\d+)/.exec(stats)?.[1]).to.equal('1');
  });

  it('keeps running writes while a WAIT waits for the replica', async () => {
    replica!.pause(); // GETACK goes unanswered: the WAIT blocks its connection
    const settled: string[] = [];
    const first = connection!.write(INCR, ['first'], []).then(() => settled.push('first'));
    await new Promise((resolve) => setImmediate(resolve));
    const second = connection!.write(INCR, ['second'], []).then(() => settled.push('second'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Both ran on the master (the second did not queue behind the first's WAIT); neither is acknowledged.
    expect(await master!.command('GET', 'first')).to.equal('1');
    expect(await master!.command('GET', 'second')).to.equal('1');
    expect(settled).to.deep.equal([]);
    replica!.resume();
    await Promise.all([first, second]);
    expect(settled).to.have.members(['first', 'second']);
  });
});
