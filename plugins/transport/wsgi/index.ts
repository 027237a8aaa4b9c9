/**
 * The HTTP transport (Zaqar's `wsgi` transport), served by restify.
 * Options: the core group `[drivers:transport:wsgi]` (bind, port).
 */
import type { PluginManifest } from '../../../zaqar/plugins/manifest';

export const manifest: PluginManifest = {
  kind: 'transport',
  name: 'wsgi',
  description: 'HTTP REST API (v2) over restify',
  load: () => (require('./module') as typeof import('./module')).transportModule,
};
