/**
 * `zaqar-server`: load zaqar.conf, bootstrap, serve; stop gracefully on
 * SIGTERM/SIGINT (stop accepting, finish in-flight requests, close the
 * stores). A configuration problem prints one line and exits with 2.
 *
 * With `[drivers:transport:wsgi] workers` > 1 this process becomes the
 * primary of a node:cluster (./cluster.ts) once the configuration has
 * loaded, and each worker (this same command, forked) runs the code below.
 */
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { bootstrap, type App } from '../bootstrap/bootstrap';
import { transportNames } from '../bootstrap/selection';
import { createLogger } from '../common/logging';
import { loadConfig } from '../config/load';
import { ConfigError, type Config } from '../config/options';
import { DEFAULT_GROUP, DRIVERS_GROUP, WEBSOCKET_TRANSPORT_GROUP, WSGI_TRANSPORT_GROUP } from '../config/groups';
import { runPrimary, type ListeningMessage } from './cluster';

const USAGE = `usage: zaqar-server [--config-file PATH]... [--config-dir DIR]... [--admin_mode]

Zaqar-compatible messaging server. Reads oslo.config-style zaqar.conf files
(later files override earlier ones).`;

function version(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(path.join(__dirname, '..', '..', '..', 'package.json')) as { version: string }).version;
}

/**
 * Server processes to run: `[drivers:transport:wsgi] workers`, 0 meaning
 * one per core. Throws ConfigError for what N processes cannot share: a
 * fixed WebSocket notification port (each process's listener must be its
 * own, it forwards to the connections that process holds).
 */
export function workerCount(config: Config): number {
  const { workers } = config.get(WSGI_TRANSPORT_GROUP);
  const count = workers === 0 ? availableParallelism() : workers;
  if (count > 1 && transportNames(config.get(DRIVERS_GROUP).transport).includes('websocket')) {
    if (config.get(WEBSOCKET_TRANSPORT_GROUP).notification_port !== 0) {
      throw config.optionError(
        WEBSOCKET_TRANSPORT_GROUP.name,
        'notification_port',
        `must be 0 with [${WSGI_TRANSPORT_GROUP.name}] workers > 1 (each worker listens on its own port)`,
      );
    }
  }
  return count;
}

/** Runs the server; resolves with the exit code once it has stopped. */
export async function main(argv: string[]): Promise<number> {
  let config: Config;
  let workers: number;
  try {
    const loaded = loadConfig(argv, { prog: 'zaqar-server' });
    if (loaded.cli.help) {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    if (loaded.cli.version) {
      process.stdout.write(version() + '\n');
      return 0;
    }
    config = loaded.config;
    config.get(DEFAULT_GROUP);
    workers = workerCount(config);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`zaqar-server: ${err.toString()}\n`);
      return 2;
    }
    throw err;
  }

  const baseLogger = createLogger(config.get(DEFAULT_GROUP));
  if (cluster.isPrimary && workers > 1) return runPrimary({ workers, logger: baseLogger, files: config.files });
  // pino logs carry the pid; a worker's lines carry its cluster id too.
  const worker = cluster.isWorker ? cluster.worker : undefined;
  const logger = worker ? Object.assign(baseLogger.child({ workerId: worker.id }), { flush: () => baseLogger.flush() }) : baseLogger;
  let app: App;
  try {
    app = await bootstrap({ config, logger });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`zaqar-server: ${err.toString()}\n`);
      logger.flush();
      return 2;
    }
    logger.error({ err }, 'start-up failed');
    logger.flush();
    process.stderr.write(`zaqar-server: start-up failed: ${(err as Error).message}\n`);
    return 1;
  }

  try {
    const addresses = await app.listen();
    if (worker) {
      // The primary logs "Serving on" once all workers listen.
      const message: ListeningMessage = { zaqar: 'listening', transports: addresses.map((a, i) => ({ ...a, transport: app.transports[i].name })) };
      logger.info({ urls: addresses.map((a) => a.url) }, 'worker listening');
      process.send?.(message);
    } else {
      app.transports.forEach((transport, i) => {
        const { host, port, url } = addresses[i];
        logger.info({ host, port, transport: transport.name, files: config.files }, `Serving on ${url}`);
      });
    }
  } catch (err) {
    process.stderr.write(`zaqar-server: cannot listen: ${(err as Error).message}\n`);
    await app.close(0).catch(() => undefined);
    return 1;
  }

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      // A second signal while stopping is ignored: in-flight requests still get to finish.
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      app
        .close()
        .then(() => resolve(0))
        .catch((err) => {
          logger.error({ err }, 'shutdown failed');
          resolve(1);
        })
        .finally(() => logger.flush());
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

/** Entry point for bin/zaqar-server.js. */
export function run(): void {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`zaqar-server: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
