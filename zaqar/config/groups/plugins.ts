/**
 * [plugins] — an addition of zaqar-ts, not a Zaqar option group. oslo
 * ignores unknown groups, so a zaqar.conf using it still works with the
 * reference server.
 */
import { defineGroup } from './define';

export interface PluginsOptions {
  /** Extra folders or files of third-party plugins to load. */
  paths: string[];
}

export const PLUGINS_GROUP = defineGroup<PluginsOptions>('plugins', 'Third-party plugins (zaqar-ts only).', {
  paths: { type: 'list', default: [], help: 'Extra folders or files of third-party plugins to load.' },
});
