import { expect } from 'chai';
import { DEFAULT_GROUP, DRIVERS_GROUP, NOTIFICATION_GROUP, OSLO_POLICY_GROUP, TRANSPORT_GROUP, WEBSOCKET_TRANSPORT_GROUP } from '../../../zaqar/config/groups';
import { ConfigError, type OptionGroup, type OptionSpec } from '../../../zaqar/config/options';
import { configErrorOf, configFrom, lines } from './helpers';

describe('config/OsloConfig: resolving option values as oslo.config does', () => {
  describe('precedence', () => {
    it('uses the last assignment of a key within a file', () => {
      const config = configFrom([lines('[transport]', 'max_messages_per_page = 15', 'max_messages_per_page = 17')]);
      expect(config.get(TRANSPORT_GROUP).max_messages_per_page).to.equal(17);
    });

    it('lets a later file win over an earlier one', () => {
      const config = configFrom([
        lines('[transport]', 'max_messages_per_page = 15', 'max_queues_per_page = 5'),
        lines('[transport]', 'max_messages_per_page = 30'),
      ]);
      const transport = config.get(TRANSPORT_GROUP);
      expect(transport.max_messages_per_page).to.equal(30);
      expect(transport.max_queues_per_page).to.equal(5);
    });

    it('uses defaults, converted through the option type', () => {
      const transport = configFrom([]).get(TRANSPORT_GROUP);
      expect(transport.min_length_client_id).to.equal(10);
      expect(transport.max_length_client_id).to.equal(36);
      expect(transport.subscriber_types).to.deep.equal(['http', 'https', 'mailto', 'trust+http', 'trust+https']);
    });

    it('lets command-line values beat file values', () => {
      const commandLine = new Map([['DEFAULT', new Map<string, unknown>([['admin_mode', false], ['log_file', '/var/log/z.log']])]]);
      const config = configFrom([lines('[DEFAULT]', 'admin_mode = true', 'log_file = /tmp/other.log')], { commandLine });
      const defaults = config.get(DEFAULT_GROUP);
      expect(defaults.admin_mode).to.equal(false);
      expect(defaults.log_file).to.equal('/var/log/z.log');
    });
  });

  describe('deprecated names', () => {
    it('reads an alias in the same group', () => {
      const config = configFrom([lines('[DEFAULT]', 'sharding = true', '[drivers]', 'storage = redis')]);
      expect(config.get(DEFAULT_GROUP).pooling).to.equal(true);
      expect(config.get(DRIVERS_GROUP).message_store).to.equal('redis');
    });

    it('reads an alias in a deprecated group', () => {
      const config = configFrom([lines('[limits:transport]', 'queue_paging_uplimit = 33', 'claim_ttl_max = 99')]);
      const transport = config.get(TRANSPORT_GROUP);
      expect(transport.max_queues_per_page).to.equal(33);
      expect(transport.max_claim_ttl).to.equal(99);
    });

    it('prefers the current name within one file', () => {
      const config = configFrom([lines('[DEFAULT]', 'sharding = true', 'pooling = false')]);
      expect(config.get(DEFAULT_GROUP).pooling).to.equal(false);
    });

    it('lets an alias in a later file beat the current name in an earlier file', () => {
      const config = configFrom([
        lines('[transport]', 'max_queues_per_page = 10'),
        lines('[limits:transport]', 'queue_paging_uplimit = 40'),
      ]);
      expect(config.get(TRANSPORT_GROUP).max_queues_per_page).to.equal(40);
    });

    it('takes the first declared alias when a file has several', () => {
      const config = configFrom([
        lines('[limits:transport]', 'message_size_uplimit = 2', '[transport]', 'max_message_size = 1'),
      ]);
      expect(config.get(TRANSPORT_GROUP).max_messages_post_size).to.equal(1);
    });

    it('reads the dashed alias of oslo.log options with underscores (log_config)', () => {
      const config = configFrom([lines('[DEFAULT]', 'log_config = /etc/zaqar/logging.conf', 'logfile = a.log', 'logdir = /var/log')]);
      const defaults = config.get(DEFAULT_GROUP);
      expect(defaults.log_config_append).to.equal('/etc/zaqar/logging.conf');
      expect(defaults.log_file).to.equal('a.log');
      expect(defaults.log_dir).to.equal('/var/log');
    });

    it('warns once per alias used, in oslo wording', () => {
      const warnings: string[] = [];
      const config = configFrom([lines('[DEFAULT]', 'sharding = true', '[limits:transport]', 'queue_paging_uplimit = 3')], {
        onWarning: (message) => warnings.push(message),
      });
      config.group('DEFAULT');
      config.group('transport');
      config.register({ name: 'late', options: [] }); // clears the caches: values are resolved again
      config.group('DEFAULT');
      config.withOverrides('transport', { max_pools_per_page: 1 }).group('transport');
      expect(warnings).to.deep.equal([
        'Option "sharding" from group "DEFAULT" is deprecated. Use option "pooling" from group "DEFAULT".',
        'Option "queue_paging_uplimit" from group "limits:transport" is deprecated. Use option "max_queues_per_page" from group "transport".',
      ]);
    });
  });

  describe('section and key names', () => {
    it('does not consult [default] for DEFAULT options', () => {
      const config = configFrom([lines('[default]', 'admin_mode = true')]);
      expect(config.get(DEFAULT_GROUP).admin_mode).to.equal(false);
      expect(config.sections()).to.deep.equal(['default']);
    });

    it('matches other section names case-insensitively', () => {
      const config = configFrom([lines('[Drivers]', 'transport = websocket', '[TRANSPORT]', 'max_pools_per_page = 7')]);
      expect(config.get(DRIVERS_GROUP).transport).to.equal('websocket');
      expect(config.get(TRANSPORT_GROUP).max_pools_per_page).to.equal(7);
    });

    it('ignores the dashed spelling of websocket options', () => {
      const config = configFrom([
        lines('[drivers:transport:websocket]', 'external_port = 1234', 'notification-port = 99', 'external-port = 1'),
      ]);
      const websocket = config.get(WEBSOCKET_TRANSPORT_GROUP);
      expect(websocket.external_port).to.equal(1234);
      expect(websocket.notification_port).to.equal(0);
    });

    it('does not match keys case-insensitively', () => {
      const config = configFrom([lines('[DEFAULT]', 'Admin_Mode = true')]);
      expect(config.get(DEFAULT_GROUP).admin_mode).to.equal(false);
    });

    it('keeps unknown sections and keys available for late registration', () => {
      const config = configFrom([lines('[drivers:message_store:redis]', 'uri = redis://h:6379', '[oslo_reports]', 'x = 1')]);
      expect(config.sections()).to.deep.equal(['drivers:message_store:redis', 'oslo_reports']);
      config.register({
        name: 'drivers:message_store:redis',
        options: [{ name: 'uri', type: 'string', default: 'redis://127.0.0.1:6379', help: 'Redis URI.' }],
      });
      expect(config.group('drivers:message_store:redis')).to.deep.equal({ uri: 'redis://h:6379' });
    });
  });

  describe('multi-valued options', () => {
    it('collects every assignment of every file, oldest file first', () => {
      const config = configFrom([
        lines('[oslo_policy]', 'policy_dirs = /a', 'policy_dirs = /b'),
        lines('[oslo_policy]', 'policy_dirs = /c', '[cache]', 'backend_argument = url:redis://h'),
      ]);
      expect(config.get(OSLO_POLICY_GROUP).policy_dirs).to.deep.equal(['/a', '/b', '/c']);
      expect(config.group('cache')['backend_argument']).to.deep.equal(['url:redis://h']);
    });

    it('uses the default when no file sets the option', () => {
      expect(configFrom([]).get(OSLO_POLICY_GROUP).policy_dirs).to.deep.equal(['policy.d']);
    });

    it('keeps an empty assignment as an empty item', () => {
      expect(configFrom([lines('[cache]', 'backend_argument =')]).group('cache')['backend_argument']).to.deep.equal(['']);
    });
  });

  describe('empty values', () => {
    it('mean "" for strings, null for integers and ports, [] for lists, {} for dicts', () => {
      const config = configFrom([
        lines(
          '[DEFAULT]',
          'log_date_format =',
          '[transport]',
          'max_messages_per_page =',
          'subscriber_types =',
          '[drivers:transport:wsgi]',
          'port =',
          '[notification]',
          'subscription_confirmation_email_template =',
          '[cache]',
          'memcache_socket_timeout =',
        ),
      ]);
      expect(config.get(DEFAULT_GROUP).log_date_format).to.equal('');
      expect(config.get(TRANSPORT_GROUP).max_messages_per_page).to.equal(null);
      expect(config.get(TRANSPORT_GROUP).subscriber_types).to.deep.equal([]);
      expect(config.group('drivers:transport:wsgi')['port']).to.equal(null);
      expect(config.get(NOTIFICATION_GROUP).subscription_confirmation_email_template).to.deep.equal({});
      expect(config.group('cache')['memcache_socket_timeout']).to.equal(null);
    });

    it('are an error for booleans and host addresses', () => {
      expect(configErrorOf(() => configFrom([lines('[DEFAULT]', 'debug =')]).group('DEFAULT')).toString()).to.equal(
        'file1.conf [DEFAULT] debug: empty value is not a valid boolean (use true/false, yes/no, on/off or 1/0)',
      );
      const error = configErrorOf(() => configFrom([lines('[drivers:transport:wsgi]', 'bind =')]).group('drivers:transport:wsgi'));
      expect(error.toString()).to.match(/^file1\.conf \[drivers:transport:wsgi\] bind: invalid host address ''/);
    });
  });

  describe('dict options in files', () => {
    it('replace the default dict entirely (no merge with the default keys)', () => {
      const config = configFrom([lines('[notification]', 'subscription_confirmation_email_template = topic:Hi,sender:me@example.org')]);
      expect(config.get(NOTIFICATION_GROUP).subscription_confirmation_email_template).to.deep.equal({
        topic: 'Hi',
        sender: 'me@example.org',
      });
    });

    it('fall into the comma trap of the e-mail template bodies', () => {
      const config = configFrom([
        lines('[notification]', 'unsubscribe_confirmation_email_template = body:Bye, see you: {0},topic:Bye'),
      ]);
      expect(config.get(NOTIFICATION_GROUP).unsubscribe_confirmation_email_template).to.deep.equal({
        body: 'Bye',
        'see you': '{0}',
        topic: 'Bye',
      });
    });
  });

  describe('invalid values → one-line ConfigError naming file, group, option and reason', () => {
    const cases: Array<{ title: string; text: string; group: string; expected: string }> = [
      {
        title: 'a bad boolean',
        text: lines('[DEFAULT]', 'pooling = maybe'),
        group: 'DEFAULT',
        expected: "file1.conf [DEFAULT] pooling: invalid boolean 'maybe' (use true/false, yes/no, on/off or 1/0)",
      },
      {
        title: 'a bad integer',
        text: lines('[transport]', 'max_messages_per_page = abc'),
        group: 'transport',
        expected: "file1.conf [transport] max_messages_per_page: invalid integer 'abc'",
      },
      {
        title: 'an out-of-range port',
        text: lines('[drivers:transport:wsgi]', 'port = 70000'),
        group: 'drivers:transport:wsgi',
        expected: 'file1.conf [drivers:transport:wsgi] port: port 70000 is out of range 0-65535',
      },
      {
        title: 'a bad choice',
        text: lines('[transport]', 'client_id_uuid_safe = loose'),
        group: 'transport',
        expected: "file1.conf [transport] client_id_uuid_safe: invalid choice 'loose' (allowed: 'strict' or 'off')",
      },
      {
        title: 'a bad list item',
        text: lines('[DEFAULT]', 'enable_deprecated_api_versions = 1, 2'),
        group: 'DEFAULT',
        expected: "file1.conf [DEFAULT] enable_deprecated_api_versions: invalid item '2' (allowed: '1' or '1.1')",
      },
      {
        title: 'a bad host address',
        text: lines('[drivers:transport:websocket]', 'notification_bind = not a host'),
        group: 'drivers:transport:websocket',
        expected: "file1.conf [drivers:transport:websocket] notification_bind: invalid host address 'not a host' (expected an IPv4/IPv6 address or a host name)",
      },
      {
        title: 'a value below the minimum',
        text: lines('[cache]', 'retry_attempts = 0'),
        group: 'cache',
        expected: 'file1.conf [cache] retry_attempts: 0 is below the minimum 1',
      },
    ];
    for (const { title, text, group, expected } of cases) {
      it(`reports ${title}`, () => {
        const error = configErrorOf(() => configFrom([text]).group(group));
        expect(error).to.be.instanceOf(ConfigError);
        expect(error.toString()).to.equal(expected);
        expect(error.toString()).not.to.include('\n');
      });
    }

    it('names the file the value came from, and the deprecated name it was set under', () => {
      const error = configErrorOf(() =>
        configFrom([lines('[transport]', 'max_queues_per_page = 1'), lines('[limits:transport]', 'queue_paging_uplimit = x')]).group(
          'transport',
        ),
      );
      expect(error.toString()).to.equal(
        "file2.conf [transport] max_queues_per_page: invalid integer 'x' (set as deprecated [limits:transport] queue_paging_uplimit)",
      );
    });

    it('does not show the value of secret options', () => {
      const group: OptionGroup = { name: 'vault', options: [{ name: 'token_ttl', type: 'integer', secret: true, help: 'TTL.' }] };
      const error = configErrorOf(() => configFrom([lines('[vault]', 'token_ttl = s3cr3t')], { groups: [group] }).group('vault'));
      expect(error.toString()).to.equal("file1.conf [vault] token_ttl: invalid integer '****'");
    });

    it('reports command-line values as such', () => {
      const commandLine = new Map([['DEFAULT', new Map<string, unknown>([['log_rotation_type', 'weekly']])]]);
      const error = configErrorOf(() => configFrom([], { commandLine }).group('DEFAULT'));
      expect(error.toString()).to.match(/^command line \[DEFAULT\] log_rotation_type: invalid choice 'weekly'/);
    });

    it('reports an invalid code default as a default', () => {
      const group: OptionGroup = { name: 'p', options: [{ name: 'port', type: 'port', default: 99999, help: 'Port.' }] };
      expect(configErrorOf(() => configFrom([], { groups: [group] }).group('p')).toString()).to.equal(
        '[p] port: invalid default value: port 99999 is out of range 0-65535',
      );
    });

    it('lets other modules report a bad value at its source (optionError)', () => {
      const config = configFrom([lines('[drivers]', 'message_store = nosuchstore')]);
      expect(config.optionError('drivers', 'message_store', "no storage plugin named 'nosuchstore'").toString()).to.equal(
        "file1.conf [drivers] message_store: no storage plugin named 'nosuchstore'",
      );
      expect(config.optionError('drivers', 'transport', 'x').toString()).to.equal('[drivers] transport: x (default value)');
    });
  });

  describe('registration', () => {
    const pathOption: OptionSpec = { name: 'path', type: 'string', default: 'zaqar.db', help: 'Database file.' };
    const late: OptionGroup = { name: 'drivers:message_store:sqlite', options: [pathOption] };

    it('works after parsing and is idempotent', () => {
      const config = configFrom([lines('[drivers:message_store:sqlite]', 'path = /var/lib/zaqar/z.db')]);
      config.register(late);
      config.register(late);
      config.register({ ...late, options: [{ ...pathOption, help: 'Reworded help.' }] });
      expect(config.group('drivers:message_store:sqlite')).to.deep.equal({ path: '/var/lib/zaqar/z.db' });
    });

    it('adds options to a group already resolved', () => {
      const config = configFrom([lines('[drivers:message_store:sqlite]', 'wal = false')]);
      config.register(late);
      expect(config.group('drivers:message_store:sqlite')).to.deep.equal({ path: 'zaqar.db' });
      config.register({ name: late.name, options: [{ name: 'wal', type: 'boolean', default: true, help: 'WAL.' }] });
      expect(config.group('drivers:message_store:sqlite')).to.deep.equal({ path: 'zaqar.db', wal: false });
    });

    it('rejects the same option with a different definition', () => {
      const config = configFrom([]);
      config.register(late);
      const error = configErrorOf(() =>
        config.register({ name: late.name, options: [{ name: 'path', type: 'integer', help: 'Database file.' }] }),
      );
      expect(error.toString()).to.equal('[drivers:message_store:sqlite] path: option registered twice with different definitions');
    });

    it('refuses to resolve a group that is not registered', () => {
      expect(configErrorOf(() => configFrom([]).group('nope')).toString()).to.equal('[nope]: option group is not registered');
    });
  });

  describe('resolved groups', () => {
    it('are cached and frozen', () => {
      const config = configFrom([]);
      const transport = config.get(TRANSPORT_GROUP);
      expect(config.group('transport')).to.equal(transport);
      expect(Object.isFrozen(transport)).to.equal(true);
      expect(Object.isFrozen(transport.subscriber_types)).to.equal(true);
    });

    it('are keyed by every declared option, in declaration order', () => {
      const drivers = configFrom([]).group('drivers');
      expect(Object.keys(drivers)).to.deep.equal(['transport', 'message_store', 'management_store']);
    });
  });
});
