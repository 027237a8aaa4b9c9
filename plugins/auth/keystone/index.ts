/**
 * Keystone authentication (`[DEFAULT] auth_strategy = keystone`): tokens
 * validated against Keystone v3 with the [keystone_authtoken] options
 * (keystonemiddleware's auth_token), the project, user, domains and roles
 * taken from the token alone. [keystone_authtoken] is a core option group
 * (zaqar/config/groups/keystone-authtoken.ts), so the manifest declares none.
 */
import type { PluginManifest } from '../../../zaqar/plugins/manifest';

export const manifest: PluginManifest = {
  kind: 'auth',
  name: 'keystone',
  description: 'Keystone v3 token validation ([keystone_authtoken]): identity from the token, never from client headers',
  load: () => (require('./module') as typeof import('./module')).keystoneModule,
};

export type { KeystoneHandle } from './handle';
export { keystoneHandle } from './handle';
