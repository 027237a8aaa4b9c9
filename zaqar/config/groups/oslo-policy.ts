/**
 * [oslo_policy] (oslo.policy). `policy_file` defaults to policy.yaml,
 * Zaqar's run-time default (the library default policy.json is what the
 * sample file shows).
 */
import { defineGroup } from './define';

export interface OsloPolicyOptions {
  enforce_scope: boolean;
  enforce_new_defaults: boolean;
  policy_file: string;
  policy_default_rule: string;
  /** Every `policy_dirs =` line of every file, oldest file first (multi-valued). */
  policy_dirs: string[];
  remote_content_type: string;
  remote_ssl_verify_server_crt: boolean;
  remote_ssl_ca_crt_file: string | null;
  remote_ssl_client_crt_file: string | null;
  remote_ssl_client_key_file: string | null;
}

export const OSLO_POLICY_GROUP = defineGroup<OsloPolicyOptions>('oslo_policy', 'Policy enforcement (oslo.policy).', {
  enforce_scope: { type: 'boolean', default: false, help: 'Compare the token scope with the scope types of the rule.' },
  enforce_new_defaults: { type: 'boolean', default: false, help: 'Do not fall back to deprecated rule defaults.' },
  policy_file: {
    type: 'string',
    default: 'policy.yaml',
    help: 'Rule overrides file; relative to the directories of the config files.',
  },
  policy_default_rule: { type: 'string', default: 'default', help: 'Rule used when a requested rule is not found.' },
  policy_dirs: {
    type: 'multistring',
    default: ['policy.d'],
    help: 'Directories of rule files layered on top of policy_file; repeat the option for several.',
  },
  remote_content_type: {
    type: 'string',
    default: 'application/x-www-form-urlencoded',
    choices: ['application/x-www-form-urlencoded', 'application/json'],
    help: 'Content type of REST-based (http:) policy checks.',
  },
  remote_ssl_verify_server_crt: { type: 'boolean', default: false, help: 'Verify the server of REST-based checks.' },
  remote_ssl_ca_crt_file: { type: 'string', help: 'CA certificate of REST-based checks.' },
  remote_ssl_client_crt_file: { type: 'string', help: 'Client certificate of REST-based checks.' },
  remote_ssl_client_key_file: { type: 'string', help: 'Client key of REST-based checks.' },
});
