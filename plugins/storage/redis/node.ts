/**
 * One Redis server as the stores use it: node-redis clients with the
 * reconnection and fail-fast policy, Lua script execution and, when
 * `wait_replicas` > 0, replica acknowledgements for writes.
 *
 * Policy (options.ts):
 * - commands never queue while the connection is down
 *   (`disableOfflineQueue`): the API answers 503 at once instead of hanging;
 * - a lost connection is re-established forever, waiting reconnect_sleep
 *   and doubling up to 10 s; only the first connection at start-up gives up,
 *   after max_reconnect_attempts attempts;
 * - every call has a deadline (socket_timeout): a Redis that stops answering
 *   (paused, partitioned) fails requests with 503 instead of blocking them.
 *
 * With `wait_replicas` > 0 writes go through WRITE_CONNECTIONS further
 * connections, each batch followed by WAIT (replica-ack.ts explains the
 * pool). WAIT blocks its connection until the replicas answer (up to
 * wait_timeout when they are missing); reads and PING stay on the read
 * connection, so they never queue behind a WAIT.
 */
import { createClient, RESP_TYPES } from 'redis';
import type { Logger } from '../../../zaqar/common/logger';
import { ConnectionError } from '../../../zaqar/storage/errors';
import { replyCode, translateError } from './errors';
import type { Arg, LuaScript, Reply } from './lua';
import { ReplicaAck } from './replica-ack';

export type NodeClient = ReturnType<typeof createClient>;

export type NodeAddress = { host: string; port: number } | { path: string };

export interface NodeSettings {
  password?: string;
  dbid: number;
  /** Deadline of one call (and of connecting), ms. */
  commandTimeoutMs: number;
  /** First reconnection wait, ms; doubles per failed attempt up to MAX_RECONNECT_WAIT_MS. */
  reconnectSleepMs: number;
  /** Connection attempts before start-up fails. */
  startupAttempts: number;
  waitReplicas: number;
  waitTimeoutMs: number;
}

export const MAX_RECONNECT_WAIT_MS = 10_000;
/**
 * Write connections with wait_replicas: enough that a turn's writes almost
 * always find one that is not in a WAIT. Under the benchmark (16 clients,
 * tools/bench) one or two WAITs are in flight on average (~1-3 ms each,
 * one every ~0.5 ms), and about 0.1% (producer-b1) to 1.5% (consumer) of
 * writes wait for a free connection.
 */
export const WRITE_CONNECTIONS = 4;
const BUFFERS = { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } } as const;

export function describeAddress(address: NodeAddress): string {
  return 'path' in address ? address.path : `${address.host}:${address.port}`;
}

/** The wait before reconnection attempt `attempt` (0-based), with 10% jitter so servers do not reconnect in lockstep. */
export function reconnectWait(attempt: number, sleepMs: number): number {
  const base = Math.min(Math.max(sleepMs, 10) * 2 ** Math.min(attempt, 30), MAX_RECONNECT_WAIT_MS);
  return Math.round(base * (1 + Math.random() * 0.1));
}

