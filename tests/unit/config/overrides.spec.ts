import { expect } from 'chai';
import { DRIVERS_GROUP } from '../../../zaqar/config/groups';
import type { OptionGroup } from '../../../zaqar/config/options';
import { configErrorOf, configFrom, lines } from './helpers';

/** The options a MongoDB store plugin would declare (abridged). */
const MONGODB_MESSAGE_STORE: OptionGroup = {
  name: 'drivers:message_store:mongodb',
  options: [
    { name: 'uri', type: 'string', help: 'MongoDB URI.' },
    { name: 'database', type: 'string', default: 'zaqar', help: 'Database name.' },
    { name: 'partitions', type: 'integer', default: 2, help: 'Message databases.' },
    { name: 'max_retry_sleep', type: 'float', default: 0.1, help: 'Back-off.' },
  ],
};

function baseConfig() {
  const config = configFrom([lines('[drivers:message_store:mongodb]', 'uri = mongodb://base:27017', 'database = base_db')]);
  config.register(MONGODB_MESSAGE_STORE);
  return config;
}

describe('config/OsloConfig.withOverrides: per-pool configurations', () => {
  it('replaces the given values in the copy only', () => {
    const config = baseConfig();
    const before = config.group('drivers:message_store:mongodb');
    const pool = config.withOverrides('drivers:message_store:mongodb', { uri: 'mongodb://pool2:27017', partitions: 4 });

    expect(pool.group('drivers:message_store:mongodb')).to.deep.equal({
      uri: 'mongodb://pool2:27017',
      database: 'base_db',
      partitions: 4,
      max_retry_sleep: 0.1,
    });
    expect(config.group('drivers:message_store:mongodb')).to.equal(before);
    expect(config.group('drivers:message_store:mongodb')).to.deep.include({ uri: 'mongodb://base:27017', partitions: 2 });
  });

  it('layers overlays: overrides of overrides, each isolated', () => {
    const config = baseConfig();
    const pool = config.withOverrides('drivers:message_store:mongodb', { uri: 'mongodb://pool2' });
    const fifo = pool.withOverrides('drivers', { message_store: 'mongodb.fifo' });
    expect(fifo.get(DRIVERS_GROUP).message_store).to.equal('mongodb.fifo');
    expect(fifo.group('drivers:message_store:mongodb')['uri']).to.equal('mongodb://pool2');
    expect(pool.get(DRIVERS_GROUP).message_store).to.equal('mongodb');
    expect(config.get(DRIVERS_GROUP).message_store).to.equal('mongodb');
  });

  it('registers unknown keys in the copy only, typed from the JSON value', () => {
    const config = baseConfig();
    const unknown = { replica_name: 'rs0', w: 2, ratio: 0.5, tls: true, hosts: ['a', 'b'], extra: { k: 'v' } };
    // A copy goes in, so that what comes out is compared with the values, not with itself.
    const pool = config.withOverrides('drivers:message_store:mongodb', structuredClone(unknown));
    expect(pool.group('drivers:message_store:mongodb')).to.deep.include(unknown);
    expect(config.group('drivers:message_store:mongodb')).not.to.have.property('replica_name');
    expect(config.withOverrides('drivers:message_store:mongodb', {}).group('drivers:message_store:mongodb')).not.to.have.property('w');
  });

  it('can override a group that has no declaration at all', () => {
    const pool = configFrom([]).withOverrides('drivers:message_store:redis', { uri: 'redis://h:6379' });
    expect(pool.group('drivers:message_store:redis')).to.deep.equal({ uri: 'redis://h:6379' });
  });

  it('converts string values like file text and interpolates them', () => {
    const pool = baseConfig().withOverrides('drivers:message_store:mongodb', { partitions: '8', database: 'db_$partitions' });
    expect(pool.group('drivers:message_store:mongodb')).to.deep.include({ partitions: 8, database: 'db_8' });
  });

  it('validates override values, naming the overrides in the error', () => {
    const pool = baseConfig().withOverrides('drivers:message_store:mongodb', { partitions: 'many' }, 'pool "p2" options');
    expect(configErrorOf(() => pool.group('drivers:message_store:mongodb')).toString()).to.equal(
      `pool "p2" options [drivers:message_store:mongodb] partitions: invalid integer 'many'`,
    );
    const typed = baseConfig().withOverrides('drivers:message_store:mongodb', { partitions: 2.5 });
    expect(configErrorOf(() => typed.group('drivers:message_store:mongodb')).reason).to.equal('expected an integer, got 2.5');
  });

  it('does not leak registrations made on the copy back to the original', () => {
    const config = baseConfig();
    const pool = config.withOverrides('drivers:message_store:mongodb', {});
    pool.register({ name: 'pool-only', options: [{ name: 'x', type: 'string', default: 'y', help: 'X.' }] });
    expect(pool.group('pool-only')).to.deep.equal({ x: 'y' });
    expect(() => config.group('pool-only')).to.throw(/not registered/);
  });

  it('shares the files and the command line with the original', () => {
    const commandLine = new Map([['DEFAULT', new Map<string, unknown>([['debug', true]])]]);
    const config = configFrom([lines('[drivers]', 'transport = websocket')], { commandLine });
    const pool = config.withOverrides('drivers', { message_store: 'redis' });
    expect(pool.files).to.deep.equal(['file1.conf']);
    expect(pool.get(DRIVERS_GROUP)).to.deep.equal({
      transport: 'websocket',
      message_store: 'redis',
      management_store: 'mongodb',
    });
    expect(pool.group('DEFAULT')['debug']).to.equal(true);
  });
});
