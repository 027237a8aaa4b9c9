/**
 * How Python's `str()` renders configuration values: oslo.config
 * substitutes `$name` with `str(value)` of the referenced option, and
 * `set_override` turns non-string values into strings the same way, so
 * `$debug` gives `True` and a float option 1.0 gives `1.0`.
 */
import { pythonFloatRepr, pythonStr as str } from '../common/python';
import type { OptionType, OptionValue } from './options';

/** `type` tells a float (`1.0`) from an integer (`1`), which JS numbers cannot. */
export function pythonStr(value: OptionValue | undefined, type?: OptionType): string {
  return typeof value === 'number' && type === 'float' ? pythonFloatRepr(value) : str(value);
}
