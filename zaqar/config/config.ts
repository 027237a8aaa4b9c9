/**
 * OsloConfig: option values resolved the way oslo.config resolves them.
 *
 * For one option the value comes from the first source that has one:
 *   1. an override (withOverrides: the options a store is opened with);
 *   2. the command line (`--admin_mode`, `--log-file`, ...);
 *   3. the config files: newest file first, current name then deprecated
 *      aliases, last assignment wins — or, for multi-valued options, every
 *      assignment of every file, oldest first;
 *   4. the option's default.
 * The raw value is then interpolated (interpolation.ts) and converted
 * (value-conversion.ts). A group is resolved as a whole, validated with its
 * convict schema (group-schema.ts) and cached until new options are
 * registered.
 */
import type { IniFile } from './ini';
import { ConfigFileValues, type OptionLocation, type RawValue } from './file-values';
import { GroupSchema } from './group-schema';
import { interpolateValue } from './interpolation';
import { lookupNames, optionDest } from './option-names';
import { OptionRegistry } from './option-registry';
import {
  ConfigError,
  type Config,
  type ConfigErrorLocation,
  type OptionGroup,
  type OptionSpec,
  type OptionValue,
} from './options';
import { OptionValueError } from './oslo-types';
import { pythonStr } from './python-text';
import { inferOptionType, toOptionValue } from './value-conversion';

/** Values by group name, then by option dest. */
export type OptionValuesByGroup = ReadonlyMap<string, ReadonlyMap<string, unknown>>;

export interface OsloConfigOptions {
  /** Parsed config files, in the order they were read (later files win). */
  files?: readonly IniFile[] | undefined;
  /** Command-line values (strings as typed, booleans for flags); they beat file values. */
  commandLine?: OptionValuesByGroup | undefined;
  /** Receives each deprecation notice once, e.g. for `[DEFAULT] sharding`. */
  onWarning?: ((message: string) => void) | undefined;
}

/** Where the value of an option came from; used to locate errors. */
type ValueOrigin =
  | { kind: 'override'; label: string | undefined }
  | { kind: 'command line' }
  | { kind: 'file'; values: readonly RawValue[]; current: OptionLocation }
  | { kind: 'default' };

interface ResolvedOption {
  value: OptionValue;
  origin: ValueOrigin;
}

interface Override {
  value: unknown;
  /** Names the source in error messages, e.g. `pool "pool2" options`. */
  label: string | undefined;
}

/** State shared by a configuration and every overlay derived from it. */
interface SharedState {
  readonly onWarning: (message: string) => void;
  /** Deprecated names already reported (a warning once per alias). */
  readonly reportedAliases: Set<string>;
}

export class OsloConfig implements Config {
  private fileValues: ConfigFileValues;
  private readonly commandLine: OptionValuesByGroup;
  private registry = new OptionRegistry();
  private overrides = new Map<string, Map<string, Override>>();
  private shared: SharedState;

  private readonly optionCache = new Map<string, ResolvedOption>();
  private readonly groupCache = new Map<string, Readonly<Record<string, OptionValue>>>();
  private readonly schemaCache = new Map<string, GroupSchema>();
  /** Options being resolved right now, to report `$a` → `$b` → `$a` loops instead of overflowing the stack. */
  private readonly resolving = new Set<string>();

  constructor(options: OsloConfigOptions = {}) {
    this.fileValues = new ConfigFileValues(options.files ?? []);
    this.commandLine = options.commandLine ?? new Map();
    this.shared = { onWarning: options.onWarning ?? (() => undefined), reportedAliases: new Set() };
  }

  get files(): readonly string[] {
    return this.fileValues.paths;
  }

  register(group: OptionGroup): void {
    if (this.registry.register(group)) this.clearCaches();
  }

  get<T>(group: OptionGroup<T>): Readonly<T> {
    if (!this.groupCache.has(group.name)) this.register(group);
    return this.group(group.name) as unknown as Readonly<T>;
  }

  /** Names of the registered groups, in registration order. */
  groupNames(): string[] {
    return this.registry.groupNames();
  }

  /** Section names present in the files (normalized as ini.ts does), sorted; unknown sections included. */
  sections(): string[] {
    return this.fileValues.sections();
  }

