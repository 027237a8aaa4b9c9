/**
 * Names under which an option is found in the files: its `dest` name, then
 * its deprecated aliases.
 */
import type { OptionLocation } from './file-values';
import type { OptionSpec } from './options';

/** oslo's `dest`: the name with `-` replaced by `_`. Files and resolved groups use it. */
export function optionDest(spec: Pick<OptionSpec, 'name'>): string {
  return spec.name.replace(/-/g, '_');
}

/**
 * The lookup list: `(group, dest)` first, then every deprecated alias in
 * declaration order. Like oslo's `Opt.__init__`, an alias spelled with
 * dashes is also looked up with underscores, after all declared aliases.
 */
export function lookupNames(group: string, spec: OptionSpec): OptionLocation[] {
  const dest = optionDest(spec);
  const aliases: OptionLocation[] = (spec.deprecated ?? []).map((alias) => ({
    group: alias.group ?? group,
    name: alias.name ?? dest,
  }));
  const underscored = aliases
    .filter((alias) => alias.name.includes('-'))
    .map((alias) => ({ group: alias.group, name: alias.name.replace(/-/g, '_') }));
  return [{ group, name: dest }, ...aliases, ...underscored];
}
