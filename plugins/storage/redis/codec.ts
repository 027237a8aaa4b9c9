/**
 * MessagePack for JSON values, byte-compatible with the reference.
 *
 * Zaqar stores message bodies, queue metadata, pool options and flavor
 * capabilities as `msgpack.Packer(use_bin_type=True).pack(value)` of the
 * value Python's `json.loads` produced. Writing the same bytes lets a
 * reference server read our records and us read its records:
 *
 * - integers use the smallest MessagePack int that holds them (positive
 *   values unsigned), 64-bit ones through BigInt;
 * - floats are float64 (Python has no float32);
 * - strings are `str` (UTF-8), arrays and maps keep their order.
 *
 * MessagePack cannot keep every JSON *spelling*, which our API must return
 * unchanged (`2.50` stays `2.50`): a float64 only remembers the value, and
 * a reader prints it the way Python does (`2.5`).
 * `packJson` therefore reports whether the bytes reproduce the JSON text
 * exactly; when they do not, callers store the exact text in a side field
 * (`b.j` for bodies, see keys.ts) that the reference ignores. The reference
 * then reads what it would have stored itself (Python's `json.loads` turns
 * `2.50` into 2.5 as well), and we return the original spelling.
 *
 * Decoding goes straight from MessagePack to JSON text in `dumpJson`'s
 * format (`", "` and `": "` separators, no ASCII escaping), so a stored body
 * becomes a RawJson without building an intermediate object.
 */
import { dumpJson, JsonNumber, RawJson } from '../../../zaqar/common/json';
import { pythonJsonFloat } from '../../../zaqar/common/python';

/** The MessagePack bytes of a JSON value, and whether they reproduce its JSON text. */
export interface PackedJson {
  bytes: Buffer;
  /** `dumpJson(value)` when decoding `bytes` would spell it differently; undefined when exact. */
  exactText?: string;
}

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;
/** Node 20 has String.prototype.isWellFormed (ES2024; lib ES2022 here): native, much faster than a regex per string. */
const hasLoneSurrogate = (s: string): boolean => !(s as string & { isWellFormed(): boolean }).isWellFormed();

/** Encodes a JSON value (plain JS values, JsonNumber, RawJson, bigint) as the reference would. */
export function packJson(value: unknown): PackedJson {
  const writer = new Writer();
  const state = { exact: true };
  writeValue(writer, value, state);
  const bytes = writer.finish();
  return state.exact ? { bytes } : { bytes, exactText: dumpJson(value) };
}

// ---------------------------------------------------------------------------
// Encoding

class Writer {
  private buffer = Buffer.allocUnsafe(256);
  private length = 0;

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + bytes) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buffer[this.length++] = b;
  }

  uint8(tag: number, v: number): void {
    this.reserve(2);
    this.buffer[this.length++] = tag;
    this.buffer[this.length++] = v;
  }

  uint16(tag: number, v: number): void {
    this.reserve(3);
    this.buffer[this.length++] = tag;
    this.buffer.writeUInt16BE(v, this.length);
    this.length += 2;
  }

  uint32(tag: number, v: number): void {
    this.reserve(5);
    this.buffer[this.length++] = tag;
    this.buffer.writeUInt32BE(v, this.length);
    this.length += 4;
  }

  int8(tag: number, v: number): void {
    this.reserve(2);
    this.buffer[this.length++] = tag;
    this.buffer.writeInt8(v, this.length);
    this.length += 1;
  }

  int16(tag: number, v: number): void {
    this.reserve(3);
    this.buffer[this.length++] = tag;
    this.buffer.writeInt16BE(v, this.length);
    this.length += 2;
  }

  int32(tag: number, v: number): void {
    this.reserve(5);
    this.buffer[this.length++] = tag;
    this.buffer.writeInt32BE(v, this.length);
    this.length += 4;
  }

  big64(tag: number, v: bigint, signed: boolean): void {
    this.reserve(9);
    this.buffer[this.length++] = tag;
    if (signed) this.buffer.writeBigInt64BE(v, this.length);
    else this.buffer.writeBigUInt64BE(v, this.length);
    this.length += 8;
  }

  float64(v: number): void {
    this.reserve(9);
    this.buffer[this.length++] = 0xcb;
    this.buffer.writeDoubleBE(v, this.length);
    this.length += 8;
  }

  utf8(s: string): void {
    const size = Buffer.byteLength(s, 'utf8');
    this.header(size, 0xa0, 32, 0xd9, 0xda, 0xdb);
    this.reserve(size);
    this.length += this.buffer.write(s, this.length, 'utf8');
  }

  /** fix/8/16/32-bit length header; `fixLimit` 0 means the type has no fix form. */
  header(size: number, fixTag: number, fixLimit: number, tag8: number, tag16: number, tag32: number): void {
    if (size < fixLimit) this.byte(fixTag | size);
    else if (tag8 !== 0 && size < 0x100) this.uint8(tag8, size);
    else if (size < 0x10000) this.uint16(tag16, size);
    else this.uint32(tag32, size);
  }

  finish(): Buffer {
    return Buffer.from(this.buffer.subarray(0, this.length));
  }
}

