/**
 * Reads the operator's policy overrides: `[oslo_policy] policy_file` and the
 * files of each `policy_dirs` directory, as oslo.policy's
 * `Enforcer.load_rules` does.
 *
 * - Names are located like oslo.config's `ConfigOpts.find_file`: absolute
 *   paths as they are; relative ones in the `--config-dir` directories, then
 *   next to the config files (last file first), then oslo.config's standard
 *   directories for the project (`~/.zaqar/`, `~/`, `/etc/zaqar/`, `/etc/`).
 *   As a last resort this port also tries the working directory.
 * - A policy file that cannot be found means "defaults only", silently. When
 *   `policy_file` is left at its default `policy.yaml` and no such file
 *   exists, the legacy `policy.json` is used if found (oslo's
 *   `pick_default_policy_file`).
 * - Every policy directory found is read in file-name order, skipping
 *   dot-files and sub-directories; its rules are layered over the policy
 *   file's. A missing directory is ignored; a path that is not a directory
 *   is an error, as in oslo.
 * - Content is JSON or YAML (JSON is tried first, as oslo does, and logged
 *   as deprecated); an empty document means no rules.
 *
 * Unlike oslo, which reads lazily on the first enforcement (and re-reads
 * changed files later), this runs once at start-up and throws
 * PolicyFileError for a file it cannot use, so a broken policy stops the
 * server instead of failing requests.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { PolicyFileError } from './errors';
import type { PolicyRuleSource } from './parser';
import { silentLogger, type Logger } from '../../common/logger';

export const DEFAULT_POLICY_FILE = 'policy.yaml';
/** oslo's previous default, still picked up when `policy_file` is left at `policy.yaml`. */
export const LEGACY_POLICY_FILE = 'policy.json';

const JSON_POLICY_DEPRECATED =
  'JSON formatted policy_file support is deprecated since Victoria release. You need to use YAML format which ' +
  'will be default in future. You can use ``oslopolicy-convert-json-to-yaml`` tool to convert existing ' +
  'JSON-formatted policy file to YAML-formatted in backward compatible way: ' +
  'https://docs.openstack.org/oslo.policy/latest/cli/oslopolicy-convert-json-to-yaml.html.';

export interface PolicyFileOptions {
  /** `[oslo_policy] policy_file`. */
  policyFile: string;
  /** `[oslo_policy] policy_dirs`. */
  policyDirs: readonly string[];
  /** Directories searched first for relative names, in order; see `configSearchDirs`. */
  configDirs: readonly string[];
  /** Searched after `configDirs`; default `standardConfigDirs('zaqar')`. */
  standardDirs?: readonly string[];
  /** True when the operator set `policy_file` (even to `policy.yaml`): disables the `policy.json` fallback. */
  policyFileExplicit?: boolean;
  logger?: Logger;
}

export interface LoadedPolicyFiles {
  /** Rules of all files merged, later files winning (a null-prototype object). */
  readonly rules: Readonly<Record<string, PolicyRuleSource>>;
  /** The files read, in order. */
  readonly files: readonly string[];
}

export function loadPolicyFiles(options: PolicyFileOptions): LoadedPolicyFiles {
  const logger = options.logger ?? silentLogger;
  const searchDirs = [
    ...options.configDirs.map(absolutePath),
    ...(options.standardDirs ?? standardConfigDirs('zaqar')),
    process.cwd(),
  ];
  const rules: Record<string, PolicyRuleSource> = Object.create(null);
  const files: string[] = [];
  const layer = (file: string): void => {
    Object.assign(rules, readPolicyFile(file, logger));
    files.push(file);
  };

  const policyFile = locatePolicyFile(options, searchDirs);
  if (policyFile) layer(policyFile);
  else logger.debug({ policyFile: options.policyFile }, `The policy file ${options.policyFile} could not be found.`);

  for (const dirName of options.policyDirs) {
    const dir = findInDirs(dirName, searchDirs);
    if (!dir) continue;
    if (!isDirectory(dir)) throw new PolicyFileError(dir, 'is not a directory (policy_dirs)');
    for (const file of policyDirectoryFiles(dir)) layer(file);
  }
  return { rules, files };
}

