/**
 * Finding and following the master of a Sentinel-managed Redis
 * (`redis://host1:port1,host2:port2?master=name`).
 *
 * A small master locator instead of node-redis's createSentinel pool,
 * which queues commands while it rediscovers the topology — the opposite of
 * the fail-fast behaviour the API needs (503 at once, Zaqar's body).
 *
 * - `locate()` asks every sentinel `SENTINEL MASTER name` and believes the
 *   answer with the highest config-epoch. Sentinels that have not heard of
 *   a failover yet (they learn within ~2 s) report the old master with the
 *   old epoch, so the choice never flips back.
 * - A subscription to `+switch-master` on every sentinel reports a failover
 *   at once; a poll every second catches what a subscription missed (a
 *   sentinel that was down, a lost message).
 *
 * The connection (connection.ts) moves to a newly reported master only after
 * that server itself says ROLE master. The old master keeps accepting
 * writes for ~11 s after a manual failover (until the sentinels demote it;
 * tests/integration/redis-sentinel-failover.spec.ts); writes it takes in
 * that window are lost, which wait_replicas (replica-ack.ts; 1 by default
 * with a Sentinel URI) turns into 503s instead of silent loss.
 */
import { EventEmitter } from 'node:events';
import { createClient } from 'redis';
import type { Logger } from '../../../zaqar/common/logger';
import { ConnectionError } from '../../../zaqar/storage/errors';
import { reconnectWait, withDeadline, type NodeClient } from './node';
import type { HostPort } from './uri';

export const SENTINEL_POLL_MS = 1000;

export interface MasterReport extends HostPort {
  /** Sentinel's config-epoch of the master: grows with every failover. */
  epoch: number;
}

export interface SentinelSettings {
  sentinels: HostPort[];
  master: string;
  commandTimeoutMs: number;
  reconnectSleepMs: number;
}

/** Emits `master` (MasterReport) whenever a poll or a `+switch-master` message may have news. */
export class SentinelWatcher extends EventEmitter {
  private readonly clients: NodeClient[];
  private readonly subscribers: NodeClient[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly settings: SentinelSettings,
    private readonly logger: Logger,
  ) {
    super();
    this.clients = settings.sentinels.map((s) => this.createClient(s));
  }

  /**
   * Connects to the sentinels in the background: a sentinel that is down is
   * retried on its own and serves later polls. `locate()` works as soon as
   * one of them is connected.
   */
  start(): void {
    for (const client of this.clients) client.connect().catch(() => undefined);
    for (const sentinel of this.settings.sentinels) void this.subscribe(sentinel);
    this.timer = setInterval(() => void this.poll(), SENTINEL_POLL_MS).unref();
  }

  /** The current master according to the sentinels that answer. */
  async locate(): Promise<MasterReport> {
    const answers = await Promise.allSettled(this.clients.map((client) => this.askMaster(client)));
    let best: MasterReport | undefined;
    const problems: string[] = [];
    for (const [i, answer] of answers.entries()) {
      if (answer.status === 'fulfilled') {
        if (best === undefined || answer.value.epoch > best.epoch) best = answer.value;
      } else {
        const s = this.settings.sentinels[i];
        problems.push(`${s.host}:${s.port}: ${(answer.reason as Error).message}`);
      }
    }
    if (best === undefined) {
      throw new ConnectionError(`no sentinel knows master "${this.settings.master}" (${problems.join('; ')})`);
    }
    return best;
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    for (const client of [...this.clients, ...this.subscribers]) {
      try {
        client.destroy();
      } catch {
        // never connected
      }
    }
  }

  /** Polls now (the connection calls this when its master misbehaves). */
  async poll(): Promise<void> {
    if (this.closed) return;
    try {
      this.emit('master', await this.locate());
    } catch (err) {
      this.logger.debug({ err: (err as Error).message }, 'sentinel poll failed');
    }
  }

  private async askMaster(client: NodeClient): Promise<MasterReport> {
    const reply = await withDeadline(
      client.sendCommand<string[]>(['SENTINEL', 'MASTER', this.settings.master]),
      this.settings.commandTimeoutMs,
      'SENTINEL MASTER',
    );
    const fields = new Map<string, string>();
    for (let i = 0; i + 1 < reply.length; i += 2) fields.set(String(reply[i]), String(reply[i + 1]));
    const host = fields.get('ip');
    const port = Number(fields.get('port'));
    if (!host || !Number.isInteger(port)) throw new Error('incomplete SENTINEL MASTER reply');
    return { host, port, epoch: Number(fields.get('config-epoch') ?? 0) };
  }

  private async subscribe(sentinel: HostPort): Promise<void> {
    const subscriber = this.createClient(sentinel);
    this.subscribers.push(subscriber);
    try {
      await subscriber.connect();
      // "<name> <old ip> <old port> <new ip> <new port>"; node-redis re-subscribes after reconnecting.
      await subscriber.subscribe('+switch-master', (message: string) => {
        if (message.split(' ', 1)[0] === this.settings.master) void this.poll();
      });
    } catch (err) {
      if (!this.closed) this.logger.debug({ err: (err as Error).message, sentinel }, 'sentinel subscription failed');
    }
  }

  private createClient(sentinel: HostPort): NodeClient {
    const client = createClient({
      socket: {
        host: sentinel.host,
        port: sentinel.port,
        connectTimeout: this.settings.commandTimeoutMs,
        // Sentinels are retried forever: any of them may be the one that answers later.
        reconnectStrategy: (retries: number) =>
          this.closed ? new Error('closed') : reconnectWait(retries, this.settings.reconnectSleepMs),
      },
      disableOfflineQueue: true,
      maintNotifications: 'disabled',
      RESP: 2,
    });
    // Failures surface through locate(); the event must have a listener.
    client.on('error', () => undefined);
    return client;
  }
}
