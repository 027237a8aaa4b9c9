/**
 * The webhook notifier (Zaqar's `zaqar.notification.tasks.webhook`): one
 * HTTP POST per delivery to `http://` and `https://` subscribers. Options:
 * `[drivers:notifier:webhook]` (options.ts). Cheap to import: undici is
 * required by `load()` only.
 */
import type { PluginManifest } from '../../../zaqar/plugins/manifest';
import { WEBHOOK_GROUP } from './options';

export const manifest: PluginManifest = {
  kind: 'notifier',
  name: 'webhook',
  description: 'HTTP POST of each notification to http:// and https:// subscribers (kept-alive connections, timeouts)',
  optionGroups: [WEBHOOK_GROUP],
  uriSchemes: ['http', 'https'],
  load() {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const implementation = require('./module') as typeof import('./module');
    return implementation.createWebhookModule();
  },
};
