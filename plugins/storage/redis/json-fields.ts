/**
 * JSON values stored as a MessagePack field plus, when MessagePack cannot
 * spell them exactly, a `<field>.j` field with the JSON text (codec.ts):
 * message bodies (`b`, `b.j`), queue metadata (`m`, `m.j`), pool options
 * (`o`, `o.j`), flavor capabilities (`c`, `c.j`).
 */
import { isJsonObject, parseJsonText, RawJson } from '../../../zaqar/common/json';
import { packJson, unpackToJsonText } from './codec';

/** The two field values to write: MessagePack bytes and the exact text ('' when not needed). */
export function encodeJsonField(value: unknown): [Buffer, string] {
  const packed = packJson(value);
  return [packed.bytes, packed.exactText ?? ''];
}

/**
 * A message body as stored JSON text, ready to be spliced into a response.
 * The exact text, when present, was written in the same step as the bytes
 * and bodies never change, so it is used as is.
 */
export function decodeBody(packed: Buffer | null, exactText: string | null): RawJson {
  if (exactText !== null) return new RawJson(exactText);
  return new RawJson(packed === null ? '{}' : unpackToJsonText(packed));
}

/**
 * A mutable JSON field (metadata, options, capabilities). The exact text is
 * trusted only while the MessagePack beside it still encodes the same
 * value: a writer that does not know `.j` fields (the reference server on
 * the same Redis) may have replaced the bytes since.
 */
export function decodeJsonField(packed: Buffer | null, exactText: string | null): unknown {
  if (packed === null) return exactText === null ? undefined : parseJsonText(exactText);
  if (exactText !== null) {
    const value = parseJsonText(exactText);
    if (packJson(value).bytes.equals(packed)) return value;
  }
  return parseJsonText(unpackToJsonText(packed));
}

/** A JSON object field; anything else (absent, not an object) reads as `{}`, as in Zaqar. */
export function decodeJsonObjectField(packed: Buffer | null, exactText: string | null): Record<string, unknown> {
  const value = decodeJsonField(packed, exactText);
  return isJsonObject(value) ? value : {};
}