function writeValue(w: Writer, value: unknown, state: { exact: boolean }): void {
  switch (typeof value) {
    case 'string':
      // Python refuses lone surrogates (they cannot be UTF-8); Buffer would
      // replace them with U+FFFD, so keep the exact text aside.
      if (hasLoneSurrogate(value)) state.exact = false;
      w.utf8(value);
      return;
    case 'number':
      writeNumber(w, value, state);
      return;
    case 'boolean':
      w.byte(value ? 0xc3 : 0xc2);
      return;
    case 'bigint':
      writeBigInt(w, value, value.toString(), state);
      return;
    case 'undefined':
      w.byte(0xc0);
      return;
    case 'object':
      break;
    default:
      throw new TypeError(`cannot store a ${typeof value} as JSON`);
  }
  if (value === null) {
    w.byte(0xc0);
  } else if (value instanceof JsonNumber) {
    writeJsonNumber(w, value.text, state);
  } else if (value instanceof RawJson) {
    writeValue(w, value.value(), state);
  } else if (Array.isArray(value)) {
    w.header(value.length, 0x90, 16, 0, 0xdc, 0xdd);
    for (const item of value) writeValue(w, item, state);
  } else {
    // dumpJson skips undefined members; so does the map.
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    let size = 0;
    for (const key of keys) if (record[key] !== undefined) size++;
    w.header(size, 0x80, 16, 0, 0xde, 0xdf);
    for (const key of keys) {
      const item = record[key];
      if (item === undefined) continue;
      if (hasLoneSurrogate(key)) state.exact = false;
      w.utf8(key);
      writeValue(w, item, state);
    }
  }
}

function writeNumber(w: Writer, n: number, state: { exact: boolean }): void {
  if (Number.isSafeInteger(n)) {
    writeSafeInteger(w, n === 0 ? 0 : n);
    return;
  }
  if (!Number.isFinite(n)) {
    // dumpJson writes null for NaN and ±Infinity; so does the store.
    w.byte(0xc0);
    return;
  }
  w.float64(n);
  if (pythonJsonFloat(n) !== String(n)) state.exact = false;
}

function writeJsonNumber(w: Writer, text: string, state: { exact: boolean }): void {
  if (/^-?\d+$/.test(text)) {
    writeBigInt(w, BigInt(text), text, state);
    return;
  }
  const n = Number(text);
  w.float64(n);
  if (!Number.isFinite(n) || pythonJsonFloat(n) !== text) state.exact = false;
}

function writeBigInt(w: Writer, big: bigint, text: string, state: { exact: boolean }): void {
  if (big.toString() !== text) state.exact = false; // e.g. "-0"
  if (big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)) {
    writeSafeInteger(w, Number(big));
  } else if (big > 0n && big <= UINT64_MAX) {
    w.big64(0xcf, big, false);
  } else if (big < 0n && big >= INT64_MIN) {
    w.big64(0xd3, big, true);
  } else {
    // Beyond 64 bits (the API rejects these before they get here): the
    // nearest float for readers of the bytes, the exact text for us.
    w.float64(Number(big));
    state.exact = false;
  }
}

/** Python msgpack's choice: the smallest form, unsigned for positive values. */
function writeSafeInteger(w: Writer, n: number): void {
  if (n >= 0) {
    if (n < 0x80) w.byte(n);
    else if (n < 0x100) w.uint8(0xcc, n);
    else if (n < 0x10000) w.uint16(0xcd, n);
    else if (n < 0x100000000) w.uint32(0xce, n);
    else w.big64(0xcf, BigInt(n), false);
  } else if (n >= -32) w.byte(n & 0xff);
  else if (n >= -0x80) w.int8(0xd0, n);
  else if (n >= -0x8000) w.int16(0xd1, n);
  else if (n >= -0x80000000) w.int32(0xd2, n);
  else w.big64(0xd3, BigInt(n), true);
}

// ---------------------------------------------------------------------------
// Python's float repr


// ---------------------------------------------------------------------------
// Decoding

