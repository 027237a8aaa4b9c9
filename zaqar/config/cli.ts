/**
 * The command line of zaqar-server, as oslo.config + oslo.log + zaqar-server
 * define it (`oslo_config.cfg`, `oslo_log`, `zaqar.cmd.server`).
 *
 * Accepted:
 *   --config-file PATH   repeatable; files are read in command-line order
 *   --config-dir DIR     repeatable; every *.conf in it, sorted
 *   --admin_mode / --noadmin_mode        → [DEFAULT] admin_mode
 *   --daemon / --nodaemon                → accepted, NOT supported: zaqar-ts
 *                                          never forks; loadConfig warns.
 *                                          Run it under a service manager.
 *   oslo.log flags (Debian's init script passes `--log-file=…` and may pass
 *   `--use-syslog`): --debug/-d/--nodebug, --log-config-append (alias
 *   --log-config, --log_config), --log-date-format, --log-file (alias
 *   --logfile), --log-dir (alias --logdir), --[no]watch-log-file,
 *   --[no]use-syslog, --[no]use-journal, --[no]use-json,
 *   --syslog-log-facility               → the [DEFAULT] option of that name
 *   -h/--help, --version
 * Anything else is a ConfigError. Unlike argparse, abbreviated flags
 * (`--config-f`) are not accepted.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { OptionValuesByGroup } from './config';
import { ConfigError } from './options';

/** A `--config-file` or `--config-dir` argument, kept in command-line order (oslo reads them in that order). */
export interface ConfigSource {
  readonly kind: 'file' | 'dir';
  readonly path: string;
}

export interface CommandLine {
  /** `--config-file` and `--config-dir` in the order given. */
  readonly sources: readonly ConfigSource[];
  readonly configFiles: readonly string[];
  readonly configDirs: readonly string[];
  /** `--admin_mode` (true), `--noadmin_mode` (false), or undefined when absent. */
  readonly adminMode: boolean | undefined;
  /** `--daemon` was given (and not cancelled by a later `--nodaemon`). */
  readonly daemon: boolean;
  readonly help: boolean;
  readonly version: boolean;
  /** Option values set by flags, by group and option dest; they beat the files. */
  readonly overrides: OptionValuesByGroup;
}

/** A flag that sets a [DEFAULT] option. Boolean flags also get oslo's `--no<flag>` form. */
interface OptionFlag {
  readonly dest: string;
  readonly kind: 'boolean' | 'string';
  /** Every spelling, without the leading `--`; the first is the one shown in help. */
  readonly flags: readonly string[];
  readonly short?: string;
  readonly help: string;
}

const OPTION_FLAGS: readonly OptionFlag[] = [
  { dest: 'admin_mode', kind: 'boolean', flags: ['admin_mode'], help: 'Activate privileged endpoints.' },
  { dest: 'daemon', kind: 'boolean', flags: ['daemon'], help: 'Accepted for compatibility; zaqar-ts does not daemonize.' },
  { dest: 'debug', kind: 'boolean', flags: ['debug'], short: 'd', help: 'Log at DEBUG level.' },
  {
    dest: 'log_config_append',
    kind: 'string',
    flags: ['log-config-append', 'log-config', 'log_config'],
    help: 'Logging configuration file.',
  },
  { dest: 'log_date_format', kind: 'string', flags: ['log-date-format'], help: 'Format of %(asctime)s in log records.' },
  { dest: 'log_file', kind: 'string', flags: ['log-file', 'logfile'], help: 'Log to this file.' },
  { dest: 'log_dir', kind: 'string', flags: ['log-dir', 'logdir'], help: 'Base directory for a relative --log-file.' },
  { dest: 'watch_log_file', kind: 'boolean', flags: ['watch-log-file'], help: 'Reopen the log file when it is moved.' },
  { dest: 'use_syslog', kind: 'boolean', flags: ['use-syslog'], help: 'Log to syslog.' },
  { dest: 'use_journal', kind: 'boolean', flags: ['use-journal'], help: 'Log to journald.' },
  { dest: 'use_json', kind: 'boolean', flags: ['use-json'], help: 'Log as JSON.' },
  { dest: 'syslog_log_facility', kind: 'string', flags: ['syslog-log-facility'], help: 'Syslog facility.' },
];

