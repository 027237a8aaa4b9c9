/**
 * Lua scripts and their replies.
 *
 * A script runs atomically inside Redis, so each API operation that must
 * read and write consistently (post, claim, delete with a claim, pop, ...)
 * is one script and one round trip. Scripts are sent as EVALSHA; after a
 * server restart (empty script cache) the NOSCRIPT reply is answered by
 * sending the source once with EVAL (connection.ts).
 *
 * Replies arrive as RESP2 values with bulk strings as Buffers (message
 * bodies are binary MessagePack); the helpers below read them.
 */
import { createHash } from 'node:crypto';

export type Reply = Buffer | string | number | null | Reply[];
export type Arg = string | Buffer | number;

export class LuaScript {
  readonly sha: string;

  constructor(
    /** For logs and errors. */
    readonly name: string,
    readonly source: string,
  ) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }
}

/** Defines a script; `source` is Lua (the scripts/ folder documents KEYS and ARGV of each). */
export function lua(name: string, source: string): LuaScript {
  return new LuaScript(name, source);
}

export function asArray(reply: Reply): Reply[] {
  if (!Array.isArray(reply)) throw new TypeError(`expected an array reply, got ${describe(reply)}`);
  return reply;
}

/** A bulk string as text; null stays null. */
export function asText(reply: Reply): string | null {
  if (reply === null) return null;
  if (Buffer.isBuffer(reply)) return reply.toString('utf8');
  if (typeof reply === 'string') return reply;
  if (typeof reply === 'number') return String(reply);
  throw new TypeError(`expected a string reply, got ${describe(reply)}`);
}

export function asRequiredText(reply: Reply): string {
  const text = asText(reply);
  if (text === null) throw new TypeError('expected a string reply, got nil');
  return text;
}

/** An integer reply, or a bulk string holding a number (hash fields). */
export function asNumber(reply: Reply): number {
  if (typeof reply === 'number') return reply;
  const text = asText(reply);
  const n = text === null ? NaN : Number(text);
  if (!Number.isFinite(n)) throw new TypeError(`expected a number reply, got ${describe(reply)}`);
  return n;
}

export function asBuffer(reply: Reply): Buffer | null {
  if (reply === null) return null;
  if (Buffer.isBuffer(reply)) return reply;
  if (typeof reply === 'string') return Buffer.from(reply, 'utf8');
  throw new TypeError(`expected a bulk string reply, got ${describe(reply)}`);
}

function describe(reply: Reply): string {
  if (reply === null) return 'nil';
  if (Buffer.isBuffer(reply)) return 'a bulk string';
  if (Array.isArray(reply)) return `an array of ${reply.length}`;
  return `${typeof reply} ${String(reply)}`;
}
