/**
 * Frames as Zaqar's WebSocket protocol (`zaqar.transport.websocket.protocol`)
 * carries them: a text frame holds JSON, a binary frame MessagePack, and
 * every answer goes back in the frame type of its request.
 *
 * JSON is parsed and written the Python way (zaqar/common/json.ts): a float
 * stays a float, integers are exact, output uses `", "`/`": "` and escapes
 * non-ASCII as Zaqar's `jsonutils.dump_as_bytes` does. MessagePack decodes
 * with the same distinctions (a float64 `60.0` is no integer, an int64 is
 * exact) and encodes strings as `str`, as msgpack's `use_bin_type`.
 */
import { Decoder, Encoder } from '@msgpack/msgpack';
import { dumpJsonAscii, JsonNumber, parseJsonText, RawJson } from '../../../zaqar/common/json';

/** A frame that could not be decoded; `message` is Zaqar's whole error text. */
export class FrameDecodeError extends Error {}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

/** A float as Python would keep it: a JsonNumber whose text is no integer literal. */
function pythonFloat(value: number): JsonNumber {
  if (!Number.isFinite(value)) return new JsonNumber(Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity');
  const text = String(value);
  return new JsonNumber(/^-?\d+$/.test(text) ? `${text}.0` : text);
}

/**
 * A MessagePack decoder that keeps Python's distinctions: floats come back
 * as JsonNumber (so `60.0` fails an integer check as it does in Zaqar) and
 * 64-bit integers as bigint (made exact numbers below). It overrides the
 * float readers of @msgpack/msgpack's Decoder (version pinned in
 * package.json; tests/unit/transport/websocket/framing.spec.ts holds it).
 */
function pythonDecoder(): Decoder {
  const decoder = new Decoder({ useBigInt64: true });
  const internals = decoder as unknown as { view: DataView; pos: number; readF32(): unknown; readF64(): unknown };
  internals.readF32 = function (this: typeof internals) {
    const value = this.view.getFloat32(this.pos);
    this.pos += 4;
    return pythonFloat(value);
  };
  internals.readF64 = function (this: typeof internals) {
    const value = this.view.getFloat64(this.pos);
    this.pos += 8;
    return pythonFloat(value);
  };
  return decoder;
}

const decoder = pythonDecoder();
const encoder = new Encoder({ useBigInt64: true, ignoreUndefined: true });

/** MessagePack values as the JSON model: bigint → number or JsonNumber; bin and ext are refused. */
function fromMsgpack(value: unknown): unknown {
  if (typeof value === 'bigint') {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : new JsonNumber(value.toString());
  }
  if (value instanceof Uint8Array) throw new TypeError('binary (bin) values are not supported; send strings');
  if (Array.isArray(value)) return value.map(fromMsgpack);
  if (value !== null && typeof value === 'object' && !(value instanceof JsonNumber)) {
    if (value.constructor !== Object) throw new TypeError('extension types are not supported');
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = fromMsgpack(item);
    return out;
  }
  return value;
}

/** The JSON model as MessagePack values: kept numbers become numbers (exact integers as bigint), raw JSON is parsed. */
export function toMsgpackValue(value: unknown): unknown {
  if (value instanceof JsonNumber) {
    if (!value.isInteger) return Number(value.text);
    const big = BigInt(value.text);
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }
  if (value instanceof RawJson) return toMsgpackValue(value.value());
  if (Array.isArray(value)) return value.map(toMsgpackValue);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = toMsgpackValue(item);
    return out;
  }
  return value;
}

/** JSON.parse's own diagnostic for text the Python-style parser refused (it only says that it could not parse). */
function syntaxErrorOf(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : undefined;
  }
}

/** The request a frame holds (any JSON value); throws FrameDecodeError with Zaqar's text. */
export function decodeFrame(data: Buffer, binary: boolean): unknown {
  if (binary) {
    try {
      return fromMsgpack(decoder.decode(data));
    } catch (err) {
      throw new FrameDecodeError(`Can't decode binary (MessagePack) request. ${describe(err)}`);
    }
  }
  let text: string;
  try {
    text = utf8.decode(data);
  } catch (err) {
    throw new FrameDecodeError(`Can't decode text (JSON) request. UnicodeDecodeError: ${describe(err)}`);
  }
  try {
    return parseJsonText(text);
  } catch (err) {
    throw new FrameDecodeError(`Can't decode text (JSON) request. JSONDecodeError: ${syntaxErrorOf(text) ?? (err as Error).message}`);
  }
}

/** A document as a frame of the given type. */
export function encodeFrame(value: unknown, binary: boolean): string | Buffer {
  if (!binary) return dumpJsonAscii(value);
  const bytes = encoder.encode(toMsgpackValue(value));
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** JSON text (a notification as a webhook would carry it) as a frame of the given type. */
export function textAsFrame(text: string, binary: boolean): string | Buffer {
  if (!binary) return text;
  return encodeFrame(parseJsonText(text), true);
}
