/**
 * Checks Zaqar makes while starting rather than while reading options.
 *
 * `[DEFAULT] auth_strategy` is a plain string option (config.md §2.1 and
 * the Part 3 example resolve `keystone # not a comment` without error), but
 * the server refuses to start with anything but '' or 'keystone'. loadConfig
 * runs these checks so every entry point fails the same way, naming the file.
 */
import type { OsloConfig } from './config';
import { describeChoices } from './choices';
import { shown } from './oslo-types';
import { DEFAULT_GROUP } from './groups';

export const AUTH_STRATEGIES: readonly string[] = ['', 'keystone'];

/** @throws ConfigError naming file, group, option and reason. */
export function checkStartupOptions(config: OsloConfig): void {
  const { auth_strategy: authStrategy } = config.get(DEFAULT_GROUP);
  if (!AUTH_STRATEGIES.includes(authStrategy)) {
    throw config.optionError(
      'DEFAULT',
      'auth_strategy',
      `unknown auth strategy ${shown({}, authStrategy)} (allowed: ${describeChoices(AUTH_STRATEGIES)})`,
    );
  }
}
