/**
 * The MongoDB stores' configuration: option groups
 * and their deprecated group, URI handling (fifo scheme, replica sets,
 * TLS, timeouts), the durability rule and write concerns, and which
 * failures are retried or reported as ConnectionError. No server needed.
 */
import { expect } from 'chai';
import {
  MongoClient,
  MongoNetworkError,
  MongoServerError,
  MongoServerSelectionError,
} from 'mongodb';
import { manifest as mongoManifests } from '../../../plugins/storage/mongodb';
import { MongoCalls, isConnectionFailure, isDuplicateKey, isTransient, toStorageError } from '../../../plugins/storage/mongodb/calls';
import {
  clientOptions,
  normaliseUri,
  redactUri,
  SERVER_SELECTION_TIMEOUT_MS,
  wantsTls,
} from '../../../plugins/storage/mongodb/client-options';
import {
  durabilityProblem,
  isReplicatedDeployment,
  messageWriteConcern,
  NEEDS_DURABLE_WRITE_CONCERN,
  NEEDS_REPLICA_SET,
} from '../../../plugins/storage/mongodb/durability';
import {
  DEFAULT_URI,
  MANAGEMENT_STORE_GROUP,
  MESSAGE_STORE_GROUP,
  readManagementStoreOptions,
  readMessageStoreOptions,
} from '../../../plugins/storage/mongodb/options';
import { silentLogger } from '../../../zaqar/common/logger';
import { OsloConfig } from '../../../zaqar/config/config';
import { CORE_OPTION_GROUPS } from '../../../zaqar/config/groups';
import { parseIni } from '../../../zaqar/config/ini';
import { ConfigError } from '../../../zaqar/config/options';
import { ConnectionError } from '../../../zaqar/storage/errors';

/** A real configuration with the MongoDB plugins' groups registered, as the bootstrap does. */
function configFrom(text: string): OsloConfig {
  const config = new OsloConfig({ files: [parseIni(text, 'zaqar.conf')] });
  for (const group of CORE_OPTION_GROUPS) config.register(group);
  for (const manifest of mongoManifests) for (const group of manifest.optionGroups ?? []) config.register(group);
  return config;
}

