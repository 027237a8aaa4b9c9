/**
 * Replica acknowledgements for writes (`wait_replicas`, options.ts).
 *
 * Redis replicates asynchronously: a write the master confirmed can still
 * be lost if the master fails before a replica has it — and after a
 * Sentinel failover the old master accepts writes for about 11 s that the
 * new master never sees (services README §4). `WAIT n timeout` blocks the
 * calling connection until n replicas confirmed every write that
 * connection sent before it, so a write is acknowledged to the API client
 * only once `WAIT` reports enough replicas.
 *
 * One WAIT covers every write sent before it on the same connection, so
 * writes are batched like a group commit: `cover()` is called right after a
 * write was handed to the client, and the next check phase of the event
 * loop sends one WAIT behind all writes collected so far. Commands on one
 * node-redis client reach Redis in call order, so that WAIT is processed
 * after each of them.
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

export class ReplicaAck {
  private waiting: Waiter[] = [];
  private scheduled = false;

  constructor(
    private readonly channel: AckChannel,
    private readonly replicas: number,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Call synchronously right after sending a write on the channel. Resolves
   * once a WAIT sent after that write reports `replicas` confirmations;
   * rejects with a ConnectionError otherwise.
   */
  cover(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ epoch: this.channel.socketEpoch, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.waiting;
    this.waiting = [];
    const epoch = this.channel.socketEpoch;
    const current = batch.filter((w) => w.epoch === epoch);
    for (const waiter of batch) {
      if (waiter.epoch !== epoch) waiter.reject(new ConnectionError('connection to Redis re-established before replicas confirmed a write'));
    }
    if (current.length === 0) return;
    this.channel.sendCommand(['WAIT', String(this.replicas), String(this.timeoutMs)]).then(
      (reply) => {
        const acknowledged = Number(reply);
        if (acknowledged >= this.replicas) for (const w of current) w.resolve();
        else for (const w of current) w.reject(new NotReplicated(acknowledged, this.replicas, this.timeoutMs));
      },
      (err: unknown) => {
        const error = translateError(err, 'WAIT');
        for (const w of current) w.reject(error);
      },
    );
  }
}
