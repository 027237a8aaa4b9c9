/**
 * The connection a Redis store talks through: one server (TCP or unix
 * socket), or whichever server the sentinels name as master.
 *
 * Controllers only see `read` / `write` (scripts) and `command`; where the
 * commands go, reconnection, replica acknowledgements and failover are
 * handled here and in node.ts / sentinel.ts.
 */
import type { Logger } from '../../../zaqar/common/logger';
import { ConnectionError } from '../../../zaqar/storage/errors';
import type { Arg, LuaScript, Reply } from './lua';
import { asText } from './lua';
import { type RedisStoreOptions, waitReplicasFor } from './options';
import { type MasterReport, SentinelWatcher } from './sentinel';
import { describeAddress, type NodeAddress, type NodeSettings, reconnectWait, RedisNode } from './node';
import { describeTarget, type RedisTarget } from './uri';

/** Deadline of one call when the URI has no socket_timeout (see options.ts for why not Zaqar's 0.1 s). */
export const DEFAULT_COMMAND_TIMEOUT_MS = 5000;

export class RedisConnection {
  private closed = false;
  private switching: Promise<void> | undefined;
  private knownEpoch = -1;
  /** Pub/sub subscriptions, made again on a new master after a failover. */
  private readonly subscriptions: { channel: string; listener: (message: string) => void }[] = [];

  private constructor(
    private node: RedisNode,
    private readonly settings: NodeSettings,
    private readonly logger: Logger,
    private readonly watcher?: SentinelWatcher,
  ) {}

