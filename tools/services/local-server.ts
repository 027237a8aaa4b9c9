/**
 * What the throw-away servers (mariadb.ts, postgres.ts, redis.ts) share:
 * one server process on a loopback port and a folder of its own, stopped,
 * killed and started again on the same port and data (restart and recovery
 * tests), and removed with its folder by `close`. Each subclass says how
 * to launch its server (and may stop it its own way).
 */
import { rmSync } from 'node:fs';
import type { ManagedProcess } from './process';

export abstract class LocalServer {
  protected process: ManagedProcess | undefined;
  /** How long `stop` waits after SIGTERM before SIGKILL (undefined: ManagedProcess's default). */
  protected readonly stopGraceMs: number | undefined = undefined;

  protected constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  /**
   * For a subclass's `start`: runs `setUp` on the new `server` (its first
   * launch among it); when that fails, kills what it launched, removes its
   * folder and rethrows.
   */
  protected static async prepared<S extends LocalServer>(server: S, setUp: (server: S) => Promise<void>): Promise<S> {
    try {
      await setUp(server);
    } catch (err) {
      await server.process?.kill();
      rmSync(server.dir, { recursive: true, force: true });
      throw err;
    }
    return server;
  }

  /** Starts a stopped server again (same port, same data); resolves once it answers. */
  abstract launch(): Promise<void>;

  get running(): boolean {
    return this.process !== undefined && !this.process.exited();
  }

  /** SIGTERM: a clean shutdown. Data stays for `launch`. */
  async stop(): Promise<void> {
    await this.process?.stop(this.stopGraceMs);
    this.process = undefined;
  }

  /** SIGKILL, as a crash would. */
  async kill(): Promise<void> {
    await this.process?.kill();
    await this.process?.stop();
    this.process = undefined;
  }

  /** Stops (or kills) and starts again on the same port and data; resolves once it answers. */
  async restart(options: { kill?: boolean } = {}): Promise<void> {
    if (options.kill) await this.kill();
    else await this.stop();
    await this.launch();
  }

  /** What the server printed, for failure messages. */
  output(): string {
    return this.process?.output() ?? '';
  }

  /** Stops the server and removes its folder. */
  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
