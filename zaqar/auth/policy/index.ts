/**
 * An oslo.policy-compatible policy engine for Zaqar's HTTP v2 resources
 * (`zaqar.transport.acl`, `zaqar.common.policies`). Typical use:
 *
 *     const policy = PolicyEnforcer.fromConfig({ policyFile, policyDirs, defaultRule, configDirs }, logger);
 *     if (!policy.enforce('queues:create', credentials)) → 403 Not authorized
 *
 * where `credentials` is the request context in the form of Zaqar's
 * `RequestContext.to_dict()` (see PolicyCredentials).
 */
export { PolicyEnforcer, DEFAULT_RULE_NAME, type PolicyEnforcerOptions, type PolicyConfigValues } from './enforcer';
export { EMPTY_TARGET, type PolicyCredentials, type PolicyTarget } from './credentials';
export {
  ZAQAR_POLICY_DEFAULTS,
  defaultPolicyRules,
  ROLE_ADMIN,
  RULE_ADMIN_OR_OWNER,
  UNPROTECTED,
  type PolicyRuleDefault,
  type PolicyOperation,
} from './defaults';
export {
  loadPolicyFiles,
  readPolicyFile,
  parsePolicyDocument,
  configSearchDirs,
  standardConfigDirs,
  DEFAULT_POLICY_FILE,
  LEGACY_POLICY_FILE,
  type PolicyFileOptions,
  type LoadedPolicyFiles,
} from './loader';
export { parseRule, parseTextRule, parseSingleCheck, type PolicyRuleSource, type LegacyRuleEntry } from './parser';
export {
  Check,
  TrueCheck,
  FalseCheck,
  NotCheck,
  AndCheck,
  OrCheck,
  RuleCheck,
  RoleCheck,
  GenericCheck,
  HttpCheck,
  UnusableRuleCheck,
  MAX_RULE_DEPTH,
  type RuleResolver,
} from './checks';
export { PolicyEvaluationError, PolicyFileError } from './errors';
