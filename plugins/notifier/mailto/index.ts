/**
 * Plugin manifest of the mailto notifier (subscribers `mailto:addr`):
 * e-mail through `[notification] smtp_command` (smtp_mode = third_part) or
 * SMTP (smtp_mode = self_local). Cheap to import: nodemailer is required
 * by `load()` only.
 */
import type { PluginManifest } from '../../../zaqar/plugins/manifest';
import { MAILTO_OPTION_GROUP } from './options';

export const manifest: PluginManifest = {
  kind: 'notifier',
  name: 'mailto',
  description: 'E-mail to mailto: subscribers, through a sendmail-style command or SMTP (implicit TLS, STARTTLS or plain; pooled connections).',
  optionGroups: [MAILTO_OPTION_GROUP],
  uriSchemes: ['mailto'],
  load() {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const implementation = require('./module') as typeof import('./module');
    return implementation.createMailtoModule();
  },
};
