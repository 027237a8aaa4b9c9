/**
 * No authentication (`[DEFAULT] auth_strategy =`, the default): the
 * identity is what the client's headers say, as in Zaqar without
 * keystonemiddleware. Only for trusted networks and development.
 */
import type { PluginManifest } from '../../../zaqar/plugins/manifest';

export const manifest: PluginManifest = {
  kind: 'auth',
  name: 'noauth',
  description: 'No authentication: project, user and roles come from the request headers',
  load: () => (require('./module') as typeof import('./module')).noauthModule,
};
