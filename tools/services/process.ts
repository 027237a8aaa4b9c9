/**
 * Real services for tests and tools (redis-server, FerretDB, ...): free loopback
 * ports, child processes that are always stopped, readiness polling, and
 * the skip-or-fail rule: a test that needs a service that is not installed
 * skips with a printed reason, except under CI=true, where it fails (CI
 * installs every service, so a skip there would hide a gap).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** A port nobody listens on right now (bind 0, read it back, release it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The absolute path of an executable: `envVar` if set, else the first match on PATH or in `extraDirs`. */
export function findExecutable(name: string, envVar?: string, extraDirs: string[] = []): string | undefined {
  const fromEnv = envVar ? process.env[envVar] : undefined;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  for (const dir of [...(process.env.PATH ?? '').split(path.delimiter), ...extraDirs]) {
    const candidate = path.join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Call from a mocha `before`: when `missing` is a reason (the service is
 * not available), print it and skip the suite — or fail under CI.
 */
export function skipUnlessAvailable(context: Mocha.Context, missing: string | undefined): void {
  if (missing === undefined) return;
  if (process.env.CI) throw new Error(`CI must not skip: ${missing}`);
  console.warn(`      SKIPPED: ${missing}`);
  context.skip();
}

/**
 * For a mocha `describe`: one service for the whole suite, started in
 * `before` — unless `missing()` gives a reason, and then the suite skips (or
 * fails under CI) — and stopped in `after`. Returns the service, for the
 * suite's hooks and tests.
 */
export function useService<S>(service: {
  /** The service's name, in the error when it is used outside its suite. */
  what: string;
  missing: () => string | undefined;
  start: () => Promise<S>;
  stop: (running: S) => Promise<void>;
  /** The `before` hook's timeout, when it needs longer than the suite's tests. */
  timeoutMs?: number;
  /** Runs after each test that failed, while the service is there (e.g. to print why it died). */
  afterFailure?: (running: S) => void;
}): () => S {
  let running: S | undefined;
  before(async function () {
    if (service.timeoutMs !== undefined) this.timeout(service.timeoutMs);
    skipUnlessAvailable(this, service.missing());
    running = await service.start();
  });
  if (service.afterFailure) {
    afterEach(function () {
      if (this.currentTest?.state === 'failed' && running !== undefined) service.afterFailure!(running);
    });
  }
  after(async () => {
    if (running !== undefined) await service.stop(running);
    running = undefined;
  });
  return () => {
    if (running === undefined) throw new Error(`${service.what} used outside its suite`);
    return running;
  };
}

export interface ManagedProcess {
  readonly child: ChildProcess;
  readonly dir: string;
  /** What the process printed (stdout and stderr), for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL at once (crash tests). */
  kill(): Promise<void>;
  exited(): boolean;
}

const running = new Set<ManagedProcess>();
// Never leave a service behind, whatever happened to the tests.
process.once('exit', () => {
  for (const p of running) p.child.kill('SIGKILL');
});

/** Starts `command` in a fresh temp folder (or `dir`); the folder is removed by `stop` unless `dir` was given. */
export function startProcess(command: string, args: string[], options: { dir?: string; env?: NodeJS.ProcessEnv } = {}): ManagedProcess {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), `zaqar-ts-${path.basename(command)}-`));
  const child = spawn(command, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  let hasExited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      hasExited = true;
      resolve();
    }),
  );
  const managed: ManagedProcess = {
    child,
    dir,
    output: () => output,
    exited: () => hasExited,
    async stop(graceMs = 5000) {
      if (!hasExited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exit;
        clearTimeout(timer);
      }
      running.delete(managed);
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
    async kill() {
      if (!hasExited) child.kill('SIGKILL');
      await exit;
    },
  };
  running.add(managed);
  return managed;
}

/** Polls `check` until it resolves true, or throws after `timeoutMs` with the process output. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string, proc?: ManagedProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      /* not yet */
    }
    if (proc?.exited()) throw new Error(`${what}: the process exited:\n${proc.output()}`);
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs} ms\n${proc?.output() ?? ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Runs a command to completion (e.g. `redis-cli`), returning its stdout. */
export function runCommand(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
  return result.stdout;
}
