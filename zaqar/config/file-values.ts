/**
 * The raw values of every parsed config file, and oslo's rule for picking
 * one: files are searched newest first; within a file the names are tried
 * in order (current name, then each deprecated alias) and the first one
 * present wins. Multi-valued options instead collect every assignment of
 * every file, oldest file first.
 */
import { normalizeSectionName, type IniFile } from './ini';

/** A (section, key) pair as looked up in the files. */
export interface OptionLocation {
  readonly group: string;
  readonly name: string;
}

/** One raw value and where it was written. */
export interface RawValue {
  readonly text: string;
  readonly file: string;
  readonly line: number;
  /** The name it was found under: the option itself or one of its deprecated aliases. */
  readonly foundAs: OptionLocation;
}

export class ConfigFileValues {
  /** @param files in the order they were read; later files win. */
  constructor(private readonly files: readonly IniFile[]) {}

  get paths(): string[] {
    return this.files.map((file) => file.path);
  }

  /** Every section name of every file, normalized and sorted, as oslo's `list_all_sections`. */
  sections(): string[] {
    const names = new Set<string>();
    for (const file of this.files) for (const name of file.sections.keys()) names.add(name);
    return [...names].sort();
  }

  /**
   * The value of a single-valued option: the last assignment of the first
   * name present in the newest file that has any of `names`.
   */
  findLast(names: readonly OptionLocation[]): RawValue | undefined {
    for (let index = this.files.length - 1; index >= 0; index--) {
      const file = this.files[index];
      for (const name of names) {
        const values = file?.sections.get(normalizeSectionName(name.group))?.get(name.name);
        const last = values?.[values.length - 1];
        if (file && last) return { text: last.text, file: file.path, line: last.line, foundAs: name };
      }
    }
    return undefined;
  }

  /**
   * All values of a multi-valued option, oldest file first. Like oslo, every
   * name is collected from each file (not only the first one present).
   */
  findAll(names: readonly OptionLocation[]): RawValue[] | undefined {
    let collected: RawValue[] = [];
    let found = false;
    for (let index = this.files.length - 1; index >= 0; index--) {
      const file = this.files[index];
      if (!file) continue;
      for (const name of names) {
        const values = file.sections.get(normalizeSectionName(name.group))?.get(name.name);
        if (!values) continue;
        found = true;
        const raw = values.map((value) => ({ text: value.text, file: file.path, line: value.line, foundAs: name }));
        // oslo: `rvalue = val + rvalue` while walking newest → oldest.
        collected = [...raw, ...collected];
      }
    }
    return found ? collected : undefined;
  }
}