describe('storage/mongodb: configuration', () => {
  describe('option groups', () => {
    it("declare Zaqar's options and defaults", () => {
      const config = configFrom('');
      const message = readMessageStoreOptions(config.group(MESSAGE_STORE_GROUP));
      expect(message).to.deep.equal({
        uri: DEFAULT_URI,
        database: 'zaqar',
        sslKeyfile: null,
        sslCertfile: null,
        sslCertReqs: 'CERT_REQUIRED',
        sslCaCerts: null,
        maxReconnectAttempts: 10,
        reconnectSleep: 0.02,
        maxAttempts: 1000,
        maxRetrySleep: 0.1,
        maxRetryJitter: 0.005,
        partitions: 2,
      });
      const management = config.group(MANAGEMENT_STORE_GROUP);
      expect(management).to.not.have.property('partitions');
      expect(readManagementStoreOptions(management)).to.include({ uri: DEFAULT_URI, database: 'zaqar', maxReconnectAttempts: 10 });
    });

    it('read [drivers:storage:mongodb] for both stores (deprecated group)', () => {
      const config = configFrom('[drivers:storage:mongodb]\nuri = mongodb://old:27017\ndatabase = legacy\npartitions = 4\n');
      expect(config.group(MESSAGE_STORE_GROUP)).to.include({ uri: 'mongodb://old:27017', database: 'legacy', partitions: 4 });
      expect(config.group(MANAGEMENT_STORE_GROUP)).to.include({ uri: 'mongodb://old:27017', database: 'legacy' });
    });

    it('prefer the current group over the deprecated one', () => {
      const config = configFrom(
        '[drivers:storage:mongodb]\nuri = mongodb://old\n[drivers:message_store:mongodb]\nuri = mongodb://new\nmax_attempts = 5\n',
      );
      expect(readMessageStoreOptions(config.group(MESSAGE_STORE_GROUP))).to.include({ uri: 'mongodb://new', maxAttempts: 5 });
      expect(readManagementStoreOptions(config.group(MANAGEMENT_STORE_GROUP)).uri).to.equal('mongodb://old');
    });

    it('refuse values the driver cannot use', () => {
      expect(() => configFrom('[drivers:message_store:mongodb]\npartitions = 0\n').group(MESSAGE_STORE_GROUP)).to.throw(ConfigError);
      expect(() => readMessageStoreOptions({ partitions: 1.5 })).to.throw(ConfigError, /partitions: must be an integer/);
      expect(() => readMessageStoreOptions({ uri: 42 })).to.throw(ConfigError, /uri: must be a string/);
    });

    it('never print the URI (it may hold a password)', () => {
      const uri = mongoManifests[0].optionGroups![0].options.find((o) => o.name === 'uri');
      expect(uri?.secret).to.equal(true);
      expect(redactUri('mongodb://zaqar:s3cret@db1:27017,db2/?replicaSet=rs0')).to.equal('mongodb://***@db1:27017,db2/?replicaSet=rs0');
    });
  });

  describe('URIs', () => {
    it("rewrite Zaqar's scheme prefixes to mongodb://", () => {
      expect(normaliseUri('mongodb.fifo://db1:27017,db2:27017/?replicaSet=rs0')).to.equal('mongodb://db1:27017,db2:27017/?replicaSet=rs0');
      expect(normaliseUri('mongodb://db:27017')).to.equal('mongodb://db:27017');
      expect(normaliseUri('db:27017')).to.equal('mongodb://db:27017');
      // A DNS seed list stays one.
      expect(normaliseUri('mongodb+srv://cluster.example.com/')).to.equal('mongodb+srv://cluster.example.com/');
    });

    it('connect to a replica set named in the URI', () => {
      const client = new MongoClient(normaliseUri('mongodb.fifo://db1:27017,db2:27018/?replicaSet=rs0&w=majority'));
      expect(client.options.replicaSet).to.equal('rs0');
      expect(client.options.hosts.map(String)).to.deep.equal(['db1:27017', 'db2:27018']);
      expect(client.writeConcern?.w).to.equal('majority');
    });

    it('fail fast on a down server unless the URI says otherwise', () => {
      const base = { uri: 'mongodb://db', database: 'zaqar', sslKeyfile: null, sslCertfile: null, sslCertReqs: 'CERT_REQUIRED', sslCaCerts: null, maxReconnectAttempts: 10, reconnectSleep: 0.02 };
      const options = clientOptions(base);
      expect(options.serverSelectionTimeoutMS).to.equal(SERVER_SELECTION_TIMEOUT_MS);
      expect(SERVER_SELECTION_TIMEOUT_MS).to.be.at.most(5000);
      expect(options.tls).to.equal(undefined);
      const own = clientOptions({ ...base, uri: 'mongodb://db/?serverSelectionTimeoutMS=20000&connectTimeoutMS=100' });
      expect(own).to.not.have.property('serverSelectionTimeoutMS');
      expect(own).to.not.have.property('connectTimeoutMS');
    });

    it('apply the ssl_* options only with ssl=true in the URI', () => {
      const read = (file: string) => Buffer.from(`contents of ${file}`);
      const base = {
        database: 'zaqar',
        sslKeyfile: '/etc/zaqar/key.pem',
        sslCertfile: '/etc/zaqar/cert.pem',
        sslCertReqs: 'CERT_REQUIRED',
        sslCaCerts: '/etc/zaqar/ca.pem',
        maxReconnectAttempts: 10,
        reconnectSleep: 0.02,
      };
      expect(wantsTls('mongodb://db/?SSL=True')).to.equal(true);
      expect(clientOptions({ ...base, uri: 'mongodb://db' }, read).tls).to.equal(undefined);
      const tls = clientOptions({ ...base, uri: 'mongodb://db/?ssl=true' }, read);
      expect(tls).to.include({ tls: true });
      expect(String(tls.key)).to.equal('contents of /etc/zaqar/key.pem');
      expect(String(tls.cert)).to.equal('contents of /etc/zaqar/cert.pem');
      expect(String(tls.ca)).to.equal('contents of /etc/zaqar/ca.pem');
      expect(tls).to.not.have.property('tlsAllowInvalidCertificates');
      for (const reqs of ['CERT_OPTIONAL', 'whatever']) {
        expect(clientOptions({ ...base, sslCertReqs: reqs, uri: 'mongodb://db/?ssl=true' }, read), reqs).to.not.have.property(
          'tlsAllowInvalidCertificates',
        );
      }
      expect(clientOptions({ ...base, sslCertReqs: 'CERT_NONE', uri: 'mongodb://db/?ssl=true' }, read)).to.include({
        tlsAllowInvalidCertificates: true,
      });
    });
  });

  describe('durability rule (the message store only)', () => {
    const standalone = {};
    const oneMember = { setName: 'rs0', hosts: ['db1:27017'] };
    const replicaSet = { setName: 'rs0', hosts: ['db1:27017', 'db2:27017'], arbiters: ['db3:27017'] };
    const mongos = { msg: 'isdbgrid' };

    it('requires a replica set of several members or a mongos', () => {
      expect(isReplicatedDeployment(standalone)).to.equal(false);
      expect(isReplicatedDeployment(oneMember)).to.equal(false);
      expect(isReplicatedDeployment(replicaSet)).to.equal(true);
      expect(isReplicatedDeployment(mongos)).to.equal(true);
      expect(durabilityProblem(standalone, 'majority', false)).to.equal(NEEDS_REPLICA_SET);
      expect(durabilityProblem(oneMember, 'majority', false)).to.equal(NEEDS_REPLICA_SET);
    });

    it('requires a write concern of majority or w >= 2', () => {
      expect(durabilityProblem(replicaSet, undefined, false)).to.equal(NEEDS_DURABLE_WRITE_CONCERN);
      expect(durabilityProblem(mongos, 1, false)).to.equal(NEEDS_DURABLE_WRITE_CONCERN);
      expect(durabilityProblem(replicaSet, 'majority', false)).to.equal(undefined);
      expect(durabilityProblem(mongos, 2, false)).to.equal(undefined);
    });

    it('is lifted by [DEFAULT] unreliable = true', () => {
      for (const hello of [standalone, oneMember, replicaSet, mongos]) {
        expect(durabilityProblem(hello, undefined, true)).to.equal(undefined);
      }
    });

    it('gives message databases {w: majority, j: false} unless the URI sets them', () => {
      expect(messageWriteConcern(undefined)).to.deep.equal({ w: 'majority', journal: false });
      expect(messageWriteConcern(new MongoClient('mongodb://db/?w=2').writeConcern)).to.deep.equal({ w: 2, journal: false });
      expect(messageWriteConcern(new MongoClient('mongodb://db/?journal=true&wtimeoutMS=500').writeConcern)).to.deep.equal({
        w: 'majority',
        journal: true,
        wtimeoutMS: 500,
      });
    });
  });

  describe('failures', () => {
    const network = () => new MongoNetworkError('connection reset');
    const notPrimary = () => new MongoServerError({ message: 'not primary', code: 10107 });
    const duplicate = () => new MongoServerError({ message: 'E11000 duplicate key error', code: 11000 });
    const selection = () => new MongoServerSelectionError('Server selection timed out after 3000 ms', { type: 'Unknown' } as never);

    it('tell transient failures, connection failures and duplicate keys apart', () => {
      expect([network(), notPrimary()].map(isTransient)).to.deep.equal([true, true]);
      expect([duplicate(), selection(), new Error('x')].map(isTransient)).to.deep.equal([false, false, false]);
      expect([network(), notPrimary(), selection()].map(isConnectionFailure)).to.deep.equal([true, true, true]);
      expect(isConnectionFailure(duplicate())).to.equal(false);
      expect(isDuplicateKey(duplicate())).to.equal(true);
      const bulk = Object.assign(new MongoServerError({ message: 'bulk', code: 65 }), { writeErrors: [{ code: 11000 }] });
      expect(isDuplicateKey(bulk)).to.equal(true);
    });

    it('report an unreachable server as ConnectionError (the API answers 503), anything else unchanged', () => {
      const converted = toStorageError(selection());
      expect(converted).to.be.instanceOf(ConnectionError);
      expect((converted as { cause?: unknown }).cause).to.be.instanceOf(MongoServerSelectionError);
      const other = duplicate();
      expect(toStorageError(other)).to.equal(other);
    });

    it('retry idempotent operations on transient failures, reconnect_sleep · 2^attempt apart', async () => {
      const calls = new MongoCalls({ maxReconnectAttempts: 4, reconnectSleep: 0.005 }, silentLogger);
      let attempts = 0;
      const started = Date.now();
      const result = await calls.idempotent('test', async () => {
        if (++attempts < 4) throw network();
        return 'done';
      });
      expect(result).to.equal('done');
      expect(attempts).to.equal(4);
      expect(Date.now() - started).to.be.at.least(5 + 10 + 20 - 3); // 3 sleeps: 5, 10, 20 ms

      attempts = 0;
      const error = await calls.idempotent('test', async () => {
        attempts++;
        throw network();
      }).catch((err: unknown) => err);
      expect(attempts).to.equal(4);
      expect(error).to.be.instanceOf(ConnectionError);
    });

    it('never retry non-transient failures or non-idempotent operations', async () => {
      const calls = new MongoCalls({ maxReconnectAttempts: 5, reconnectSleep: 0 }, silentLogger);
      let attempts = 0;
      const failing = (err: () => Error) => async () => {
        attempts++;
        throw err();
      };
      expect(await calls.idempotent('test', failing(duplicate)).catch((err: unknown) => err)).to.be.instanceOf(MongoServerError);
      expect(attempts).to.equal(1);
      attempts = 0;
      expect(await calls.idempotent('test', failing(selection)).catch((err: unknown) => err)).to.be.instanceOf(ConnectionError);
      expect(attempts).to.equal(1);
      attempts = 0;
      expect(await calls.once(failing(network)).catch((err: unknown) => err)).to.be.instanceOf(ConnectionError);
      expect(attempts).to.equal(1);
    });
  });
});