  /** Connects (start-up): fails after max_reconnect_attempts attempts with a ConnectionError. */
  static async open(target: RedisTarget, options: RedisStoreOptions, logger: Logger): Promise<RedisConnection> {
    const settings: NodeSettings = {
      password: target.password,
      dbid: target.dbid,
      commandTimeoutMs: target.socketTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
      reconnectSleepMs: options.reconnectSleep * 1000,
      startupAttempts: Math.max(1, options.maxReconnectAttempts),
      waitReplicas: waitReplicasFor(options, target.kind === 'sentinel'),
      waitTimeoutMs: options.waitTimeoutMs,
    };
    if (target.kind !== 'sentinel') {
      const address: NodeAddress = target.kind === 'unix' ? { path: target.path } : { host: target.host, port: target.port };
      const node = new RedisNode(address, settings, logger);
      await node.connect();
      logger.info({ server: describeTarget(target), wait_replicas: settings.waitReplicas }, 'connected to Redis');
      return new RedisConnection(node, settings, logger);
    }

    const watcher = new SentinelWatcher(
      {
        sentinels: target.sentinels,
        master: target.master,
        commandTimeoutMs: settings.commandTimeoutMs,
        reconnectSleepMs: settings.reconnectSleepMs,
      },
      logger,
    );
    watcher.start();
    let lastError: unknown;
    for (let attempt = 0; attempt < settings.startupAttempts; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, reconnectWait(attempt - 1, settings.reconnectSleepMs)));
      try {
        const report = await watcher.locate();
        const node = await RedisConnection.connectMaster(report, { ...settings, startupAttempts: 1 }, logger, () => {
          void watcher.poll();
        });
        const connection = new RedisConnection(node, settings, logger, watcher);
        connection.knownEpoch = report.epoch;
        watcher.on('master', (next: MasterReport) => connection.follow(next));
        logger.info(
          { server: describeTarget(target), master: node.description, wait_replicas: settings.waitReplicas },
          'connected to the Redis master',
        );
        return connection;
      } catch (err) {
        lastError = err;
      }
    }
    watcher.close();
    throw new ConnectionError(`cannot reach the Redis master through ${describeTarget(target)}: ${(lastError as Error).message}`);
  }

  /** Runs a script that only reads. */
  read(script: LuaScript, keys: string[], args: Arg[]): Promise<Reply> {
    return this.node.script(script, keys, args, false);
  }

  /**
   * Runs a script that may write; resolves once the write is acknowledged
   * (replicas included, with wait_replicas). `wrote(reply)` false: the
   * script changed nothing and needs no acknowledgement.
   */
  write(script: LuaScript, keys: string[], args: Arg[], wrote?: (reply: Reply) => boolean): Promise<Reply> {
    return this.node.script(script, keys, args, true, wrote);
  }

  /**
   * A plain command: reads, and writes that need no replica acknowledgement.
   * Bulk strings come back as text, or as Buffers with `buffers` (binary fields).
   */
  command(args: (string | number)[], buffers = false): Promise<Reply> {
    return this.node.command(args, buffers);
  }

  /** Subscribes to a pub/sub channel; kept across reconnections and Sentinel failovers. */
  async subscribe(channel: string, listener: (message: string) => void): Promise<void> {
    await this.node.subscribe(channel, listener);
    this.subscriptions.push({ channel, listener });
  }

  /** Ends a subscription made by `subscribe`. */
  async unsubscribe(channel: string): Promise<void> {
    for (let i = this.subscriptions.length - 1; i >= 0; i--) if (this.subscriptions[i].channel === channel) this.subscriptions.splice(i, 1);
    await this.node.unsubscribe(channel);
  }

  /** The database the key namespace lives in. */
  get dbid(): number {
    return this.settings.dbid;
  }

  async ping(): Promise<boolean> {
    try {
      return asText(await this.node.command(['PING'])) === 'PONG';
    } catch {
      return false;
    }
  }

  /** `INFO <section>` as key → value. */
  async info(section: string): Promise<Record<string, string>> {
    const text = asText(await this.node.command(['INFO', section])) ?? '';
    const fields: Record<string, string> = {};
    for (const line of text.split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon > 0 && !line.startsWith('#')) fields[line.slice(0, colon)] = line.slice(colon + 1);
    }
    return fields;
  }

  /** Replicas that must confirm each write (wait_replicas in force; 0: none). */
  get waitReplicas(): number {
    return this.settings.waitReplicas;
  }

  /** The server now in use (the master, with Sentinel). */
  get server(): string {
    return this.node.description;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.watcher?.close();
    await this.switching;
    this.node.destroy();
  }

  /** Connects to a master the sentinels named and checks that it is one. */
  private static async connectMaster(
    report: MasterReport,
    settings: NodeSettings,
    logger: Logger,
    onNotMaster: () => void,
  ): Promise<RedisNode> {
    const node = new RedisNode({ host: report.host, port: report.port }, settings, logger, onNotMaster);
    await node.connect();
    try {
      const role = await node.role();
      if (role !== 'master') throw new ConnectionError(`${node.description} is a ${role}, not the master yet`);
    } catch (err) {
      node.destroy();
      throw err;
    }
    return node;
  }

  /** A sentinel poll or +switch-master: move to the new master once it is one. */
  private follow(report: MasterReport): void {
    if (this.closed || this.switching || report.epoch < this.knownEpoch) return;
    const address = describeAddress({ host: report.host, port: report.port });
    if (address === this.node.description) {
      this.knownEpoch = report.epoch;
      return;
    }
    this.switching = this.switchTo(report).finally(() => {
      this.switching = undefined;
    });
  }

  private async switchTo(report: MasterReport): Promise<void> {
    let fresh: RedisNode;
    try {
      fresh = await RedisConnection.connectMaster(report, { ...this.settings, startupAttempts: 1 }, this.logger, () => {
        void this.watcher?.poll();
      });
    } catch (err) {
      // Not reachable or not promoted yet: the next poll tries again.
      this.logger.debug({ err: (err as Error).message }, 'new Redis master not usable yet');
      return;
    }
    if (this.closed) {
      fresh.destroy();
      return;
    }
    const old = this.node;
    this.node = fresh;
    this.knownEpoch = report.epoch;
    this.logger.warn({ from: old.description, to: fresh.description, epoch: report.epoch }, 'Redis failover: following the new master');
    // Calls still waiting on the old master fail (503): it may be a demoted master whose writes will be discarded.
    old.destroy();
    for (const { channel, listener } of this.subscriptions) {
      fresh.subscribe(channel, listener).catch((err: unknown) => {
        this.logger.warn({ err: (err as Error).message, channel }, 'cannot subscribe on the new Redis master');
      });
    }
  }
}