/** Settles with `promise`, or rejects with a ConnectionError after `ms`. The command itself is not cancelled. */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  // One promise and one timer per call (no race, no finally chain): this wraps every Redis call.
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new ConnectionError(`${what}: no reply from Redis within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

const ignore = (): void => undefined;

export class RedisNode {
  readonly description: string;
  private readonly reader: NodeClient;
  /** With wait_replicas; otherwise writes go through the read connection. */
  private readonly writers: NodeClient[] = [];
  private readonly ack: ReplicaAck<NodeClient> | undefined;
  private starting = true;
  private destroyed = false;
  /** Ours: the pub/sub connection of long polling's post signals, made on first subscribe. */
  private subscriber: NodeClient | undefined;

  constructor(
    readonly address: NodeAddress,
    private readonly settings: NodeSettings,
    private readonly logger: Logger,
    /** Called when a reply says this node cannot take writes (READONLY): Sentinel re-checks the master. */
    private readonly onNotMaster: () => void = ignore,
  ) {
    this.description = describeAddress(address);
    this.reader = this.createClient('reader');
    if (settings.waitReplicas > 0) {
      for (let i = 0; i < WRITE_CONNECTIONS; i++) this.writers.push(this.createClient(`writer ${i}`));
      this.ack = new ReplicaAck(this.writers, settings.waitReplicas, settings.waitTimeoutMs);
    }
  }

  /** Connects (all clients); at start-up gives up after `startupAttempts` attempts. */
  async connect(): Promise<void> {
    try {
      await Promise.all(this.clients().map((client) => client.connect()));
    } catch (err) {
      this.destroy();
      throw new ConnectionError(`cannot connect to Redis at ${this.description}: ${causeOf(err)}`);
    } finally {
      this.starting = false;
    }
  }

  /**
   * A plain command on the read connection (reads, and writes that need no
   * replica acknowledgement such as the gc lock); bulk strings come back as
   * text, or as Buffers with `buffers`.
   */
  async command(args: (string | number)[], buffers = false): Promise<Reply> {
    return this.call(this.reader, args.map(String), buffers ? 'buffers' : 'command', `${args[0]}`);
  }

  /**
   * Runs a script. With wait_replicas, `write` scripts go through the write
   * connections and resolve only once replicas confirmed them — unless
   * `wrote(reply)` says the script changed nothing (e.g. a claim that found
   * no message), which needs no confirmation.
   */
  async script(script: LuaScript, keys: string[], args: Arg[], write: boolean, wrote?: (reply: Reply) => boolean): Promise<Reply> {
    const tail = [String(keys.length), ...keys, ...args.map(argument)];
    const execute = (command: (string | Buffer)[]): Promise<Reply> =>
      write && this.ack
        ? this.ack.write((client) => this.send(client, command, 'buffers'), wrote)
        : this.send(this.reader, command, 'buffers');
    const run = async (): Promise<Reply> => {
      try {
        return await execute(['EVALSHA', script.sha, ...tail]);
      } catch (err) {
        if (replyCode(err) !== 'NOSCRIPT') throw err;
        // Empty script cache (a restarted or new master): send the source once.
        return await execute(['EVAL', script.source, ...tail]);
      }
    };
    try {
      return await withDeadline(run(), this.deadline(write), script.name);
    } catch (err) {
      throw this.failure(err, script.name);
    }
  }

  /** This server's replication role (`master`, `slave`, `sentinel`). */
  async role(): Promise<string> {
    const reply = await this.command(['ROLE']);
    return Array.isArray(reply) ? String(reply[0]) : '';
  }

  /**
   * Subscribes `listener` to `channel` on this node's subscriber connection
   * (one per node, made on first use; node-redis re-subscribes after a
   * reconnection).
   */
  async subscribe(channel: string, listener: (message: string) => void): Promise<void> {
    if (this.destroyed) throw new ConnectionError(`${this.description} is closed`);
    if (!this.subscriber) {
      const subscriber = this.createClient('subscriber');
      this.subscriber = subscriber;
      try {
        await withDeadline(subscriber.connect(), this.settings.commandTimeoutMs, 'SUBSCRIBE connection');
      } catch (err) {
        this.subscriber = undefined;
        try {
          subscriber.destroy();
        } catch {
          // not connected
        }
        throw this.failure(err, 'SUBSCRIBE');
      }
    }
    await withDeadline(this.subscriber.subscribe(channel, listener), this.settings.commandTimeoutMs, 'SUBSCRIBE');
  }

  /** Unsubscribes the channel (the subscriber connection stays, for the next subscribe). */
  async unsubscribe(channel: string): Promise<void> {
    if (!this.subscriber || this.destroyed) return;
    await withDeadline(this.subscriber.unsubscribe(channel), this.settings.commandTimeoutMs, 'UNSUBSCRIBE');
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const client of this.subscriber ? [...this.clients(), this.subscriber] : this.clients()) {
      try {
        client.destroy();
      } catch {
        // already closed (a failed connect closes it)
      }
    }
  }

  private clients(): NodeClient[] {
    return [this.reader, ...this.writers];
  }

  /** With wait_replicas a write may wait for a free connection (at most one WAIT) and then for its own WAIT. */
  private deadline(write: boolean): number {
    return this.settings.commandTimeoutMs + (write && this.ack ? 2 * this.settings.waitTimeoutMs : 0);
  }

  private send(client: NodeClient, args: (string | Buffer)[], mapping: 'buffers' | 'command'): Promise<Reply> {
    return client.sendCommand<Reply>(args, mapping === 'buffers' ? BUFFERS : undefined);
  }

  private async call(client: NodeClient, args: string[], mapping: 'buffers' | 'command', what: string): Promise<Reply> {
    try {
      return await withDeadline(this.send(client, args, mapping), this.deadline(false), what);
    } catch (err) {
      throw this.failure(err, what);
    }
  }

  private failure(err: unknown, what: string): Error {
    if (replyCode(err) === 'READONLY') this.onNotMaster();
    return translateError(err, `${what} on ${this.description}`);
  }

  private createClient(role: string): NodeClient {
    const { settings } = this;
    const reconnectStrategy = (retries: number, cause: Error): number | Error => {
      if (this.destroyed) return new Error('closed');
      // Only the first connection gives up; later outages are waited out.
      if (this.starting && retries + 1 >= settings.startupAttempts) return cause;
      return reconnectWait(retries, settings.reconnectSleepMs);
    };
    const common = { connectTimeout: settings.commandTimeoutMs, reconnectStrategy };
    const socket =
      'path' in this.address
        ? { ...common, path: this.address.path, tls: false as const }
        : { ...common, host: this.address.host, port: this.address.port, noDelay: true, keepAlive: true };
    const client = createClient({
      socket,
      password: settings.password,
      database: settings.dbid,
      disableOfflineQueue: true,
      maintNotifications: 'disabled',
      RESP: 2,
    });

    // Log outages once each (not every failed attempt), and the recovery.
    let down = false;
    client.on('error', (err: Error) => {
      if (this.destroyed || this.starting || down) return;
      down = true;
      this.logger.warn({ err: causeOf(err), server: this.description, connection: role }, 'lost connection to Redis; reconnecting');
    });
    client.on('ready', () => {
      if (!down) return;
      down = false;
      this.logger.info({ server: this.description, connection: role }, 'reconnected to Redis');
    });
    return client;
  }
}

function argument(value: Arg): string | Buffer {
  return typeof value === 'number' ? String(value) : value;
}

function causeOf(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    const text = err.message || err.constructor.name;
    return cause instanceof Error && cause.message && cause.message !== text ? `${text} (${cause.message})` : text;
  }
  return String(err);
}