  group(name: string): Readonly<Record<string, OptionValue>> {
    const cached = this.groupCache.get(name);
    if (cached) return cached;
    const specs = this.registry.options(name);
    if (!specs) throw new ConfigError('option group is not registered', { group: name });

    const values: Record<string, OptionValue> = {};
    const origins = new Map<string, ValueOrigin>();
    for (const spec of specs) {
      const resolved = this.resolveOption(name, spec);
      values[optionDest(spec)] = resolved.value;
      origins.set(optionDest(spec), resolved.origin);
    }

    const [failure] = this.schemaOf(name, specs).validate(values);
    if (failure) {
      const origin = origins.get(failure.option) ?? { kind: 'default' };
      throw valueError(name, failure.option, origin, failure.reason);
    }
    const frozen = deepFreeze(values);
    this.groupCache.set(name, frozen);
    return frozen;
  }

  /**
   * A ConfigError about the current value of an option, naming where that
   * value came from (file, command line or overrides), its group and option:
   * for checks made outside this module, e.g. plugin names.
   */
  optionError(group: string, option: string, reason: string): ConfigError {
    const spec = this.registry.find(group, option);
    if (!spec) return new ConfigError(reason, { group, option });
    return valueError(group, optionDest(spec), this.resolveOption(group, spec).origin, reason, 'check');
  }

  /** Resolves and validates every registered group (or the given ones); throws the first ConfigError. */
  validateGroups(names: readonly string[] = this.registry.groupNames()): void {
    for (const name of names) this.group(name);
  }

  /**
   * An isolated copy in which the options of `group` named in `values` have
   * the given values (a store's `uri` and `options`, as a pool's will be).
   * Keys that are not options of the group are registered in the copy only,
   * with a type inferred from the JS value. The original configuration is
   * unchanged.
   *
   * @param label names the source of the values in error messages.
   */
  withOverrides(group: string, values: Record<string, unknown>, label?: string): OsloConfig {
    const copy = new OsloConfig({ commandLine: this.commandLine });
    copy.inheritFrom(this);
    for (const [key, value] of Object.entries(values)) {
      const dest = key.replace(/-/g, '_');
      const spec = copy.registry.find(group, dest);
      if (!spec) {
        copy.registry.register({
          name: group,
          options: [{ name: dest, type: inferOptionType(value), help: 'Per-pool option without a declaration.' }],
        });
      }
      const groupOverrides = copy.overrides.get(group) ?? new Map<string, Override>();
      groupOverrides.set(spec ? optionDest(spec) : dest, { value, label });
      copy.overrides.set(group, groupOverrides);
    }
    return copy;
  }

  private inheritFrom(base: OsloConfig): void {
    this.fileValues = base.fileValues;
    this.registry = base.registry.clone();
    this.overrides = new Map([...base.overrides].map(([group, values]) => [group, new Map(values)]));
    this.shared = base.shared;
  }

  private clearCaches(): void {
    this.optionCache.clear();
    this.groupCache.clear();
    this.schemaCache.clear();
  }

  private schemaOf(group: string, specs: readonly OptionSpec[]): GroupSchema {
    let schema = this.schemaCache.get(group);
    if (!schema) {
      schema = new GroupSchema(group, specs);
      this.schemaCache.set(group, schema);
    }
    return schema;
  }

  private resolveOption(group: string, spec: OptionSpec): ResolvedOption {
    const key = `${group}\0${optionDest(spec)}`;
    const cached = this.optionCache.get(key);
    if (cached) return cached;
    if (this.resolving.has(key)) {
      throw new ConfigError('circular $reference between option values', { group, option: optionDest(spec) });
    }
    this.resolving.add(key);
    try {
      const resolved = this.convert(group, spec);
      this.optionCache.set(key, resolved);
      return resolved;
    } finally {
      this.resolving.delete(key);
    }
  }

  private convert(group: string, spec: OptionSpec): ResolvedOption {
    const { raw, origin } = this.rawValue(group, spec);
    try {
      const interpolated = interpolateValue(raw, (reference) => this.referenceText(group, reference));
      return { value: toOptionValue(spec, interpolated), origin };
    } catch (error) {
      if (error instanceof OptionValueError) throw valueError(group, optionDest(spec), origin, error.reason);
      throw error;
    }
  }