export function parseCommandLine(argv: readonly string[]): CommandLine {
  const sources: ConfigSource[] = [];
  const defaults = new Map<string, string | boolean>();
  let help = false;
  let version = false;

  for (const token of optionTokens(argv)) {
    const value = token.value;
    if (token.name === 'help') help = true;
    else if (token.name === 'version') version = true;
    else if (token.name === 'config-file' && value !== undefined) sources.push({ kind: 'file', path: value });
    else if (token.name === 'config-dir' && value !== undefined) sources.push({ kind: 'dir', path: value });
    else {
      const { flag, negated } = flagNamed(token.name);
      // Later flags win, as with argparse.
      if (flag.kind === 'boolean') defaults.set(flag.dest, !negated);
      else if (value !== undefined) defaults.set(flag.dest, value);
    }
  }

  const adminMode = defaults.get('admin_mode');
  return {
    sources,
    configFiles: sources.filter((source) => source.kind === 'file').map((source) => source.path),
    configDirs: sources.filter((source) => source.kind === 'dir').map((source) => source.path),
    adminMode: typeof adminMode === 'boolean' ? adminMode : undefined,
    daemon: defaults.get('daemon') === true,
    help,
    version,
    overrides: new Map([['DEFAULT', defaults]]),
  };
}

/** The text printed for `--help`. */
export function formatHelp(prog: string): string {
  const lines = [
    `usage: ${prog} [-h] [--version] [--config-file PATH] [--config-dir DIR] [--admin_mode] [options]`,
    '',
    'options:',
    '  -h, --help                 show this help message and exit',
    '  --version                  show the version and exit',
    '  --config-file PATH         read this config file (repeatable; later files win)',
    '  --config-dir DIR           read every *.conf in DIR, sorted (repeatable)',
  ];
  for (const flag of OPTION_FLAGS) {
    const spellings = flag.flags.map((name) => `--${name}`);
    if (flag.short) spellings.unshift(`-${flag.short}`);
    const usage = flag.kind === 'string' ? `${spellings.join(', ')} VALUE` : `${spellings.join(', ')}, --no${flag.flags[0] ?? ''}`;
    if (usage.length <= 26) lines.push(`  ${usage.padEnd(26)} ${flag.help}`);
    else lines.push(`  ${usage}`, `  ${' '.repeat(26)} ${flag.help}`);
  }
  return lines.join('\n');
}

function flagNamed(name: string): { flag: OptionFlag; negated: boolean } {
  for (const flag of OPTION_FLAGS) {
    if (flag.flags.includes(name)) return { flag, negated: false };
    if (flag.kind === 'boolean' && flag.flags.some((spelling) => `no${spelling}` === name)) return { flag, negated: true };
  }
  // parseArgs only returns declared options, so this is a programming error.
  throw new ConfigError(`unhandled command-line option '--${name}'`);
}

type ParseArgsOptions = NonNullable<ParseArgsConfig['options']>;

function parseArgsOptions(): ParseArgsOptions {
  const options: ParseArgsOptions = {
    'config-file': { type: 'string', multiple: true },
    'config-dir': { type: 'string', multiple: true },
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean' },
  };
  for (const flag of OPTION_FLAGS) {
    flag.flags.forEach((name, index) => {
      options[name] = { type: flag.kind, multiple: true, ...(index === 0 && flag.short ? { short: flag.short } : {}) };
      if (flag.kind === 'boolean') options[`no${name}`] = { type: 'boolean', multiple: true };
    });
  }
  return options;
}

interface OptionToken {
  readonly name: string;
  readonly value: string | undefined;
}

/** The options in command-line order (node's parseArgs would group repeated options and lose the order). */
function optionTokens(argv: readonly string[]): OptionToken[] {
  try {
    const { tokens } = parseArgs({ args: [...argv], options: parseArgsOptions(), strict: true, allowPositionals: false, tokens: true });
    return tokens.flatMap((token) => (token.kind === 'option' ? [{ name: token.name, value: token.value }] : []));
  } catch (error) {
    throw new ConfigError(commandLineReason(error));
  }
}

/** node's parseArgs messages are long and multi-line; say the same in one line. */
function commandLineReason(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown command-line option '${quoted}' (see --help)`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected command-line argument '${quoted}' (see --help)`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return `invalid command-line option: ${message.split('\n')[0] ?? message}`;
    default:
      return `invalid command line: ${message.split('\n')[0] ?? message}`;
  }
}
