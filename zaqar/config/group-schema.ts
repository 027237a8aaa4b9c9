/**
 * The convict schema of one option group, and validation of a group's
 * resolved values against it.
 *
 * OsloConfig converts every value the oslo way first (that is where the
 * dialect's quirks live); convict then validates the typed group as a whole
 * with the formats of convict-formats.ts. Failures come back per option so
 * the caller can name the file the raw value came from.
 */
import convict from 'convict';
import { CONVICT_FORMAT, registerOsloFormats } from './convict-formats';
import { optionDest } from './option-names';
import type { OptionSpec, OptionValue } from './options';
import { toOptionValue } from './value-conversion';

export interface OptionFailure {
  /** The option's destination name (the key of the resolved group). */
  readonly option: string;
  readonly reason: string;
}

export class GroupSchema {
  private readonly schema: Record<string, convict.SchemaObj>;
  /** convict key → option dest; convict treats '.' in keys as nesting, so keys are escaped. */
  private readonly optionByKey = new Map<string, string>();
  private readonly keyByOption = new Map<string, string>();

  constructor(
    readonly group: string,
    specs: readonly OptionSpec[],
  ) {
    registerOsloFormats();
    this.schema = {};
    for (const spec of specs) {
      const dest = optionDest(spec);
      const key = convictKey(dest);
      this.optionByKey.set(key, dest);
      this.keyByOption.set(dest, key);
      this.schema[key] = {
        doc: spec.help,
        format: CONVICT_FORMAT[spec.type],
        default: documentedDefault(spec),
        nullable: true,
        sensitive: spec.secret === true,
        choices: spec.choices,
        ignoreCase: spec.ignoreCase,
        min: spec.min,
        max: spec.max,
        secret: spec.secret,
      };
    }
  }

  /** Validates the converted values of every option of the group; returns one failure per bad option. */
  validate(values: Readonly<Record<string, OptionValue>>): OptionFailure[] {
    // Typed as a flat record of unknown values: convict's path types cannot follow escaped keys anyway.
    const instance: convict.Config<Record<string, unknown>> = convict<Record<string, unknown>>(this.schema, { args: [], env: {} });
    for (const [option, value] of Object.entries(values)) {
      const key = this.keyByOption.get(option);
      // `set`, not `load`: load() deep-merges objects into the default, which
      // would mix a dict option's default keys into the configured dict.
      if (key !== undefined) instance.set(key, value);
    }
    try {
      instance.validate({ allowed: 'strict', output: () => undefined });
      return [];
    } catch (error) {
      return this.failuresFrom(error instanceof Error ? error.message : String(error), values);
    }
  }

  /** convict reports every failure as one line: `<key>: <reason>[: value was <json>]`. */
  private failuresFrom(message: string, values: Readonly<Record<string, OptionValue>>): OptionFailure[] {
    return message
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        const key = this.keyOfLine(line);
        if (key === undefined) return { option: '', reason: line };
        const option = this.optionByKey.get(key) ?? key;
        let reason = line.startsWith(`${key}: `) ? line.slice(key.length + 2) : line;
        const suffix = `: value was ${JSON.stringify(values[option])}`;
        if (reason.endsWith(suffix)) reason = reason.slice(0, -suffix.length);
        return { option, reason };
      });
  }

  private keyOfLine(line: string): string | undefined {
    let best: string | undefined;
    for (const key of this.optionByKey.keys()) {
      if (line.startsWith(`${key}: `) && (best === undefined || key.length > best.length)) best = key;
    }
    return best ?? /configuration param '([^']+)'/.exec(line)?.[1];
  }
}

function convictKey(dest: string): string {
  const key = dest.replace(/\./g, '\u2024');
  return key === '__proto__' || key === '_cvtProperties' || key === 'constructor' ? `\u2024${key}` : key;
}

/** The default as documentation in the schema; the real default is resolved (and interpolated) by OsloConfig. */
function documentedDefault(spec: OptionSpec): OptionValue {
  try {
    return toOptionValue(spec, spec.default);
  } catch {
    return null;
  }
}