/** Raised for bytes that are not MessagePack of a JSON value. */
export class MsgpackDecodeError extends Error {
  constructor(message: string) {
    super(`stored MessagePack value cannot be read: ${message}`);
    this.name = 'MsgpackDecodeError';
  }
}

/** The JSON text (in `dumpJson`'s format) of one MessagePack value. */
export function unpackToJsonText(bytes: Buffer): string {
  const reader = new Reader(bytes);
  const text = reader.value();
  if (reader.offset !== bytes.length) throw new MsgpackDecodeError('trailing bytes');
  return text;
}

class Reader {
  offset = 0;
  constructor(private readonly bytes: Buffer) {}

  private need(n: number): void {
    if (this.offset + n > this.bytes.length) throw new MsgpackDecodeError('truncated');
  }

  private u8(): number {
    this.need(1);
    return this.bytes[this.offset++];
  }

  private read<T>(n: number, get: (offset: number) => T): T {
    this.need(n);
    const v = get(this.offset);
    this.offset += n;
    return v;
  }

  private str(n: number): string {
    this.need(n);
    const s = this.bytes.toString('utf8', this.offset, this.offset + n);
    this.offset += n;
    return s;
  }

  private array(n: number): string {
    const items: string[] = [];
    for (let i = 0; i < n; i++) items.push(this.value());
    return `[${items.join(', ')}]`;
  }

  private map(n: number): string {
    const items: string[] = [];
    for (let i = 0; i < n; i++) {
      const key = this.value();
      // json.dumps turns non-string keys into strings ("1", "true", "null").
      const quoted = key.startsWith('"') ? key : JSON.stringify(key);
      items.push(`${quoted}: ${this.value()}`);
    }
    return `{${items.join(', ')}}`;
  }

  value(): string {
    const b = this.bytes;
    const tag = this.u8();
    if (tag < 0x80) return String(tag);
    if (tag >= 0xe0) return String(tag - 0x100);
    if (tag >= 0xa0 && tag < 0xc0) return JSON.stringify(this.str(tag & 0x1f));
    if (tag >= 0x90 && tag < 0xa0) return this.array(tag & 0x0f);
    if (tag >= 0x80 && tag < 0x90) return this.map(tag & 0x0f);
    switch (tag) {
      case 0xc0:
        return 'null';
      case 0xc2:
        return 'false';
      case 0xc3:
        return 'true';
      case 0xcc:
        return String(this.u8());
      case 0xcd:
        return String(this.read(2, (o) => b.readUInt16BE(o)));
      case 0xce:
        return String(this.read(4, (o) => b.readUInt32BE(o)));
      case 0xcf:
        return this.read(8, (o) => b.readBigUInt64BE(o)).toString();
      case 0xd0:
        return String(this.read(1, (o) => b.readInt8(o)));
      case 0xd1:
        return String(this.read(2, (o) => b.readInt16BE(o)));
      case 0xd2:
        return String(this.read(4, (o) => b.readInt32BE(o)));
      case 0xd3:
        return this.read(8, (o) => b.readBigInt64BE(o)).toString();
      case 0xca:
        return pythonJsonFloat(this.read(4, (o) => b.readFloatBE(o)));
      case 0xcb:
        return pythonJsonFloat(this.read(8, (o) => b.readDoubleBE(o)));
      case 0xd9:
        return JSON.stringify(this.str(this.u8()));
      case 0xda:
        return JSON.stringify(this.str(this.read(2, (o) => b.readUInt16BE(o))));
      case 0xdb:
        return JSON.stringify(this.str(this.read(4, (o) => b.readUInt32BE(o))));
      // bin: never written for JSON values (Python's json.dumps would fail on
      // bytes); read as UTF-8 text rather than lose the whole record.
      case 0xc4:
        return JSON.stringify(this.str(this.u8()));
      case 0xc5:
        return JSON.stringify(this.str(this.read(2, (o) => b.readUInt16BE(o))));
      case 0xc6:
        return JSON.stringify(this.str(this.read(4, (o) => b.readUInt32BE(o))));
      case 0xdc:
        return this.array(this.read(2, (o) => b.readUInt16BE(o)));
      case 0xdd:
        return this.array(this.read(4, (o) => b.readUInt32BE(o)));
      case 0xde:
        return this.map(this.read(2, (o) => b.readUInt16BE(o)));
      case 0xdf:
        return this.map(this.read(4, (o) => b.readUInt32BE(o)));
      default:
        // 0xc1 (never used) and the ext types, which have no JSON meaning.
        throw new MsgpackDecodeError(`unsupported type 0x${tag.toString(16)}`);
    }
  }
}