function locatePolicyFile(options: PolicyFileOptions, searchDirs: readonly string[]): string | undefined {
  const found = findInDirs(options.policyFile, searchDirs);
  if (found || options.policyFileExplicit || options.policyFile !== DEFAULT_POLICY_FILE) return found;
  return findInDirs(LEGACY_POLICY_FILE, searchDirs);
}

/** oslo.config's `_search_dirs`: the first directory where `name` exists (an absolute name ignores the dirs). */
export function findInDirs(name: string, dirs: readonly string[]): string | undefined {
  for (const dir of dirs) {
    const candidate = path.resolve(dir, name);
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The config-file part of the search path in oslo.config's order: the
 * `--config-dir` directories, then the directories of the `--config-file`
 * files, the last file first.
 */
export function configSearchDirs(configFiles: readonly string[], configDirOptions: readonly string[] = []): string[] {
  return [...configDirOptions.map(absolutePath), ...[...configFiles].reverse().map((file) => path.dirname(absolutePath(file)))];
}

/** oslo.config's `_get_config_dirs(project)`. */
export function standardConfigDirs(project: string): string[] {
  const dirs = [absolutePath(`~/.${project}`), absolutePath('~'), `/etc/${project}`, '/etc'];
  if (process.env.SNAP_COMMON) dirs.push(path.join(process.env.SNAP_COMMON, 'etc', project));
  if (process.env.SNAP) dirs.push(path.join(process.env.SNAP, 'etc', project));
  return dirs;
}

/** `os.path.abspath(os.path.expanduser(p))`. */
function absolutePath(name: string): string {
  const expanded = name === '~' || name.startsWith('~/') ? path.join(os.homedir(), name.slice(1)) : name;
  return path.resolve(expanded);
}

function isDirectory(file: string): boolean {
  return fs.statSync(file).isDirectory();
}

/** oslo's `_walk_through_policy_directory`: regular entries only, sorted, no dot-files. */
function policyDirectoryFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => !name.startsWith('.'))
    .sort()
    .map((name) => path.join(dir, name))
    .filter((file) => !isDirectoryEntry(file));
}

function isDirectoryEntry(file: string): boolean {
  try {
    return fs.statSync(file).isDirectory();
  } catch {
    return false; // a dangling symlink is a "file" to os.walk; reading it fails below.
  }
}

/** Reads and parses one policy file. */
export function readPolicyFile(file: string, logger: Logger = silentLogger): Record<string, PolicyRuleSource> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new PolicyFileError(file, (error as NodeJS.ErrnoException).message);
  }
  const rules = parsePolicyDocument(text, file, logger);
  logger.debug({ file, rules: Object.keys(rules).length }, `Loaded policy file ${file}`);
  return rules;
}

/** oslo's `parse_file_contents` plus a shape check of every rule. */
export function parsePolicyDocument(text: string, file: string, logger: Logger = silentLogger): Record<string, PolicyRuleSource> {
  let document: unknown;
  try {
    document = JSON.parse(text);
    logger.warn({ file }, JSON_POLICY_DEPRECATED);
  } catch {
    try {
      // `json: true`: a duplicate key overrides like PyYAML's safe_load instead of throwing.
      document = yaml.load(text, { filename: file, json: true });
    } catch (error) {
      throw new PolicyFileError(file, (error as Error).message);
    }
  }
  // Python's `parsed or {}`: any empty document means no rules.
  if (document === undefined || document === null || document === false || document === 0 || document === '') return {};
  if (Array.isArray(document) && document.length === 0) return {};
  if (typeof document !== 'object' || Array.isArray(document) || document instanceof Date) {
    throw new PolicyFileError(file, 'expected a mapping of rule names to rules');
  }
  const rules: Record<string, PolicyRuleSource> = Object.create(null);
  for (const [name, rule] of Object.entries(document)) {
    rules[name] = validateRule(rule, name, file);
  }
  return rules;
}

function validateRule(rule: unknown, name: string, file: string): PolicyRuleSource {
  if (typeof rule === 'string' || rule === null) return rule;
  if (Array.isArray(rule)) {
    const entriesValid = rule.every((entry) => typeof entry === 'string' || entry === null || Array.isArray(entry));
    if (entriesValid) return rule as PolicyRuleSource;
  }
  // oslo would accept false/0/{} as "always allow" and crash on true/numbers; neither is worth reproducing.
  throw new PolicyFileError(file, `rule "${name}" must be a string (or a list of lists), got ${JSON.stringify(rule)}`);
}