  /** The raw value by precedence (see the file comment) and where it came from. */
  private rawValue(group: string, spec: OptionSpec): { raw: unknown; origin: ValueOrigin } {
    const dest = optionDest(spec);
    const override = this.overrides.get(group)?.get(dest);
    if (override) return { raw: override.value, origin: { kind: 'override', label: override.label } };

    const fromCommandLine = this.commandLine.get(group)?.get(dest);
    if (fromCommandLine !== undefined) return { raw: fromCommandLine, origin: { kind: 'command line' } };

    const names = lookupNames(group, spec);
    const current = names[0] as OptionLocation;
    const found = spec.type === 'multistring' ? this.fileValues.findAll(names) : toList(this.fileValues.findLast(names));
    if (found) {
      for (const value of found) this.reportAlias(value.foundAs, current);
      const raw = spec.type === 'multistring' ? found.map((value) => value.text) : found[0]?.text;
      return { raw, origin: { kind: 'file', values: found, current } };
    }
    return { raw: spec.default, origin: { kind: 'default' } };
  }

  /**
   * The text that replaces `$reference`: `name` is looked up in the
   * same group, then in DEFAULT; `group.name` in that group, then as a
   * DEFAULT option named `group.name` (oslo's fallback). None becomes ''.
   */
  private referenceText(group: string, reference: string): string {
    const dot = reference.indexOf('.');
    let target: { group: string; spec: OptionSpec } | undefined;
    if (dot >= 0) {
      const targetGroup = reference.slice(0, dot);
      if (!this.registry.hasGroup(targetGroup)) {
        throw new OptionValueError(`'$${reference}' refers to an unknown option group [${targetGroup}] (write '$$' for a literal '$')`);
      }
      const spec = this.registry.find(targetGroup, reference.slice(dot + 1));
      if (spec) target = { group: targetGroup, spec };
    } else {
      const spec = this.registry.find(group, reference);
      if (spec) target = { group, spec };
    }
    if (!target) {
      const spec = this.registry.find('DEFAULT', reference);
      if (spec) target = { group: 'DEFAULT', spec };
    }
    if (!target) {
      throw new OptionValueError(`'$${reference}' refers to an unknown option (write '$$' for a literal '$')`);
    }
    const { value } = this.resolveOption(target.group, target.spec);
    return value === null ? '' : pythonStr(value, target.spec.type);
  }

  private reportAlias(foundAs: OptionLocation, current: OptionLocation): void {
    if (sameLocation(foundAs, current)) return;
    const key = `${foundAs.group}\0${foundAs.name}`;
    if (this.shared.reportedAliases.has(key)) return;
    this.shared.reportedAliases.add(key);
    this.shared.onWarning(
      `Option "${foundAs.name}" from group "${foundAs.group}" is deprecated. ` +
        `Use option "${current.name}" from group "${current.group}".`,
    );
  }
}

function sameLocation(a: OptionLocation, b: OptionLocation): boolean {
  return a.group === b.group && a.name === b.name;
}

function toList(value: RawValue | undefined): RawValue[] | undefined {
  return value ? [value] : undefined;
}

/**
 * A ConfigError naming the file the raw value came from, the group and the
 * option. `kind` tells a value that failed conversion or validation from a
 * valid value refused by another check (optionError).
 */
function valueError(
  group: string,
  option: string,
  origin: ValueOrigin,
  reason: string,
  kind: 'invalid' | 'check' = 'invalid',
): ConfigError {
  const where: ConfigErrorLocation = { group, option };
  switch (origin.kind) {
    case 'override':
      if (origin.label !== undefined) where.file = origin.label;
      break;
    case 'command line':
      where.file = 'command line';
      break;
    case 'file': {
      where.file = [...new Set(origin.values.map((value) => value.file))].join(', ');
      const aliases = origin.values.map((value) => value.foundAs).filter((name) => !sameLocation(name, origin.current));
      if (aliases[0]) reason = `${reason} (set as deprecated [${aliases[0].group}] ${aliases[0].name})`;
      break;
    }
    case 'default':
      reason = kind === 'invalid' ? `invalid default value: ${reason}` : `${reason} (default value)`;
      break;
  }
  return new ConfigError(reason, where);
}

/** Resolved groups are cached and shared: freeze them so no caller can change another's view. */
function deepFreeze<T extends Record<string, OptionValue>>(values: T): Readonly<T> {
  for (const value of Object.values(values)) {
    if (value !== null && typeof value === 'object') Object.freeze(value);
  }
  return Object.freeze(values);
}
