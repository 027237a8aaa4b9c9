/**
 * Option declarations: what an option group looks like before it is
 * resolved against the operator's zaqar.conf.
 *
 * Types follow oslo.config (spec/config.md §1.6); each group becomes one
 * convict schema when it is validated. Keys of a resolved group are the
 * option names exactly as they appear in zaqar.conf (snake_case).
 */

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
  min?: number;
  max?: number;
  /** Deprecated aliases, looked up after the current name (config.md §1.7). */
  deprecated?: readonly DeprecatedName[];
  /** Never logged. */
  secret?: boolean;
}

export interface OptionGroup {
  /** Section name as written in zaqar.conf, e.g. `drivers:message_store:sqlite`; `DEFAULT` for the default section. */
  name: string;
  help?: string;
  options: readonly OptionSpec[];
}

/** A configuration error: start-up stops with exit code 2 and `toString()` on one line. */
export class ConfigError extends Error {
  constructor(
    public readonly reason: string,
    public readonly where: { file?: string; group?: string; option?: string } = {},
  ) {
    super(reason);
    this.name = 'ConfigError';
  }

  override toString(): string {
    const parts: string[] = [];
    if (this.where.file) parts.push(this.where.file);
    if (this.where.group) parts.push(`[${this.where.group}]`);
    if (this.where.option) parts.push(this.where.option);
    return parts.length ? `${parts.join(' ')}: ${this.reason}` : this.reason;
  }
}

/** The resolved configuration of one process (zaqar/config implements it). */
export interface Config {
  /** Files read, in order (later ones win). */
  readonly files: readonly string[];
  /** Register a group; idempotent, allowed after the files were parsed (drivers register late). */
  register(group: OptionGroup): void;
  /**
   * The group's values keyed by option name, resolved (aliases, `$name`
   * interpolation), converted and validated; cached. Throws ConfigError.
   */
  group<T = Record<string, OptionValue>>(name: string): T;
  /** A copy with some values of one group replaced (per-pool overlays); the original is unchanged. */
  withOverrides(group: string, values: Record<string, unknown>): Config;
  /** Section names present in the files, normalised as oslo does. */
  sections(): string[];
}
