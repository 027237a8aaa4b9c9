/**
 * A worked example of the INI dialect's traps (no inline comments, quotes,
 * continuation lines, deprecated groups, interpolation, dashed keys): the
 * file written to disk and loaded the way zaqar-server loads it, then every
 * resolved value checked against what oslo.config 9.0.0 resolves.
 */
import { expect } from 'chai';
import type { OsloConfig } from '../../../zaqar/config/config';
import { DEFAULT_GROUP, DRIVERS_GROUP, NOTIFICATION_GROUP, SIGNED_URL_GROUP, TRANSPORT_GROUP, WEBSOCKET_TRANSPORT_GROUP } from '../../../zaqar/config/groups';
import { loadConfig } from '../../../zaqar/config/load';
import { bootstrap } from '../../../zaqar/bootstrap/bootstrap';
import { silentLogger } from '../../../zaqar/common/logger';
import { ConfigError } from '../../../zaqar/config/options';
import { TempDir } from './helpers';

const WORKED_EXAMPLE = `[DEFAULT]
pooling = Yes
auth_strategy = keystone # not a comment
admin_mode: true

[Drivers]
message_store = "redis"

[transport]
subscriber_types = http, https ,"mailto"
max_messages_per_page = 15
max_messages_per_page = 17
max_message_ttl = \${max_claim_ttl}
max_claim_ttl = 50000

[limits:transport]
queue_paging_uplimit = 33

[notification]
smtp_command = /usr/sbin/sendmail
  -t -oi

[drivers:transport:websocket]
external_port = 1234
notification-port = 99

[signed_url]
secret_key = abc$$def\\$x
`;

describe('config: a worked example of the INI dialect', () => {
  const dir = new TempDir();
  let path: string;
  let config: OsloConfig;
  const warnings: string[] = [];

  before(() => {
    path = dir.write('zaqar.conf', WORKED_EXAMPLE);
    config = loadConfig(['--config-file', path], { searchDirs: [], onWarning: (m) => warnings.push(m) }).config;
  });
  after(() => dir.cleanup());

  it('has the file text intended (${...}, $$ and \\$ kept)', () => {
    expect(WORKED_EXAMPLE).to.include('max_message_ttl = ${max_claim_ttl}\n');
    expect(WORKED_EXAMPLE).to.include('secret_key = abc$$def\\$x\n');
  });

  it('pooling = true (Yes, case-insensitive)', () => {
    expect(config.get(DEFAULT_GROUP).pooling).to.equal(true);
  });

  it('auth_strategy = "keystone # not a comment" (no inline comments)', () => {
    expect(config.get(DEFAULT_GROUP).auth_strategy).to.equal('keystone # not a comment');
  });

  it('admin_mode = true (":" separator)', () => {
    expect(config.get(DEFAULT_GROUP).admin_mode).to.equal(true);
  });

  it('message_store = "redis" (quotes stripped, section name case-insensitive)', () => {
    expect(config.get(DRIVERS_GROUP).message_store).to.equal('redis');
  });

  it('subscriber_types = ["http", "https", "\\"mailto\\""]', () => {
    expect(config.get(TRANSPORT_GROUP).subscriber_types).to.deep.equal(['http', 'https', '"mailto"']);
  });

  it('max_messages_per_page = 17 (last wins)', () => {
    expect(config.get(TRANSPORT_GROUP).max_messages_per_page).to.equal(17);
  });

  it('max_message_ttl = 50000 (interpolated)', () => {
    expect(config.get(TRANSPORT_GROUP).max_message_ttl).to.equal(50000);
  });

  it('max_queues_per_page = 33 (deprecated group), with a deprecation warning', () => {
    expect(config.get(TRANSPORT_GROUP).max_queues_per_page).to.equal(33);
    expect(warnings).to.deep.equal([
      'Option "queue_paging_uplimit" from group "limits:transport" is deprecated. Use option "max_queues_per_page" from group "transport".',
    ]);
  });

  it('smtp_command = "/usr/sbin/sendmail\\n-t -oi" (continuation)', () => {
    expect(config.get(NOTIFICATION_GROUP).smtp_command).to.equal('/usr/sbin/sendmail\n-t -oi');
  });

  it('external_port = 1234 and notification_port = 0 (dashed key ignored)', () => {
    const websocket = config.get(WEBSOCKET_TRANSPORT_GROUP);
    expect(websocket.external_port).to.equal(1234);
    expect(websocket.notification_port).to.equal(0);
  });

  it('secret_key = "abc$def$x" ($$ and \\$ escapes)', () => {
    expect(config.get(SIGNED_URL_GROUP).secret_key).to.equal('abc$def$x');
  });

  it('is refused at start-up because of its auth_strategy', async () => {
    const { config: loaded } = loadConfig(['--config-file', path], { searchDirs: [], onWarning: () => undefined });
    const error = await bootstrap({ config: loaded, logger: silentLogger }).then(
      () => expect.fail('bootstrap accepted the configuration'),
      (err: unknown) => err,
    );
    expect(error).to.be.instanceOf(ConfigError);
    expect(String(error)).to.equal(`${path} [DEFAULT] auth_strategy: unknown auth plugin 'keystone # not a comment' (available: keystone, noauth)`);
  });
});
