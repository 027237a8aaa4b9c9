/**
 * [DEFAULT] (`zaqar.conf.default`): Zaqar's own options, zaqar-server's
 * command-line-only `daemon`, and oslo.log's options (logging.ts).
 */
import type { OptionGroup } from '../options';
import { defineOptions } from './define';
import { LOGGING_OPTIONS, type LoggingOptions } from './logging';

export interface ZaqarDefaultOptions {
  admin_mode: boolean;
  pooling: boolean;
  unreliable: boolean;
  enable_deprecated_api_versions: string[];
  enable_checksum: boolean;
  /** `''` (no authentication) or `keystone`. */
  auth_strategy: string;
  /** zaqar-server's `--daemon`; accepted but not supported (zaqar-ts never forks). */
  daemon: boolean;
}

export interface DefaultOptions extends ZaqarDefaultOptions, LoggingOptions {}

const ZAQAR_DEFAULT_OPTIONS = defineOptions<ZaqarDefaultOptions>({
  admin_mode: {
    type: 'boolean',
    default: false,
    help: 'Activate privileged endpoints (health; pools and flavors when pooling is on).',
  },
  pooling: {
    type: 'boolean',
    default: false,
    help: 'Enable pooling across multiple storage backends.',
    deprecated: [{ name: 'sharding' }],
  },
  unreliable: { type: 'boolean', default: false, help: 'Disable all reliability constraints.' },
  enable_deprecated_api_versions: {
    type: 'list',
    default: [],
    choices: ['1', '1.1'],
    help: 'Deprecated API versions to mount (1, 1.1); v2 is always mounted.',
  },
  enable_checksum: { type: 'boolean', default: false, help: 'Store an MD5 checksum with every message.' },
  auth_strategy: {
    type: 'string',
    default: '',
    // A plain string as in Zaqar: `auth_strategy = keystone # not a comment` reads that whole text.
    // Any installed `auth` plugin's name; a name no plugin has stops start-up, listing those there are.
    help: "Authentication: empty (or 'noauth') for none, or 'keystone' (see [keystone_authtoken]).",
  },
  daemon: { type: 'boolean', default: false, help: 'Run in the background (not supported by zaqar-ts).' },
});

export const DEFAULT_GROUP: OptionGroup<DefaultOptions> = {
  name: 'DEFAULT',
  help: 'Zaqar and oslo.log options.',
  options: [...ZAQAR_DEFAULT_OPTIONS, ...LOGGING_OPTIONS],
};
