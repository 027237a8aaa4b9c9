/**
 * `choices` matching, shared by list parsing (oslo re-joins list items that
 * fail item validation, `oslo_config.types.List`) and the convict formats.
 */
import type { OptionSpec } from './options';

export function isAllowedChoice(spec: Pick<OptionSpec, 'choices' | 'ignoreCase'>, value: string): boolean {
  const choices = spec.choices;
  if (!choices) return true;
  if (spec.ignoreCase) {
    const lower = value.toLowerCase();
    return choices.some((choice) => choice.toLowerCase() === lower);
  }
  return choices.includes(value);
}

/** `'a', 'b' or ''` — how an error message lists the allowed values. */
export function describeChoices(choices: readonly string[]): string {
  const quoted = choices.map((choice) => `'${choice}'`);
  return quoted.length <= 1 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}
