/**
 * keystoneauth1's options that oslo registers in more than one group
 * (`ks_loading.register_auth_conf_options` for the `password` plugin, and
 * the TLS options of a session): [keystone_authtoken] and [trustee] both
 * carry them.
 */
import { defineOptions } from './define';

export interface KeystoneauthPasswordOptions {
  auth_type: string | null;
  auth_section: string | null;
  auth_url: string | null;
  username: string | null;
  password: string | null;
  user_id: string | null;
  user_domain_id: string | null;
  user_domain_name: string | null;
  project_id: string | null;
  project_name: string | null;
  project_domain_id: string | null;
  project_domain_name: string | null;
  domain_id: string | null;
  domain_name: string | null;
  system_scope: string | null;
  trust_id: string | null;
  default_domain_id: string | null;
  default_domain_name: string | null;
}

export interface KeystoneauthTlsOptions {
  cafile: string | null;
  certfile: string | null;
  keyfile: string | null;
  insecure: boolean;
}

const text = (help: string) => ({ type: 'string', help }) as const;

export const KEYSTONEAUTH_PASSWORD_OPTIONS = defineOptions<KeystoneauthPasswordOptions>({
  auth_type: { type: 'string', help: 'Authentication plugin (normally password).', deprecated: [{ name: 'auth_plugin' }] },
  auth_section: text('Section from which to load plugin specific options.'),
  auth_url: text('Identity endpoint.'),
  username: text('User name.'),
  password: { type: 'string', secret: true, help: 'Password.' },
  user_id: text('User ID.'),
  user_domain_id: text('Domain ID of the user.'),
  user_domain_name: text('Domain name of the user.'),
  project_id: text('Project ID.'),
  project_name: text('Project name.'),
  project_domain_id: text('Domain ID of the project.'),
  project_domain_name: text('Domain name of the project.'),
  domain_id: text('Domain ID to scope to.'),
  domain_name: text('Domain name to scope to.'),
  system_scope: text('System scope.'),
  trust_id: text('Trust ID.'),
  default_domain_id: text('Default domain ID.'),
  default_domain_name: text('Default domain name.'),
});

export const KEYSTONEAUTH_TLS_OPTIONS = defineOptions<KeystoneauthTlsOptions>({
  cafile: text('CA bundle for HTTPS connections.'),
  certfile: text('Client certificate.'),
  keyfile: text('Client key.'),
  insecure: { type: 'boolean', default: false, help: 'Do not verify HTTPS connections.' },
});
