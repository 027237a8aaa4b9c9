/**
 * The Redis stores' `uri` option in every form Zaqar accepts
 * (plugins/storage/redis/uri.ts), with the reference's error messages, and
 * its start-up handling (a bad URI is a configuration error naming the
 * option, which the server prints on one line and exits 2); the option
 * groups and the wait_replicas default.
 */
import { expect } from 'chai';
import { Container } from 'inversify';
import { controlManifest } from '../../../plugins/storage/redis';
import {
  readRedisStoreOptions,
  redisManagementStoreOptionGroup,
  redisMessageStoreOptionGroup,
  waitReplicasFor,
} from '../../../plugins/storage/redis/options';
import { parseRedisUri, RedisUriError } from '../../../plugins/storage/redis/uri';
import { silentLogger } from '../../../zaqar/common/logger';
import { type Config, ConfigError } from '../../../zaqar/config/options';
import { resolve } from '../../../zaqar/di/token';
import { ManagementStoreFactory } from '../../../zaqar/storage/factories';
import { configFrom } from '../config/helpers';

describe('redis URI', () => {
  describe('TCP', () => {
    it('defaults: port 6379, database 0, no password, no timeout', () => {
      expect(parseRedisUri('redis://127.0.0.1')).to.deep.equal({ kind: 'tcp', host: '127.0.0.1', port: 6379, dbid: 0 });
      expect(parseRedisUri('redis://localhost:6400')).to.deep.equal({ kind: 'tcp', host: 'localhost', port: 6400, dbid: 0 });
    });

    it('reads dbid and socket_timeout (seconds)', () => {
      expect(parseRedisUri('redis://h:1?dbid=3&socket_timeout=0.25')).to.deep.equal({
        kind: 'tcp',
        host: 'h',
        port: 1,
        dbid: 3,
        socketTimeoutMs: 250,
      });
    });

    it('takes the password in both forms: redis://:pw@host (documented) and redis://pw@host (the reference)', () => {
      expect(parseRedisUri('redis://:s3cret@h:6400')).to.include({ password: 's3cret', host: 'h', port: 6400 });
      expect(parseRedisUri('redis://s3cret@h:6400')).to.include({ password: 's3cret', host: 'h', port: 6400 });
      // Everything before '@' is the password in the reference, colons included.
      expect(parseRedisUri('redis://user:pw@h')).to.include({ password: 'user:pw', host: 'h' });
    });

    it('lower-cases the host as urllib does and accepts IPv6 literals', () => {
      expect(parseRedisUri('redis://Redis.Example.COM')).to.include({ host: 'redis.example.com' });
      expect(parseRedisUri('redis://[::1]:6380')).to.include({ host: '::1', port: 6380 });
    });

    it("refuses what the reference refuses, with its messages", () => {
      const cases: [string, string][] = [
        ['http://h:6379', 'Invalid scheme in Redis URI'],
        ['rediss://h', 'Invalid scheme in Redis URI'],
        ['h:6379', 'Invalid scheme in Redis URI'],
        ['redis://h:port', 'The Redis configuration URI contains an invalid port'],
        ['redis://h:70000', 'The Redis configuration URI contains an invalid port'],
        ['redis://:6379', 'Missing host name in Redis URI'],
        ['redis:', 'Missing path in Redis URI'],
        [
          'redis://h1:1,h2:2',
          'The Redis URI specifies multiple sentinel hosts, but is missing the "master" query string parameter. ' +
            'Please set "master" to the name of the Redis master server as specified in the sentinel configuration file.',
        ],
        ['redis://h?dbid=x', "The Redis configuration URI contains an invalid dbid 'x'"],
        ['redis://h?socket_timeout=soon', "The Redis configuration URI contains an invalid socket_timeout 'soon'"],
      ];
      for (const [uri, message] of cases) expect(() => parseRedisUri(uri), uri).to.throw(RedisUriError, message);
    });
  });

  describe('unix socket', () => {
    it('redis:/path and redis:///path', () => {
      expect(parseRedisUri('redis:/var/run/redis/redis.sock')).to.deep.equal({ kind: 'unix', path: '/var/run/redis/redis.sock', dbid: 0 });
      expect(parseRedisUri('redis:///tmp/r.sock?dbid=2')).to.deep.equal({ kind: 'unix', path: '/tmp/r.sock', dbid: 2 });
    });

    it('redis:[:password]@/path in both password forms', () => {
      expect(parseRedisUri('redis::pw@/tmp/r.sock')).to.deep.equal({ kind: 'unix', path: '/tmp/r.sock', dbid: 0, password: 'pw' });
      expect(parseRedisUri('redis:pw@/tmp/r.sock?socket_timeout=2')).to.deep.equal({
        kind: 'unix',
        path: '/tmp/r.sock',
        dbid: 0,
        password: 'pw',
        socketTimeoutMs: 2000,
      });
    });
  });

  describe('Sentinel', () => {
    it('lists the sentinels (port 26379 by default) and the master name', () => {
      expect(parseRedisUri('redis://s1:26380,s2,10.0.0.3:26390?master=mymaster')).to.deep.equal({
        kind: 'sentinel',
        sentinels: [
          { host: 's1', port: 26380 },
          { host: 's2', port: 26379 },
          { host: '10.0.0.3', port: 26390 },
        ],
        master: 'mymaster',
        dbid: 0,
      });
    });

    it('a single sentinel with master, password and options', () => {
      expect(parseRedisUri('redis://pw@s1?master=m&dbid=1&socket_timeout=1')).to.deep.equal({
        kind: 'sentinel',
        sentinels: [{ host: 's1', port: 26379 }],
        master: 'm',
        dbid: 1,
        password: 'pw',
        socketTimeoutMs: 1000,
      });
    });

    it('refuses sentinel URIs without hosts or with a bad port', () => {
      expect(() => parseRedisUri('redis:///?master=m')).to.throw(RedisUriError, 'does not define any sentinel hosts');
      expect(() => parseRedisUri('redis://s1:x?master=m')).to.throw(RedisUriError, 'invalid port');
      expect(() => parseRedisUri('redis://s1?master=')).to.throw(RedisUriError, 'empty sentinel "master"');
    });
  });

  it('makes a bad URI a configuration error naming the group and option, before connecting', async () => {
    const calls: string[][] = [];
    const config = {
      optionError: (group: string, option: string, reason: string) => {
        calls.push([group, option, reason]);
        return new ConfigError(reason, { group, option });
      },
    } as unknown as Config;
    const container = new Container();
    container.loadSync(await controlManifest.load());
    const factory = resolve(container, ManagementStoreFactory, 'redis');
    let error: unknown;
    try {
      await factory({ options: { uri: 'redis://a:1,b:2' }, config, logger: silentLogger });
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(ConfigError);
    expect(String(error)).to.match(/^\[drivers:management_store:redis\] uri: The Redis URI specifies multiple sentinel hosts/);
    expect(calls).to.have.length(1);
  });

  describe('option groups', () => {
    const groups = [redisMessageStoreOptionGroup, redisManagementStoreOptionGroup];

    it("has Zaqar's defaults plus wait_replicas unset and wait_timeout 1000 ms", () => {
      const config = configFrom([''], { groups });
      for (const group of groups) {
        expect(readRedisStoreOptions(group, config.group(group.name))).to.deep.equal({
          uri: 'redis://127.0.0.1:6379',
          maxReconnectAttempts: 10,
          reconnectSleep: 1,
          waitReplicas: undefined,
          waitTimeoutMs: 1000,
        });
      }
    });

    it('wait_replicas unset: 1 behind Sentinel, 0 for one server; a configured value (0 included) wins', () => {
      const read = (text: string) => readRedisStoreOptions(redisMessageStoreOptionGroup, configFrom([text], { groups }).group(redisMessageStoreOptionGroup.name));
      const unset = read('');
      expect(waitReplicasFor(unset, true)).to.equal(1);
      expect(waitReplicasFor(unset, false)).to.equal(0);
      const off = read('[drivers:message_store:redis]\nwait_replicas = 0\n');
      expect(off.waitReplicas).to.equal(0);
      expect(waitReplicasFor(off, true)).to.equal(0);
      const two = read('[drivers:message_store:redis]\nwait_replicas = 2\n');
      expect(waitReplicasFor(two, false)).to.equal(2);
      expect(waitReplicasFor(two, true)).to.equal(2);
    });

    it('reads both groups from the deprecated [drivers:storage:redis] too', () => {
      const config = configFrom(['[drivers:storage:redis]\nuri = redis://old:1\nreconnect_sleep = 0.5\n'], { groups });
      for (const group of groups) {
        expect(readRedisStoreOptions(group, config.group(group.name))).to.include({ uri: 'redis://old:1', reconnectSleep: 0.5 });
      }
      const current = configFrom(['[drivers:storage:redis]\nuri = redis://old:1\n[drivers:message_store:redis]\nuri = redis://new:2\n'], {
        groups,
      });
      expect(current.group(redisMessageStoreOptionGroup.name)).to.include({ uri: 'redis://new:2' });
    });

    it('refuses a bad wait_replicas at start-up', () => {
      const config = configFrom(['[drivers:message_store:redis]\nwait_replicas = -1\n'], { groups });
      expect(() => config.group(redisMessageStoreOptionGroup.name)).to.throw(ConfigError, /wait_replicas/);
    });
  });
});
