/**
 * Debian's packaged /etc/zaqar/zaqar.conf (package zaqar-common): the
 * complete generated sample, every option commented out except a few in
 * [keystone_authtoken] and [oslo_policy]. It must load unchanged, and so
 * must a variant with every `#name = value` line uncommented.
 */
import { expect } from 'chai';
import type { OsloConfig } from '../../../zaqar/config/config';
import { KEYSTONE_AUTHTOKEN_GROUP, NOTIFICATION_GROUP, OSLO_POLICY_GROUP } from '../../../zaqar/config/groups';
import { loadConfig } from '../../../zaqar/config/load';
import type { OptionValue } from '../../../zaqar/config/options';
import { DEBIAN_SAMPLE as SAMPLE, readSampleOrSkip } from '../../helpers/debian-sample';
import { TempDir } from './helpers';


/** A commented-out option line of the generated sample: `#name = value` (value may be empty). */
const COMMENTED_OPTION = /^#([a-z_][a-z0-9_-]*) =(?: (.*))?$/;

/**
 * `<None>` is how the sample generator writes "no default"; uncommented it
 * would be the literal text `<None>` (an invalid port, host, integer...),
 * which is not a value anyone configures. Those lines stay commented.
 */
const PLACEHOLDER = '<None>';

function uncommentOptions(text: string): { text: string; uncommented: number; skipped: string[] } {
  let uncommented = 0;
  const skipped: string[] = [];
  const lines = text.split('\n').map((line) => {
    const match = COMMENTED_OPTION.exec(line);
    if (!match) return line;
    if (match[2] === PLACEHOLDER) {
      skipped.push(match[1] ?? '');
      return line;
    }
    uncommented++;
    return line.slice(1);
  });
  return { text: lines.join('\n'), uncommented, skipped };
}

/** group → option → value, for every registered group. */
function resolveAll(config: OsloConfig): Map<string, Readonly<Record<string, OptionValue>>> {
  return new Map(config.groupNames().map((name) => [name, config.group(name)]));
}

/** `group option` of every value that differs from the value of a configuration without files. */
function differencesFromDefaults(config: OsloConfig): string[] {
  const defaults = resolveAll(loadConfig([], { searchDirs: [] }).config);
  const differences: string[] = [];
  for (const [group, values] of resolveAll(config)) {
    for (const [option, value] of Object.entries(values)) {
      if (JSON.stringify(value) !== JSON.stringify(defaults.get(group)?.[option])) differences.push(`${group} ${option}`);
    }
  }
  return differences;
}

describe("config: Debian's sample /etc/zaqar/zaqar.conf", function () {
  let sample: string;
  const dir = new TempDir();

  before(function () {
    sample = readSampleOrSkip(this);
  });
  after(() => dir.cleanup());

  it('is the complete generated sample', () => {
    expect(sample.split('\n').length).to.be.above(1000);
    for (const section of ['[DEFAULT]', '[drivers]', '[transport]', '[notification]', '[keystone_authtoken]', '[oslo_policy]']) {
      expect(sample.split('\n')).to.include(section);
    }
  });

  describe('as installed', () => {
    let config: OsloConfig;
    before(() => {
      config = loadConfig(['--config-file', SAMPLE], { searchDirs: [] }).config;
    });

    it('loads, and every registered core group resolves', () => {
      expect(() => config.validateGroups()).not.to.throw();
      expect(config.groupNames()).to.have.length.above(15);
    });

    it('has the values Debian uncommented, and defaults everywhere else', () => {
      const authtoken = config.get(KEYSTONE_AUTHTOKEN_GROUP);
      expect(authtoken).to.include({
        www_authenticate_uri: 'http://localhost:5000',
        auth_url: 'http://localhost:5000',
        auth_type: 'password',
        username: 'zaqar',
        project_name: 'service',
        user_domain_name: 'Default',
        project_domain_name: 'Default',
        region_name: 'regionOne',
      });
      expect(config.get(OSLO_POLICY_GROUP).policy_dirs).to.deep.equal(['/etc/zaqar/policy.d']);
      const allowed = /^(keystone_authtoken \w+|oslo_policy policy_dirs)$/;
      for (const difference of differencesFromDefaults(config)) expect(difference).to.match(allowed);
    });
  });

  describe('with every "#name = value" line uncommented', () => {
    let variant: ReturnType<typeof uncommentOptions>;
    let config: OsloConfig;
    before(() => {
      variant = uncommentOptions(sample);
      const path = dir.write('zaqar-uncommented.conf', variant.text);
      config = loadConfig(['--config-file', path], { searchDirs: [] }).config;
    });

    it(`uncomments the options and leaves only "${PLACEHOLDER}" placeholders commented`, () => {
      expect(variant.uncommented).to.be.above(200);
      expect(variant.skipped).to.include.members(['log_file', 'smtp_host', 'smtp_port', 'external_port', 'secret_key']);
      const stillCommented = variant.text.split('\n').filter((line) => COMMENTED_OPTION.test(line));
      expect(stillCommented.every((line) => line.endsWith(` = ${PLACEHOLDER}`))).to.equal(true);
    });

    it('loads, and every registered core group resolves', () => {
      expect(() => config.validateGroups()).not.to.throw();
    });

    it('only differs from the defaults where the sample shows library defaults Zaqar overrides, or oslo parsing quirks', () => {
      const explained = new Set([
        // zaqar-server sets its own log format (with [project_id:...]).
        'DEFAULT logging_context_format_string',
        // The dict comma trap (a comma in a Dict value starts a new key:value pair).
        'notification subscription_confirmation_email_template',
        'notification unsubscribe_confirmation_email_template',
        // `backend_argument =` is one empty item of a multi-valued option.
        'cache backend_argument',
        // Zaqar overrides the CORS and policy library defaults at run time.
        'cors expose_headers',
        'cors allow_methods',
        'cors allow_headers',
        'oslo_policy policy_file',
        'oslo_policy policy_dirs',
      ]);
      for (const difference of differencesFromDefaults(config)) {
        if (!difference.startsWith('keystone_authtoken ')) expect(explained, difference).to.include(difference);
      }
    });

    it('falls into the dict comma trap of the e-mail templates exactly as oslo does', () => {
      const template = config.get(NOTIFICATION_GROUP).subscription_confirmation_email_template;
      expect(template).to.deep.equal({
        body: 'You have chosen to subscribe to the queue: {0}. This queue belongs to project: {1}. To confirm this subscription',
        'click or visit this link below': '{2}',
        sender: 'Zaqar Notifications <no-reply@openstack.org>',
        topic: 'Zaqar Notification - Subscription Confirmation',
      });
    });
  });
});
