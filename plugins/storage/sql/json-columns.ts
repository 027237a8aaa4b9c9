/**
 * JSON stored in management-table columns. Values go through the project's
 * JSON codec so JsonNumber (floats like 1.0, 64-bit integers) round-trips
 * exactly.
 */
import { dumpJson, dumpJsonAscii, isJsonObject, parseJsonText } from '../../../zaqar/common/json';

/**
 * JSON text, for TEXT columns: ASCII-escaped, as Python's json.dumps writes
 * it, so neither a column's character set (utf8mb3 on older MySQL tables)
 * nor the connection's (`?charset=utf8`) can refuse or mangle it.
 */
export function jsonText(value: unknown): string {
  return dumpJsonAscii(value);
}

/** UTF-8 JSON bytes, for Zaqar's LargeBinary columns (Queues.metadata). */
export function jsonBytes(value: unknown): Buffer {
  return Buffer.from(dumpJson(value), 'utf8');
}

/**
 * Bytes in a PostgreSQL TEXT column as Zaqar writes them: it passes UTF-8
 * bytes for Pools.options and Flavors.capabilities, psycopg2 sends bytes as
 * bytea, and the TEXT column keeps bytea's output form `\x7b22…`. JSON
 * text never starts with a backslash, so the form cannot be mistaken.
 */
const BYTEA_HEX = /^\\x((?:[0-9a-fA-F]{2})*)$/;

/** Parses a stored JSON column (text or bytes); NULL gives undefined. */
export function parseJsonColumn(stored: unknown): unknown {
  if (stored === null || stored === undefined) return undefined;
  let text = Buffer.isBuffer(stored) ? stored.toString('utf8') : String(stored);
  const hex = BYTEA_HEX.exec(text);
  if (hex) text = Buffer.from(hex[1], 'hex').toString('utf8');
  return parseJsonText(text);
}

/** A stored JSON object column; NULL (or anything but an object) reads as `{}`, as in Zaqar. */
export function parseJsonObjectColumn(stored: unknown): Record<string, unknown> {
  const value = parseJsonColumn(stored);
  return isJsonObject(value) ? value : {};
}
