/**
 * Document checks shared by the operations (Zaqar's `wsgi_utils.filter`
 * and `sanitize`): keep the listed fields, apply defaults, check types with
 * Python's semantics.
 */
import { isJsonObject, isPyInt } from '../../common/json';
import { documentTypeNotSupported, invalidBody } from '../errors';

/** An object document, or 'Document type not supported.' */
export function requireObject(document: unknown): Record<string, unknown> {
  if (!isJsonObject(document)) throw documentTypeNotSupported();
  return document;
}

/** A field spec entry: `[name, type, default]` as in Zaqar's `get_checked_field`. */
export type FieldSpec = readonly [name: string, type: 'int' | '*', defaultValue: unknown];

/** Keeps only the listed fields, applies defaults (`undefined`/`null` default = required), checks types. */
export function filterFields(document: unknown, spec: readonly FieldSpec[]): Record<string, unknown> {
  const object = requireObject(document);
  const out: Record<string, unknown> = {};
  for (const [name, type, defaultValue] of spec) {
    let value: unknown;
    if (Object.prototype.hasOwnProperty.call(object, name)) {
      value = object[name];
    } else if (defaultValue !== undefined && defaultValue !== null) {
      value = defaultValue;
    } else {
      throw invalidBody(`Missing "${name}" field.`);
    }
    if (type === 'int' && !isPyInt(value)) throw invalidBody(`The value of the "${name}" field must be a int.`);
    out[name] = value;
  }
  return out;
}
