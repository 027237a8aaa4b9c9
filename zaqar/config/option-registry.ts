/**
 * Which options exist, per group. Registration is idempotent and may happen
 * at any time, also after the files were parsed (plugins and overlays
 * register late); registering an option that exists with a different
 * definition is an error, as oslo's DuplicateOptError.
 */
import { optionDest } from './option-names';
import { ConfigError, type OptionGroup, type OptionSpec } from './options';

export class OptionRegistry {
  /** group name → option dest → spec, in registration order. */
  private readonly groups: Map<string, Map<string, OptionSpec>>;

  constructor(source?: OptionRegistry) {
    this.groups = new Map();
    for (const [name, options] of source?.groups ?? []) this.groups.set(name, new Map(options));
  }

  /** An independent copy (overlays register options of their own). */
  clone(): OptionRegistry {
    return new OptionRegistry(this);
  }

  /** @returns whether anything new was registered. */
  register(group: OptionGroup): boolean {
    let options = this.groups.get(group.name);
    let changed = false;
    if (!options) {
      options = new Map();
      this.groups.set(group.name, options);
      changed = true;
    }
    for (const spec of group.options) {
      const dest = optionDest(spec);
      const existing = options.get(dest);
      if (!existing) {
        options.set(dest, spec);
        changed = true;
      } else if (!sameDefinition(existing, spec)) {
        throw new ConfigError('option registered twice with different definitions', { group: group.name, option: dest });
      }
    }
    return changed;
  }

  hasGroup(name: string): boolean {
    return this.groups.has(name);
  }

  groupNames(): string[] {
    return [...this.groups.keys()];
  }

  /** The group's options in registration order, or undefined if the group is unknown. */
  options(group: string): OptionSpec[] | undefined {
    const options = this.groups.get(group);
    return options ? [...options.values()] : undefined;
  }

  /**
   * An option by dest name. Like oslo's `_get_opt_info`, a deprecated name
   * of an option of the same group finds that option (used by `$name`).
   */
  find(group: string, name: string): OptionSpec | undefined {
    const options = this.groups.get(group);
    if (!options) return undefined;
    const direct = options.get(name);
    if (direct) return direct;
    for (const spec of options.values()) {
      if (spec.deprecated?.some((alias) => (alias.group ?? group) === group && alias.name === name)) return spec;
    }
    return undefined;
  }
}

/** Same option, ignoring the help text (a reworded help is not a conflict). */
function sameDefinition(a: OptionSpec, b: OptionSpec): boolean {
  const { help: _helpA, ...restA } = a;
  const { help: _helpB, ...restB } = b;
  return canonicalJson(restA) === canonicalJson(restB);
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (item && typeof item === 'object' && !Array.isArray(item)) {
      return Object.fromEntries(Object.entries(item).filter(([, v]) => v !== undefined).sort(([x], [y]) => (x < y ? -1 : 1)));
    }
    return item;
  });
}
