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
import { type AckChannel, ReplicaAck } from '../../../plugins/storage/redis/replica-ack';
import { parseRedisUri } from '../../../plugins/storage/redis/uri';
import { silentLogger } from '../../../zaqar/common/logger';
import { ConnectionError } from '../../../zaqar/storage/errors';
import { freePort, skipUnlessAvailable, waitUntil } from '../../../tools/services/process';
import { RedisServer, redisServerMissing } from '../../../tools/services/redis';

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
  function channel(replies: (number | Error)[]): AckChannel & { sent: string[][]; epoch: number } {
    const fake = {
      sent: [] as string[][],
      epoch: 1,
      get socketEpoch() {
        return fake.epoch;
      },
      async sendCommand(args: string[]) {
        fake.sent.push(args);
        const reply = replies.shift();
        if (reply instanceof Error) throw reply;
        return reply;
      },
    };
    return fake;
  }

  it('covers every write of one turn with one WAIT', async () => {
    const fake = channel([1]);
    const ack = new ReplicaAck(fake, 1, 500);
    await Promise.all([ack.cover(), ack.cover(), ack.cover()]);
    expect(fake.sent).to.deep.equal([['WAIT', '1', '500']]);
  });

  it('fails the writes when fewer replicas confirmed', async () => {
    const ack = new ReplicaAck(channel([1]), 2, 500);
    const results = await Promise.allSettled([ack.cover(), ack.cover()]);
    for (const result of results) {
      expect(result.status).to.equal('rejected');
      const reason = (result as PromiseRejectedResult).reason;
      expect(reason).to.be.instanceOf(NotReplicated).and.to.be.instanceOf(ConnectionError);
      expect(reason.message).to.equal('write not acknowledged: 1 of 2 replica(s) confirmed within 500 ms');
    }
  });

  it('never lets a WAIT on a new connection confirm a write sent on the old one', async () => {
    const fake = channel([1]);
    const ack = new ReplicaAck(fake, 1, 500);
    const covered = ack.cover();
    fake.epoch = 2; // reconnected before the WAIT went out
    expect(await rejection(covered)).to.be.instanceOf(ConnectionError);
    expect(fake.sent).to.deep.equal([]);
  });

  it('reports a failed WAIT as unavailable', async () => {
    const ack = new ReplicaAck(channel([new Error('Socket closed unexpectedly')]), 1, 500);
    expect(await rejection(ack.cover())).to.be.instanceOf(ConnectionError);
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
