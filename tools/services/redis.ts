/**
 * A standalone redis-server for tests and tools: a free loopback port, a
 * temporary data folder, and stop / kill / restart on the same port and
 * folder (restart tests).
 *
 *   const redis = await RedisServer.start({ aof: true });
 *   redis.uri()            // redis://127.0.0.1:PORT (Zaqar's form, with password if any)
 *   await redis.restart(); // same port, same data
 *   await redis.close();   // stops and removes the folder
 *
 * Persistence is off unless `aof: true` (`--appendonly yes --appendfsync
 * always`: every acknowledged write is on disk, so a restart loses nothing).
 * `redis-server` is found on PATH or through $REDIS_SERVER; when it is
 * missing, `redisServerMissing()` says why and the suite skips (or fails
 * under CI, see process.ts).
 *
 * `redisCommand` is a dependency-free RESP client for probes (readiness,
 * INFO, SENTINEL ...), also used by sentinel.ts.
 */
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LocalServer } from './local-server';
import { findExecutable, freePort, startProcess, useService, waitUntil } from './process';

export const LOOPBACK = '127.0.0.1';
const START_TIMEOUT_MS = 20_000;

/** The redis-server executable, or undefined. */
export function redisServerPath(): string | undefined {
  return findExecutable('redis-server', 'REDIS_SERVER', ['/usr/sbin', '/usr/local/bin']);
}

/** Why Redis tests cannot run here, or undefined when they can. */
export function redisServerMissing(): string | undefined {
  return redisServerPath() === undefined
    ? 'redis-server not found (install Debian package redis-server, or set REDIS_SERVER=/path/to/redis-server)'
    : undefined;
}

// ---------------------------------------------------------------------------
// A minimal RESP client for probes

export type RespValue = string | number | null | RespValue[];

/** Raised for a Redis error reply (`-ERR ...`). */
export class RespError extends Error {}

/**
 * Sends one command on a fresh connection (AUTH first when a password is
 * given) and resolves with its reply; error replies reject with RespError.
 */
export function redisCommand(
  port: number,
  args: (string | Buffer)[],
  options: { password?: string; host?: string; timeoutMs?: number } = {},
): Promise<RespValue> {
  const commands = options.password ? [['AUTH', options.password], args] : [args];
  return new Promise((resolve, reject) => {
    const socket = connect({ host: options.host ?? LOOPBACK, port });
    let buffer = Buffer.alloc(0);
    const replies: (RespValue | RespError)[] = [];
    const timer = setTimeout(() => finish(new Error(`no reply from ${port} within ${options.timeoutMs ?? 2000} ms`)), options.timeoutMs ?? 2000);
    const finish = (outcome: RespValue | Error): void => {
      clearTimeout(timer);
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    socket.on('error', (err) => finish(err));
    socket.on('connect', () => socket.write(Buffer.concat(commands.map(encode))));
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const parsed = parse(buffer, 0);
        if (parsed === undefined) return;
        buffer = buffer.subarray(parsed.end);
        replies.push(parsed.value);
        if (replies.length === commands.length) {
          const failure = replies.find((r): r is RespError => r instanceof RespError);
          finish(failure ?? (replies[replies.length - 1] as RespValue));
          return;
        }
      }
    });
  });
}

function encode(args: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = typeof arg === 'string' ? Buffer.from(arg, 'utf8') : arg;
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

function parse(buffer: Buffer, start: number): { value: RespValue | RespError; end: number } | undefined {
  const lineEnd = buffer.indexOf('\r\n', start);
  if (lineEnd < 0) return undefined;
  const line = buffer.toString('utf8', start + 1, lineEnd);
  const next = lineEnd + 2;
  switch (String.fromCharCode(buffer[start])) {
    case '+':
      return { value: line, end: next };
    case '-':
      return { value: new RespError(line), end: next };
    case ':':
      return { value: Number(line), end: next };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, end: next };
      if (buffer.length < next + length + 2) return undefined;
      return { value: buffer.toString('utf8', next, next + length), end: next + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, end: next };
      const items: RespValue[] = [];
      let offset = next;
      for (let i = 0; i < count; i++) {
        const item = parse(buffer, offset);
        if (item === undefined) return undefined;
        items.push(item.value instanceof RespError ? item.value.message : item.value);
        offset = item.end;
      }
      return { value: items, end: offset };
    }
    default:
      throw new Error(`unexpected RESP type ${JSON.stringify(String.fromCharCode(buffer[start]))}`);
  }
}

