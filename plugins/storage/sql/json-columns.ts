/**
 * JSON stored in management-table columns. Values go through the project's
 * JSON codec so JsonNumber (floats like 1.0, 64-bit integers) round-trips
 * exactly.
 */
import { dumpJson, isJsonObject, parseJsonText } from '../../../zaqar/common/json';

/** JSON text, for TEXT columns. */
export function jsonText(value: unknown): string {
  return dumpJson(value);
}

/** UTF-8 JSON bytes, for Zaqar's LargeBinary columns (Queues.metadata). */
export function jsonBytes(value: unknown): Buffer {
  return Buffer.from(dumpJson(value), 'utf8');
}

/** Parses a stored JSON column (text or bytes); NULL gives undefined. */
export function parseJsonColumn(stored: unknown): unknown {
  if (stored === null || stored === undefined) return undefined;
  const text = Buffer.isBuffer(stored) ? stored.toString('utf8') : String(stored);
  return parseJsonText(text);
}

/** A stored JSON object column; NULL (or anything but an object) reads as `{}`, as in Zaqar. */
export function parseJsonObjectColumn(stored: unknown): Record<string, unknown> {
  const value = parseJsonColumn(stored);
  return isJsonObject(value) ? value : {};
}
