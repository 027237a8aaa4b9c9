/**
 * Option declarations: what an option group looks like before it is
 * resolved against the operator's zaqar.conf.
 *
 * Types follow oslo.config (`oslo_config.types`); each group becomes one
 * convict schema when it is validated. Keys of a resolved group are the
 * option names exactly as they appear in zaqar.conf (snake_case).
 */

import { token } from '../di/token';

export type OptionType =
  | 'string'
  | 'boolean'
  | 'integer'
  | 'float'
  | 'port'
  | 'host'
  | 'list'
  | 'dict'
  | 'multistring';

/** A value an option can hold once resolved. */
export type OptionValue = string | number | boolean | string[] | Record<string, string> | null;

export interface DeprecatedName {
  /** Defaults to the option's own group. */
  group?: string;
  /** Defaults to the option's own name. */
  name?: string;
}

export interface OptionSpec {
  name: string;
  type: OptionType;
  /** oslo-style default; `undefined` or `null` means None. Strings are converted like file values. */
  default?: OptionValue;
  help: string;
  /** Allowed values (exact, case-sensitive) for string options and list items. */
  choices?: readonly string[];
  /** Compare `choices` case-insensitively (oslo `ignore_case=True`, e.g. oslo.log's rotation options). */
  ignoreCase?: boolean;
  min?: number;
  max?: number;
  /** Deprecated aliases, looked up after the current name (oslo's `deprecated_opts`). */
  deprecated?: readonly DeprecatedName[];
  /** Never logged. */
  secret?: boolean;
}

/**
 * An option group as declared. `T` is the shape of the resolved group (keys
 * are the option names of zaqar.conf); `defineGroup<T>()` checks the
 * declarations against it, and `config.get(group)` returns a `T`.
 */
export interface OptionGroup<T = unknown> {
  /** Section name as written in zaqar.conf, e.g. `drivers:message_store:sqlite`; `DEFAULT` for the default section. */
  name: string;
  help?: string;
  options: readonly OptionSpec[];
  /** Type only: never set. */
  readonly resolvedAs?: T;
}

/** Where a configuration error was found; every part is optional. */
export type ConfigErrorLocation = { file?: string; line?: number; group?: string; option?: string };

/** A configuration error: start-up stops with exit code 2 and `toString()` on one line. */
export class ConfigError extends Error {
  constructor(
    public readonly reason: string,
    public readonly where: ConfigErrorLocation = {},
  ) {
    // `message` carries the location too, so a plain `err.message` in a log is as useful as toString().
    super(formatConfigError(reason, where));
    this.name = 'ConfigError';
  }

  /** `file[:line] [group] option: reason`, always on one line (start-up prints it as is). */
  override toString(): string {
    return this.message;
  }
}

function formatConfigError(reason: string, where: ConfigErrorLocation): string {
  const parts: string[] = [];
  if (where.file) parts.push(where.line ? `${where.file}:${where.line}` : where.file);
  if (where.group) parts.push(`[${where.group}]`);
  if (where.option) parts.push(where.option);
  const text = parts.length ? `${parts.join(' ')}: ${reason}` : reason;
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}

/** The resolved configuration of one process (zaqar/config implements it). */
export const Config = token<Config>('Config');

export interface Config {
  /** Files read, in order (later ones win). */
  readonly files: readonly string[];
  /** Register a group; idempotent, allowed after the files were parsed (drivers register late). */
  register(group: OptionGroup): void;
  /**
   * A declared group's values, typed as declared: registered if need be,
   * resolved (aliases, `$name` interpolation), converted and validated;
   * cached. Throws ConfigError.
   */
  get<T>(group: OptionGroup<T>): Readonly<T>;
  /** A registered group's values by section name, untyped (for generic code: validation, overlays). */
  group(name: string): Readonly<Record<string, OptionValue>>;
  /**
   * A copy with some values of one group replaced (a store's overlay); the
   * original is unchanged. `label` names the source in error messages.
   */
  withOverrides(group: string, values: Record<string, unknown>, label?: string): Config;
  /** Section names present in the files, normalised as oslo does. */
  sections(): string[];
  /** A ConfigError about an option's value, located at the file that set it (for checks made outside the config system). */
  optionError(group: string, option: string, reason: string): ConfigError;
}
