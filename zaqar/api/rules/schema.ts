/**
 * JSON-schema checks of request documents (Zaqar validates pool, flavor
 * and WebSocket documents with jsonschema): a refusal is `invalid_body`
 * with the schema library's diagnostic, as Zaqar answers with
 * jsonschema's (the exact text is not part of the API).
 */
import Ajv from 'ajv';
import { JsonNumber, RawJson } from '../../common/json';
import { invalidBody } from '../errors';

const ajv = new Ajv({ allErrors: false, strict: false });

/** The document as plain JSON values (numbers kept exactly by the parser become numbers). */
function plain(value: unknown): unknown {
  if (value instanceof JsonNumber) return Number(value.text);
  if (value instanceof RawJson) return plain(value.value());
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plain(item)]));
  }
  return value;
}

/** A checker for `schema`: returns when a document conforms, throws `invalid_body` otherwise. */
export function schemaCheck(schema: object): (document: unknown) => void {
  const validate = ajv.compile(schema);
  return (document) => {
    if (validate(plain(document))) return;
    const [error] = validate.errors ?? [];
    const where = error?.instancePath ? `${error.instancePath.slice(1).replace(/\//g, '.')} ` : '';
    throw invalidBody(`${where}${error?.message ?? 'does not match the schema'}`.trim());
  };
}
