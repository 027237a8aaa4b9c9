/**
 * Start-up entry point: command line → files → OsloConfig with every core
 * option group registered.
 *
 *   const { config, cli } = loadConfig(process.argv.slice(2), { prog: 'zaqar-server' });
 *   if (cli.help) { console.log(formatHelp('zaqar-server')); return; }
 *   const transport = config.get(TRANSPORT_GROUP);
 *
 * Values are resolved lazily, group by group, like oslo.config: an invalid
 * value in a group the process never reads does not stop it. Call
 * `config.validateGroups()` to check every registered group up front.
 */
import { readFileSync } from 'node:fs';
import { parseCommandLine, type CommandLine } from './cli';
import { OsloConfig } from './config';
import { configFilesToRead, defaultSearchDirs, type ConfigFileToRead } from './discovery';
import { CORE_OPTION_GROUPS } from './groups';
import { parseIni, type IniFile } from './ini';
import { ConfigError, type OptionGroup } from './options';

export interface LoadConfigOptions {
  /** Program name; `<prog>.conf` is searched besides `zaqar.conf`. Default `zaqar-server`. */
  prog?: string;
  /** Project name of the search (`<project>.conf`, `~/.<project>/`, ...). Default `zaqar`. */
  project?: string;
  /** Replaces oslo's search path (tests pass a temporary directory, or `[]`). */
  searchDirs?: readonly string[];
  /** Deprecation and start-up notices. Default: one line on stderr each. */
  onWarning?: (message: string) => void;
  /** Groups to register. Default CORE_OPTION_GROUPS; plugins register theirs later. */
  groups?: readonly OptionGroup[];
}

export interface LoadedConfig {
  config: OsloConfig;
  cli: CommandLine;
}

/**
 * @param argv the arguments after the program name (`process.argv.slice(2)`).
 * @throws ConfigError for a bad command line, a missing `--config-file`, an
 * unreadable or malformed file (naming file and line).
 */
export function loadConfig(argv: readonly string[], options: LoadConfigOptions = {}): LoadedConfig {
  const project = options.project ?? 'zaqar';
  const prog = options.prog ?? 'zaqar-server';
  const onWarning = options.onWarning ?? ((message: string) => process.stderr.write(`${prog}: warning: ${message}\n`));
  const cli = parseCommandLine(argv);

  // --help and --version must work even when the config files are broken.
  const files =
    cli.help || cli.version
      ? []
      : configFilesToRead(cli, { project, prog, searchDirs: options.searchDirs ?? defaultSearchDirs(project) }).map(readConfigFile);

  const config = new OsloConfig({ files, commandLine: cli.overrides, onWarning });
  for (const group of options.groups ?? CORE_OPTION_GROUPS) config.register(group);

  if (cli.daemon) {
    onWarning('--daemon is not supported: zaqar-ts stays in the foreground; run it under a service manager (systemd)');
  }
  return { config, cli };
}

function readConfigFile(file: ConfigFileToRead): IniFile {
  let text: string;
  try {
    text = readFileSync(file.path, 'utf8');
  } catch (error) {
    throw new ConfigError(readFailure(error, file), { file: file.path });
  }
  return parseIni(text, file.path);
}

function readFailure(error: unknown, file: ConfigFileToRead): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return file.explicit ? 'config file not found' : 'config file disappeared while starting';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied reading config file';
    case 'EISDIR':
      return 'config file is a directory';
    default:
      return `cannot read config file: ${error instanceof Error ? error.message : String(error)}`;
  }
}
