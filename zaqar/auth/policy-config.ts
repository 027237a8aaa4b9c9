/**
 * Wires `[oslo_policy]` to the policy engine. A malformed policy file is a
 * start-up error (exit code 2), reported with the file's name.
 */
import type { Logger } from '../common/logger';
import { ConfigError, type Config } from '../config/options';
import { configSearchDirs, PolicyEnforcer, PolicyFileError } from './policy';
import { OSLO_POLICY_GROUP } from '../config/groups';


export function policyFromConfig(config: Config, logger: Logger): PolicyEnforcer {
  const options = config.get(OSLO_POLICY_GROUP);
  try {
    return PolicyEnforcer.fromConfig(
      {
        policyFile: options.policy_file,
        policyDirs: options.policy_dirs,
        defaultRule: options.policy_default_rule,
        configDirs: configSearchDirs(config.files),
      },
      logger.child({ component: 'policy' }),
    );
  } catch (err) {
    if (err instanceof PolicyFileError) {
      throw new ConfigError(err.message, { group: 'oslo_policy', option: 'policy_file' });
    }
    throw err;
  }
}
