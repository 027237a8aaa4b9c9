/**
 * `[drivers:transport:wsgi] workers = N > 1`: the primary process of a
 * node:cluster (Node 20's net has no SO_REUSEPORT). The primary has loaded
 * and checked the configuration (server.ts); it serves nothing itself
 * beyond cluster's round-robin hand-off of accepted connections. Each
 * worker runs the ordinary bootstrap and listens on every transport of
 * `[drivers] transport`; cluster shares one listening socket per address
 * between them (port 0 included: every worker gets the same port). The
 * workers share nothing but the stores.
 *
 * - Start-up: the first worker starts alone, so a configuration error only
 *   its bootstrap finds (a plugin name, a store's options) is printed once
 *   (one line, exit 2, as without workers) and a store that is down fails
 *   once. Then the others start; once all listen, the primary logs one
 *   `Serving on URL` line per transport (what tests and tools/bench read).
 *   A worker that fails before listening stops them all: the primary exits
 *   with that worker's code (its message is already on stderr).
 * - A worker that dies later (crash, SIGKILL, OOM) is logged and replaced;
 *   more than MAX_RESTARTS replacements within RESTART_WINDOW_MS (e.g. a
 *   replacement that crashes at start-up over and over) stop everything
 *   with exit 1 and a message saying so, instead of fork-looping.
 * - SIGTERM/SIGINT: forwarded once to every worker, which stops accepting,
 *   finishes its in-flight requests and closes its stores (server.ts). The
 *   primary exits 0 once all have exited with 0, else 1. A second signal
 *   changes nothing (in-flight requests still finish).
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../common/logger';
import type { ListeningAddress } from '../transport/transport';

/** What a worker tells the primary once every transport listens. */
export interface ListeningMessage {
  zaqar: 'listening';
  transports: (ListeningAddress & { transport: string })[];
}

export function isListeningMessage(message: unknown): message is ListeningMessage {
  return typeof message === 'object' && message !== null && (message as { zaqar?: unknown }).zaqar === 'listening';
}

export const MAX_RESTARTS = 5;
export const RESTART_WINDOW_MS = 60_000;
/** Delay before replacing a worker that died before it listened (a replacement failing at start-up). */
const RESTART_DELAY_MS = 1000;

export interface PrimaryOptions {
  workers: number;
  logger: Logger & { flush(): void };
  files: readonly string[];
}

/** Runs the primary; resolves with the exit code once every worker has exited. */
export function runPrimary(options: PrimaryOptions): Promise<number> {
  const { workers: size, logger, files } = options;
  const live = new Map<number, { worker: Worker; listening: boolean }>();
  const restarts: number[] = [];
  let started = false; // every initial worker has listened
  let stopping = false;
  let exitCode = 0;
  let first: ListeningMessage | undefined;
  let resolveDone: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));

  const fork = (): void => {
    const worker = cluster.fork();
    live.set(worker.id, { worker, listening: false });
    worker.on('message', (message: unknown) => {
      if (!isListeningMessage(message)) return;
      const entry = live.get(worker.id);
      if (entry) entry.listening = true;
      if (stopping) {
        // A signal arrived while it was starting: its handler is in place now, so stop it properly.
        worker.process.kill('SIGTERM');
        return;
      }
      if (!first) {
        first = message;
        for (let i = 1; i < size; i++) fork();
      }
      if (started) {
        logger.info({ workerId: worker.id, workerPid: worker.process.pid }, 'replacement worker listening');
        return;
      }
      if ([...live.values()].filter((e) => e.listening).length < size) return;
      started = true;
      for (const { transport, host, port, url } of first.transports) {
        logger.info({ host, port, transport, files, workers: size, workerPids: [...live.values()].map((e) => e.worker.process.pid) }, `Serving on ${url}`);
      }
    });
  };

  const stopAll = (code: number): void => {
    if (!stopping) {
      stopping = true;
      exitCode = code;
      for (const { worker } of live.values()) worker.process.kill('SIGTERM');
    }
    if (live.size === 0) finish();
  };

  const finish = (): void => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    logger.flush();
    resolveDone(exitCode);
  };

  cluster.on('exit', (worker, code, signal) => {
    const entry = live.get(worker.id);
    live.delete(worker.id);
    if (stopping) {
      if (code !== 0) {
        if (exitCode === 0) exitCode = 1;
        logger.error({ workerId: worker.id, workerPid: worker.process.pid, code, signal }, 'worker did not shut down cleanly');
      }
      if (live.size === 0) finish();
      return;
    }
    if (!started && !entry?.listening) {
      // Start-up failed: the worker printed why on stderr; stop the others and exit with its code.
      stopAll(code || 1);
      return;
    }
    const now = Date.now();
    while (restarts.length && restarts[0] <= now - RESTART_WINDOW_MS) restarts.shift();
    if (restarts.length >= MAX_RESTARTS) {
      logger.error({ workerId: worker.id, code, signal }, 'workers keep dying: giving up');
      process.stderr.write(
        `zaqar-server: ${MAX_RESTARTS} workers replaced within ${RESTART_WINDOW_MS / 1000} s and the last one died too ` +
          `(exit ${code ?? signal}); stopping\n`,
      );
      stopAll(1);
      return;
    }
    restarts.push(now);
    logger.warn({ workerId: worker.id, workerPid: worker.process.pid, code, signal }, 'worker died; starting a replacement');
    if (entry?.listening) fork();
    else setTimeout(() => stopping || fork(), RESTART_DELAY_MS);
  });

  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    logger.info({ signal, workers: live.size }, 'shutting down: stopping the workers');
    stopAll(0);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  fork();
  return done;
}
