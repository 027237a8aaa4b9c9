/**
 * Replica acknowledgements for writes (`wait_replicas`, options.ts).
 *
 * Redis replicates asynchronously: a write the master confirmed can still
 * be lost if the master fails before a replica has it — and after a
 * Sentinel failover the old master accepts writes for about 11 s that the
 * new master never sees (sentinel.ts). `WAIT n timeout` returns once n
 * replicas confirmed every write its connection sent before it, so a write
 * is acknowledged to the API client only once such a `WAIT` reports enough
 * replicas.
 *
 * Why a pool, and group commit. `WAIT` blocks the connection it is sent on:
 * Redis reads nothing more from that client until the master has asked the
 * replicas for their offset (`REPLCONF GETACK`) and heard back. On a single
 * write connection every later write queues behind each WAIT, so writes
 * and replica round trips alternate: half the throughput in steady state,
 * and when replicas are missing every queued batch waits out its own
 * wait_timeout in turn (requests pile up until their deadline). So:
 *
 * - writes go out over a few connections (`channels`); all writes of one
 *   event-loop turn go on one connection, followed in the check phase by
 *   one WAIT covering all of them (group commit, as the SQLite store does
 *   with fsync) — never one WAIT per request;
 * - a turn takes a connection that is not in a WAIT, so writes always run
 *   at once while other connections wait (the master asks the replicas once
 *   for all WAITs pending at that moment);
 * - when every connection is in a WAIT, the writes are held here (not sent)
 *   and go out together on the first connection whose WAIT returns, with
 *   one WAIT after them; if that WAIT found too few replicas, the held
 *   writes fail at once, unsent, with the same error (503) instead of
 *   waiting out another wait_timeout each.
 *
 * A WAIT only covers writes of the *same* socket. If the connection was
 * re-established between a write and its WAIT (the epoch changed), the
 * write's fate is unknown and it is reported as not acknowledged.
 */
import { translateError, NotReplicated } from './errors';
import { ConnectionError } from '../../../zaqar/storage/errors';

/** The part of a node-redis client this needs. */
export interface AckChannel {
  readonly socketEpoch: number;
  sendCommand(args: string[]): Promise<unknown>;
}

interface Waiter {
  epoch: number;
  resolve(): void;
  reject(err: Error): void;
}

interface Held<C> {
  resolve(channel: C): void;
  reject(err: Error): void;
}

const ignore = (): void => undefined;

export class ReplicaAck<C extends AckChannel = AckChannel> {
  /** Connections not in a WAIT and not taken by this turn, oldest first. */
  private readonly idle: C[];
  /** The connection of this turn's writes, and those writes. */
  private current: C | undefined;
  private batch: Waiter[] = [];
  /** Writes waiting for a connection (every connection is in a WAIT). */
  private held: Held<C>[] = [];

  constructor(
    channels: readonly C[],
    private readonly replicas: number,
    private readonly timeoutMs: number,
  ) {
    this.idle = [...channels];
  }

  /**
   * Sends one write: `send` issues it on the connection given. Resolves
   * with its reply once a WAIT sent after it reports `replicas`
   * confirmations — or at once when `wrote(reply)` says nothing changed;
   * rejects with the write's own error, or a ConnectionError when it was
   * not acknowledged.
   */
  async write<T>(send: (channel: C) => Promise<T>, wrote: (reply: T) => boolean = () => true): Promise<T> {
    const channel = this.current ?? this.take() ?? (await this.freed());
    const reply = send(channel);
    const acked = this.cover(channel);
    // Observed only when the write succeeds; never an unhandled rejection.
    acked.catch(ignore);
    const value = await reply;
    if (wrote(value)) await acked;
    return value;
  }

  /** An idle connection becomes this turn's, with its WAIT scheduled before the writes go out (so it joins their socket write). */
  private take(): C | undefined {
    const channel = this.idle.shift();
    if (channel) this.begin(channel);
    return channel;
  }

  private freed(): Promise<C> {
    return new Promise((resolve, reject) => this.held.push({ resolve, reject }));
  }

  private begin(channel: C): void {
    this.current = channel;
    setImmediate(() => this.flush());
  }

  private cover(channel: C): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.batch.push({ epoch: channel.socketEpoch, resolve, reject });
    });
  }

  private flush(): void {
    const channel = this.current!;
    const batch = this.batch;
    this.current = undefined;
    this.batch = [];
    const epoch = channel.socketEpoch;
    const covered = batch.filter((w) => w.epoch === epoch);
    for (const waiter of batch) {
      if (waiter.epoch !== epoch) waiter.reject(new ConnectionError('connection to Redis re-established before replicas confirmed a write'));
    }
    if (covered.length === 0) {
      this.release(channel);
      return;
    }
    channel.sendCommand(['WAIT', String(this.replicas), String(this.timeoutMs)]).then(
      (reply) => {
        const acknowledged = Number(reply);
        const failure = acknowledged >= this.replicas ? undefined : new NotReplicated(acknowledged, this.replicas, this.timeoutMs);
        for (const w of covered) {
          if (failure) w.reject(failure);
          else w.resolve();
        }
        this.release(channel, failure);
      },
      (err: unknown) => {
        const failure = translateError(err, 'WAIT');
        for (const w of covered) w.reject(failure);
        this.release(channel, failure);
      },
    );
  }

  /** A connection is out of its WAIT: it takes the held writes (or fails them with the WAIT's failure), or goes idle. */
  private release(channel: C, failure?: Error): void {
    const held = this.held;
    this.held = [];
    if (held.length > 0 && failure === undefined) {
      this.begin(channel);
      for (const h of held) h.resolve(channel);
      return;
    }
    for (const h of held) h.reject(failure!);
    this.idle.push(channel);
  }
}
