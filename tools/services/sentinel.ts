/**
 * Redis with Sentinel for failover tests: a master, one replica and three
 * sentinels (quorum 2) on free loopback ports, with these facts built in:
 *
 * - `--repl-diskless-sync-delay 0` on both data nodes (either may become the
 *   master): without it every (re)sync waits 5 s;
 * - the sentinels start only after the replica reports
 *   `master_link_status:up` (they learn replicas from the master's INFO,
 *   refreshed every 10 s, so an early start reports no replica for ~10 s);
 * - ready when every sentinel sees the replica (`num-slaves 1`, a run id,
 *   flags `slave`, `master-link-status ok` — otherwise SENTINEL FAILOVER may
 *   answer NOGOODSLAVE) and the other sentinels (`num-other-sentinels 2`).
 *
 *   const setup = await SentinelSetup.start();
 *   setup.uri()             // redis://127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3?master=mymaster
 *   await setup.failover(); // SENTINEL FAILOVER; resolves once all sentinels agree and the new master writes
 *   await setup.stop();
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { freePort, type ManagedProcess, startProcess, waitUntil } from './process';
import { LOOPBACK, redisAnswers, redisCommand, redisInfo, redisServerMissing, redisServerPath } from './redis';

export { redisServerMissing };

export interface SentinelOptions {
  masterName?: string;
  sentinels?: number;
  downAfterMs?: number;
  failoverTimeoutMs?: number;
  password?: string;
}

const READY_TIMEOUT_MS = 30_000;
const FAILOVER_TIMEOUT_MS = 60_000;

export class SentinelSetup {
  private readonly processes = new Map<number, ManagedProcess>();

  private constructor(
    readonly dir: string,
    readonly masterName: string,
    /** The two data nodes' ports (initial master first). */
    readonly dataPorts: [number, number],
    readonly sentinelPorts: number[],
    readonly password: string | undefined,
  ) {}

  static async start(options: SentinelOptions = {}): Promise<SentinelSetup> {
    const executable = redisServerPath();
    if (executable === undefined) throw new Error(redisServerMissing());
    const count = options.sentinels ?? 3;
    const ports: number[] = [];
    while (ports.length < 2 + count) {
      const port = await freePort();
      if (!ports.includes(port)) ports.push(port);
    }
    const setup = new SentinelSetup(
      mkdtempSync(path.join(tmpdir(), 'zaqar-ts-sentinel-')),
      options.masterName ?? 'mymaster',
      [ports[0], ports[1]],
      ports.slice(2),
      options.password,
    );
    try {
      await setup.launch(executable, options);
    } catch (err) {
      await setup.stop();
      throw err;
    }
    return setup;
  }

  /** Zaqar's Sentinel URI (password in Zaqar's form when set). */
  uri(): string {
    const auth = this.password ? `${this.password}@` : '';
    return `redis://${auth}${this.sentinelPorts.map((p) => `${LOOPBACK}:${p}`).join(',')}?master=${this.masterName}`;
  }

  /** The port the first answering sentinel names as master. */
  async masterPort(): Promise<number> {
    for (const port of this.sentinelPorts) {
      try {
        const reply = await redisCommand(port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', this.masterName]);
        if (Array.isArray(reply)) return Number(reply[1]);
      } catch {
        // next sentinel
      }
    }
    throw new Error('no sentinel answered');
  }

  /**
   * SENTINEL FAILOVER, then waits until every sentinel names the other data
   * node and it accepts a write. Resolves with the ports and the time taken.
   */
  async failover(): Promise<{ from: number; to: number; ms: number }> {
    const from = await this.masterPort();
    const to = from === this.dataPorts[0] ? this.dataPorts[1] : this.dataPorts[0];
    const started = Date.now();
    const reply = await redisCommand(this.sentinelPorts[0], ['SENTINEL', 'FAILOVER', this.masterName]);
    if (reply !== 'OK') throw new Error(`SENTINEL FAILOVER answered ${JSON.stringify(reply)}`);
    await waitUntil(
      async () => {
        for (const port of this.sentinelPorts) {
          const addr = await redisCommand(port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', this.masterName]);
          if (!Array.isArray(addr) || Number(addr[1]) !== to) return false;
        }
        return (await redisCommand(to, ['SET', 'failover-probe', String(started)], { password: this.password })) === 'OK';
      },
      FAILOVER_TIMEOUT_MS,
      `failover from ${from} to ${to}`,
    );
    return { from, to, ms: Date.now() - started };
  }

  /** Waits until the node on `port` is a replica with its link to the master up (the demoted master re-syncing takes ~11 s). */
  async replicaSynced(port: number, timeoutMs = FAILOVER_TIMEOUT_MS): Promise<void> {
    await waitUntil(
      async () => (await redisInfo(port, 'replication', this.password)).master_link_status === 'up',
      timeoutMs,
      `replica on port ${port} in sync`,
    );
  }

  async stop(): Promise<void> {
    // Sentinels first, so they do not start a failover while the data nodes go.
    const order = [...this.sentinelPorts, ...this.dataPorts];
    for (const port of order) await this.processes.get(port)?.stop();
    this.processes.clear();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async launch(executable: string, options: SentinelOptions): Promise<void> {
    const [masterPort, replicaPort] = this.dataPorts;
    const auth = this.password ? ['--requirepass', this.password, '--masterauth', this.password] : [];
    const dataNode = (port: number, extra: string[]): void => {
      const dir = path.join(this.dir, String(port));
      mkdirSync(dir);
      const args = [
        '--bind', LOOPBACK,
        '--port', String(port),
        '--dir', dir,
        '--save', '',
        '--appendonly', 'no',
        '--daemonize', 'no',
        '--repl-diskless-sync-delay', '0',
        ...auth,
        ...extra,
      ];
      this.processes.set(port, startProcess(executable, args, { dir }));
    };

    dataNode(masterPort, []);
    dataNode(replicaPort, ['--replicaof', LOOPBACK, String(masterPort)]);
    for (const port of this.dataPorts) {
      await waitUntil(() => redisAnswers(port, this.password), READY_TIMEOUT_MS, `redis-server on port ${port}`, this.processes.get(port));
    }
    await waitUntil(
      async () => (await redisInfo(replicaPort, 'replication', this.password)).master_link_status === 'up',
      READY_TIMEOUT_MS,
      'replica linked to the master',
      this.processes.get(replicaPort),
    );

    const quorum = Math.floor(this.sentinelPorts.length / 2) + 1;
    for (const port of this.sentinelPorts) {
      const dir = path.join(this.dir, `s${port}`);
      mkdirSync(dir);
      // Sentinel rewrites its configuration file: one writable file each.
      const conf = path.join(dir, 'sentinel.conf');
      writeFileSync(
        conf,
        [
          `bind ${LOOPBACK}`,
          `port ${port}`,
          `dir ${dir}`,
          'daemonize no',
          'sentinel resolve-hostnames no',
          `sentinel monitor ${this.masterName} ${LOOPBACK} ${masterPort} ${quorum}`,
          `sentinel down-after-milliseconds ${this.masterName} ${options.downAfterMs ?? 1000}`,
          `sentinel failover-timeout ${this.masterName} ${options.failoverTimeoutMs ?? 5000}`,
          `sentinel parallel-syncs ${this.masterName} 1`,
          ...(this.password ? [`sentinel auth-pass ${this.masterName} ${this.password}`] : []),
          '',
        ].join('\n'),
      );
      this.processes.set(port, startProcess(executable, [conf, '--sentinel'], { dir }));
    }

    const others = this.sentinelPorts.length - 1;
    await waitUntil(
      async () => {
        if ((await redisInfo(replicaPort, 'replication', this.password)).master_link_status !== 'up') return false;
        for (const port of this.sentinelPorts) {
          const master = fields(await redisCommand(port, ['SENTINEL', 'MASTER', this.masterName]));
          if (master['num-slaves'] !== '1' || master['num-other-sentinels'] !== String(others)) return false;
          const replicas = await redisCommand(port, ['SENTINEL', 'REPLICAS', this.masterName]);
          if (!Array.isArray(replicas) || replicas.length !== 1) return false;
          const replica = fields(replicas[0]);
          if (!/^[0-9a-f]{40}$/.test(replica.runid ?? '') || replica.flags !== 'slave') return false;
          if (replica['master-link-status'] !== 'ok') return false;
        }
        return true;
      },
      READY_TIMEOUT_MS,
      'sentinels agree on master, replica and each other',
    );
  }
}

/** A flat field/value RESP array as an object. */
function fields(reply: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(reply)) return out;
  for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = String(reply[i + 1]);
  return out;
}
