/**
 * The webhook notifier (Zaqar's `zaqar.notification.tasks.webhook` and
 * `trust`): one HTTP POST per delivery to `http://` and `https://`
 * subscribers, and to `trust+http://` and `trust+https://` ones with a
 * Keystone trust token (served only when the process has Keystone
 * trusts). Options: `[drivers:notifier:webhook]` (options.ts). Cheap to
 * import: undici is required by `load()` only.
 */
import type { PluginManifest } from '../../../zaqar/plugins/manifest';
import { WEBHOOK_GROUP } from './options';

export const manifest: PluginManifest = {
  kind: 'notifier',
  name: 'webhook',
  description:
    'HTTP POST of each notification to http:// and https:// subscribers (kept-alive connections, timeouts), ' +
    'and to trust+http(s):// ones with a Keystone trust token',
  optionGroups: [WEBHOOK_GROUP],
  uriSchemes: ['http', 'https', 'trust+http', 'trust+https'],
  schemeRequirements: { 'trust+http': ['trusts'], 'trust+https': ['trusts'] },
  load() {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const implementation = require('./module') as typeof import('./module');
    return implementation.createWebhookModule();
  },
};
