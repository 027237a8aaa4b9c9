/**
 * The HTTP transport (Zaqar's `wsgi` transport), served by node:http with
 * the find-my-way router.
 * Options: the core group `[drivers:transport:wsgi]` (bind, port).
 */
import type { PluginManifest } from '../../../zaqar/plugins/manifest';

export const manifest: PluginManifest = {
  kind: 'transport',
  name: 'wsgi',
  description: 'HTTP REST API (v2 and v1.1) over node:http',
  load: () => (require('./module') as typeof import('./module')).transportModule,
};