/** `INFO section` of the server on `port`, as key → value. */
export async function redisInfo(port: number, section: string, password?: string): Promise<Record<string, string>> {
  const text = String(await redisCommand(port, ['INFO', section], { password }));
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return fields;
}

/** True once the server on `port` answers PING (not while it is still loading its data). */
export async function redisAnswers(port: number, password?: string): Promise<boolean> {
  try {
    return (await redisCommand(port, ['PING'], { password, timeoutMs: 1000 })) === 'PONG';
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------
// The standalone server

export interface RedisServerOptions {
  /** `--appendonly yes --appendfsync always` (default: no persistence at all). */
  aof?: boolean;
  /** `--requirepass`. */
  password?: string;
  /** Extra redis-server arguments. */
  args?: string[];
}

/** Stopped (local-server.ts) with SIGTERM, on which Redis finishes its AOF and exits. */
export class RedisServer extends LocalServer {
  private constructor(
    port: number,
    dir: string,
    private readonly executable: string,
    private readonly options: RedisServerOptions,
  ) {
    super(port, dir);
  }

  /** Starts a server on a free loopback port in a new temporary folder. */
  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const executable = redisServerPath();
    if (executable === undefined) throw new Error(redisServerMissing());
    const server = new RedisServer(await freePort(), mkdtempSync(path.join(tmpdir(), 'zaqar-ts-redis-')), executable, options);
    return LocalServer.prepared(server, () => server.launch());
  }

  get password(): string | undefined {
    return this.options.password;
  }

  /** The URI in Zaqar's form (`redis://password@host:port`), or `standard` (`redis://:password@host:port`). */
  uri(form: 'zaqar' | 'standard' = 'zaqar'): string {
    const auth = this.password ? `${form === 'standard' ? ':' : ''}${this.password}@` : '';
    return `redis://${auth}${LOOPBACK}:${this.port}`;
  }

  /** One command (see redisCommand). */
  command(...args: (string | Buffer)[]): Promise<RespValue> {
    return redisCommand(this.port, args, { password: this.password });
  }

  /** SIGSTOP: the server keeps its connections but answers nothing (a hung or partitioned server). */
  pause(): void {
    this.process?.child.kill('SIGSTOP');
  }

  /** SIGCONT after `pause`. */
  resume(): void {
    this.process?.child.kill('SIGCONT');
  }

  async launch(): Promise<void> {
    const args = [
      '--bind', LOOPBACK,
      '--port', String(this.port),
      '--dir', this.dir,
      '--save', '',
      '--daemonize', 'no',
      '--protected-mode', 'yes',
      ...(this.options.aof ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
      ...(this.password ? ['--requirepass', this.password] : []),
      ...(this.options.args ?? []),
    ];
    this.process = startProcess(this.executable, args, { dir: this.dir });
    await waitUntil(() => redisAnswers(this.port, this.password), START_TIMEOUT_MS, `redis-server on port ${this.port}`, this.process);
  }
}

/**
 * For a mocha `describe`: one RedisServer (started with `options`) for the
 * suite (useService: skipped without redis-server, failed under CI).
 */
export function useRedisServer(options: RedisServerOptions = {}): () => RedisServer {
  return useService({ what: 'redis-server', missing: redisServerMissing, start: () => RedisServer.start(options), stop: (server) => server.close() });
}
