import { expect } from 'chai';
import { CORE_OPTION_GROUPS, CORS_GROUP, DEFAULT_GROUP, DRIVERS_GROUP, NOTIFICATION_GROUP, OSLO_POLICY_GROUP, PLUGINS_GROUP, TRANSPORT_GROUP, WEBSOCKET_TRANSPORT_GROUP, WSGI_TRANSPORT_GROUP } from '../../../zaqar/config/groups';
import { configFrom } from './helpers';

function optionOf(group: string, name: string) {
  return CORE_OPTION_GROUPS.find((candidate) => candidate.name === group)?.options.find((option) => option.name === name);
}

describe('config/groups: the core option groups', () => {
  it('declares each group once, each option once, each with a help text', () => {
    const names = CORE_OPTION_GROUPS.map((group) => group.name);
    expect(new Set(names).size).to.equal(names.length);
    for (const group of CORE_OPTION_GROUPS) {
      const options = group.options.map((option) => option.name);
      expect(new Set(options).size, group.name).to.equal(options.length);
      for (const option of group.options) expect(option.help, `${group.name} ${option.name}`).to.not.equal('');
    }
  });

  it('has valid defaults: every group resolves without a config file', () => {
    const config = configFrom([]);
    expect(() => config.validateGroups()).not.to.throw();
  });

  it('has the reference defaults', () => {
    const config = configFrom([]);
    expect(config.get(DEFAULT_GROUP)).to.include({
      admin_mode: false,
      pooling: false,
      unreliable: false,
      enable_checksum: false,
      auth_strategy: '',
      debug: false,
      log_date_format: '%Y-%m-%d %H:%M:%S',
      log_file: null,
      syslog_log_facility: 'LOG_USER',
      rate_limit_except_level: 'CRITICAL',
    });
    expect(config.get(DEFAULT_GROUP).logging_context_format_string).to.include('[project_id:%(project_id)s]');
    expect(config.get(DRIVERS_GROUP)).to.deep.equal({ transport: 'wsgi', message_store: 'mongodb', management_store: 'mongodb' });
    expect(config.get(WSGI_TRANSPORT_GROUP)).to.deep.equal({ bind: '127.0.0.1', port: 8888, workers: 1 });
    expect(config.get(WEBSOCKET_TRANSPORT_GROUP)).to.deep.equal({
      bind: '127.0.0.1',
      port: 9000,
      external_port: null,
      notification_bind: null,
      notification_port: 0,
      // ours: per-connection limits and keep-alive (Zaqar has none)
      max_requests_in_flight: 8,
      max_outbound_buffer: 8 * 1024 * 1024,
      ping_interval: 30,
    });
    expect(config.get(TRANSPORT_GROUP)).to.include({
      default_message_ttl: 3600,
      default_claim_ttl: 300,
      default_claim_grace: 60,
      max_messages_post_size: 262144,
      max_message_ttl: 1209600,
      max_claim_ttl: 43200,
      client_id_uuid_safe: 'strict',
      message_encryption_key: 'AES256',
    });
    expect(config.get(NOTIFICATION_GROUP).subscription_confirmation_email_template).to.deep.equal({
      topic: 'Zaqar Notification - Subscription Confirmation',
      body:
        'You have chosen to subscribe to the queue: {0}. This queue belongs to project: {1}. ' +
        'To confirm this subscription, click or visit this link below: {2}',
      sender: 'Zaqar Notifications <no-reply@openstack.org>',
    });
    expect(config.get(OSLO_POLICY_GROUP)).to.include({ policy_file: 'policy.yaml', policy_default_rule: 'default' });
    expect(config.get(PLUGINS_GROUP).paths).to.deep.equal([]);
  });

  it("uses Zaqar's run-time CORS defaults, not the library's", () => {
    const cors = configFrom([]).get(CORS_GROUP);
    expect(cors.allowed_origin).to.equal(null);
    expect(cors.allow_methods).to.deep.equal(['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD']);
    expect(cors.expose_headers).to.include('X-OpenStack-Request-ID');
    expect(cors.allow_headers).to.include('Client-id');
  });

  it('declares every deprecated alias Zaqar honours', () => {
    const aliases: Array<[string, string, string | undefined, string]> = [
      ['DEFAULT', 'pooling', undefined, 'sharding'],
      ['drivers', 'message_store', undefined, 'storage'],
      ['transport', 'max_queues_per_page', 'limits:transport', 'queue_paging_uplimit'],
      ['transport', 'max_messages_per_page', 'limits:transport', 'message_paging_uplimit'],
      ['transport', 'max_subscriptions_per_page', 'limits:transport', 'subscription_paging_uplimit'],
      ['transport', 'max_messages_per_claim_or_pop', undefined, 'max_messages_per_claim'],
      ['transport', 'max_queue_metadata', 'limits:transport', 'metadata_size_uplimit'],
      ['transport', 'max_messages_post_size', 'limits:transport', 'message_size_uplimit'],
      ['transport', 'max_messages_post_size', undefined, 'max_message_size'],
      ['transport', 'max_message_ttl', 'limits:transport', 'message_ttl_max'],
      ['transport', 'max_claim_ttl', 'limits:transport', 'claim_ttl_max'],
      ['transport', 'max_claim_grace', 'limits:transport', 'claim_grace_max'],
      ['keystone_authtoken', 'www_authenticate_uri', undefined, 'auth_uri'],
      ['keystone_authtoken', 'memcached_servers', undefined, 'memcache_servers'],
      ['keystone_authtoken', 'auth_type', undefined, 'auth_plugin'],
      ['DEFAULT', 'log_file', undefined, 'logfile'],
      ['DEFAULT', 'log_dir', undefined, 'logdir'],
    ];
    for (const [group, name, aliasGroup, aliasName] of aliases) {
      expect(optionOf(group, name)?.deprecated, `[${group}] ${name}`).to.deep.include(
        aliasGroup ? { group: aliasGroup, name: aliasName } : { name: aliasName },
      );
    }
    // oslo.log declares `log-config`; the file spelling log_config is derived from it.
    expect(optionOf('DEFAULT', 'log_config_append')?.deprecated).to.deep.equal([{ name: 'log-config' }]);
  });

  it('does not restrict plugin names in [drivers]', () => {
    const drivers = configFrom([`[drivers]\nmessage_store = sqlite\nmanagement_store = my-plugin\n`]).get(DRIVERS_GROUP);
    expect(drivers).to.include({ message_store: 'sqlite', management_store: 'my-plugin' });
  });

  it('marks secrets as secret', () => {
    for (const [group, name] of [
      ['signed_url', 'secret_key'],
      ['transport', 'message_encryption_key'],
      ['notification', 'smtp_user_password'],
      ['keystone_authtoken', 'password'],
      ['keystone_authtoken', 'memcache_secret_key'],
      ['trustee', 'password'],
      ['cache', 'memcache_password'],
    ] as const) {
      expect(optionOf(group, name)?.secret, `[${group}] ${name}`).to.equal(true);
    }
  });
});
