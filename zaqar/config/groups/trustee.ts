/**
 * [trustee] (Zaqar's `zaqar.common.auth`): the Keystone user that becomes
 * the trustee of trusts created for trust+http(s) subscriptions, and logs
 * in with them to obtain the tokens delivered (the keystone auth plugin
 * reads it; without `auth_type` there is no trustee and trust+http(s)
 * subscribers are not served). Registered in code by the reference, absent
 * from the sample file.
 */
import type { OptionGroup } from '../options';
import { defineOptions } from './define';
import {
  KEYSTONEAUTH_PASSWORD_OPTIONS,
  KEYSTONEAUTH_TLS_OPTIONS,
  type KeystoneauthPasswordOptions,
  type KeystoneauthTlsOptions,
} from './keystoneauth';

/** keystoneauth1's session options beyond TLS. */
interface SessionOptions {
  timeout: number | null;
  collect_timing: boolean;
  split_loggers: boolean;
}

export interface TrusteeOptions extends KeystoneauthPasswordOptions, KeystoneauthTlsOptions, SessionOptions {}

export const TRUSTEE_GROUP: OptionGroup<TrusteeOptions> = {
  name: 'trustee',
  help: 'Trustee of trust+http(s) subscriptions.',
  options: [
    ...KEYSTONEAUTH_PASSWORD_OPTIONS,
    ...KEYSTONEAUTH_TLS_OPTIONS,
    ...defineOptions<SessionOptions>({
      timeout: { type: 'integer', help: 'HTTP request timeout, in seconds.' },
      collect_timing: { type: 'boolean', default: false, help: 'Collect per-call timing information.' },
      split_loggers: { type: 'boolean', default: false, help: 'Log requests to multiple loggers.' },
    }),
  ],
};
