/**
 * The WebSocket transport (Zaqar's `websocket` transport): the v2 actions
 * over one persistent connection, JSON text or MessagePack binary frames,
 * `authenticate` once per connection, and subscriptions pushed to the
 * connection. Options: the core group `[drivers:transport:websocket]`.
 */
import type { PluginManifest } from '../../../zaqar/plugins/manifest';

export const manifest: PluginManifest = {
  kind: 'transport',
  name: 'websocket',
  description: 'WebSocket API (v2 actions, JSON and MessagePack frames, push subscriptions) over ws',
  load: () => (require('./module') as typeof import('./module')).websocketModule,
};
