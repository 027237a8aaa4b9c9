/**
 * Which config files a process reads, in which order, following
 * oslo.config's `find_config_files` / `find_config_dirs` and
 * `ConfigOpts._parse_config_files`:
 *
 *   1. unless `--config-file` was given: at most one `<project>.conf` and one
 *      `<prog>.conf`, each from the first search directory that has it;
 *   2. unless `--config-dir` was given: every `*.conf` (sorted) of the first
 *      `<project>.conf.d/` and the first `<prog>.conf.d/` found;
 *   3. every `--config-file` / `--config-dir` in command-line order.
 * Later files win.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CommandLine } from './cli';
import { ConfigError } from './options';

export interface SearchOptions {
  /** `zaqar`. */
  readonly project: string;
  /** The program name, e.g. `zaqar-server`. */
  readonly prog: string;
  /** Directories searched for default files, in priority order; see defaultSearchDirs(). */
  readonly searchDirs: readonly string[];
}

/** A file to read, and whether the operator named it (a missing named file is an error). */
export interface ConfigFileToRead {
  readonly path: string;
  readonly explicit: boolean;
}

/**
 * oslo's search path: `~/.<project>/`, `~/`, `/etc/<project>/`, `/etc/`,
 * then `$SNAP_COMMON/etc/<project>` and `$SNAP/etc/<project>` when set.
 */
export function defaultSearchDirs(project: string, env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string[] {
  const dirs = [join(home, `.${project}`), home, join('/etc', project), '/etc'];
  if (env.SNAP_COMMON) dirs.push(join(env.SNAP_COMMON, 'etc', project));
  if (env.SNAP) dirs.push(join(env.SNAP, 'etc', project));
  return dirs.map((dir) => resolve(dir));
}

export function configFilesToRead(commandLine: CommandLine, search: SearchOptions): ConfigFileToRead[] {
  const files: ConfigFileToRead[] = [];
  if (commandLine.configFiles.length === 0) {
    for (const path of findFirstOfEach(search, '.conf')) files.push({ path, explicit: false });
  }
  if (commandLine.configDirs.length === 0) {
    for (const dir of findFirstOfEach(search, '.conf.d')) {
      for (const path of listConfigDir(dir)) files.push({ path, explicit: false });
    }
  }
  for (const source of commandLine.sources) {
    if (source.kind === 'file') {
      files.push({ path: source.path, explicit: true });
    } else {
      if (!isDirectory(source.path)) throw new ConfigError('config directory not found', { file: source.path });
      for (const path of listConfigDir(source.path)) files.push({ path, explicit: true });
    }
  }
  return files;
}

/**
 * `<project><extension>` then `<prog><extension>`, each from the first
 * search directory where it exists. Like oslo, no de-duplication when
 * prog equals project.
 */
function findFirstOfEach(search: SearchOptions, extension: string): string[] {
  const found: string[] = [];
  for (const base of [search.project, search.prog]) {
    if (!base) continue;
    const hit = search.searchDirs.map((dir) => join(dir, `${base}${extension}`)).find((path) => existsSync(path));
    if (hit) found.push(hit);
  }
  return found;
}

/** The `*.conf` files of a directory in sorted order (glob `*.conf`: hidden files excluded). */
export function listConfigDir(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.name.endsWith('.conf') && !entry.name.startsWith('.') && !entry.isDirectory())
    .map((entry) => join(dir, entry.name))
    .sort();
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
