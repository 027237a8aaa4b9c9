/**
 * FerretDB (a MongoDB wire-protocol server on SQLite) for the MongoDB store's
 * tests: find or build the binary, start it on a free loopback port with its
 * data in a temp folder, stop / kill / restart it on the same port and data.
 *
 * The binary is looked up in `$FERRETDB_BIN`, then PATH, then ~/go/bin,
 * then the cache `~/.cache/zaqar-ts/bin/ferretdb`; each candidate must run
 * (`--version`). A plain `go install github.com/FerretDB/FerretDB/cmd/
 * ferretdb@v1.24.2` builds a binary that panics at start ("Invalid
 * build/version/version.txt file content"): FerretDB's release builds
 * generate that file first, and module builds lack it. `ensureFerretDB`
 * therefore builds from the module's source with the file written, as
 * FerretDB's own `bin/task gen-version` would, into the cache.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import * as path from 'node:path';
import { MongoClient } from 'mongodb';
import { findExecutable, freePort, type ManagedProcess, startProcess, useService, waitUntil } from './process';

export const FERRETDB_VERSION = 'v1.24.2';
export const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';

/** Where `ensureFerretDB` puts the binary it builds. */
export function ferretdbCacheDir(): string {
  return path.join(homedir(), '.cache', 'zaqar-ts', 'bin');
}

/** Why `binary` cannot serve, or undefined when `--version` runs. */
export function unusableReason(binary: string): string | undefined {
  const run = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  if (run.error) return `${binary}: ${run.error.message}`;
  if (run.status !== 0 || !/version:/.test(run.stdout)) {
    const firstLine = `${run.stderr}${run.stdout}`.trim().split('\n')[0];
    return `${binary} does not run (${firstLine || `exit ${run.status}`})`;
  }
  return undefined;
}

/**
 * The first usable ferretdb: `$FERRETDB_BIN` (only that one, when set),
 * else PATH, ~/go/bin, the cache. `rejected` collects why others were not.
 */
export function findFerretDB(rejected: string[] = []): string | undefined {
  const fromEnv = process.env.FERRETDB_BIN;
  const candidates = fromEnv
    ? [fromEnv]
    : [
        findExecutable('ferretdb'),
        path.join(homedir(), 'go', 'bin', 'ferretdb'),
        path.join(ferretdbCacheDir(), 'ferretdb'),
      ];
  for (const candidate of new Set(candidates)) {
    if (!candidate || !existsSync(candidate)) continue;
    const reason = unusableReason(candidate);
    if (reason === undefined) return candidate;
    rejected.push(reason);
  }
  return undefined;
}

export type FerretDBLookup = { binary: string; missing?: undefined } | { binary?: undefined; missing: string };

let lookup: FerretDBLookup | undefined;

/**
 * A usable ferretdb binary, built into the cache when there is none and Go
 * is available (CI does this once; it takes a minute with an empty module
 * cache). Never throws: `missing` says why there is no binary.
 */
export function ensureFerretDB(log: (line: string) => void = (line) => console.log(`      [ferretdb] ${line}`)): FerretDBLookup {
  if (lookup !== undefined) return lookup;
  const rejected: string[] = [];
  const found = findFerretDB(rejected);
  for (const reason of rejected) log(`skipping ${reason}`);
  if (found !== undefined) return (lookup = { binary: found });
  if (process.env.FERRETDB_BIN) return (lookup = { missing: `FERRETDB_BIN=${process.env.FERRETDB_BIN} is not a usable ferretdb` });

  const go = findExecutable('go', 'GO', ['/usr/local/go/bin', path.join(homedir(), 'go', 'bin')]);
  if (go === undefined) {
    return (lookup = {
      missing: `no ferretdb binary (FERRETDB_BIN, PATH, ~/go/bin, ${ferretdbCacheDir()}) and no Go toolchain to build FerretDB ${FERRETDB_VERSION}`,
    });
  }
  try {
    return (lookup = { binary: buildFerretDB(go, log) });
  } catch (err) {
    return (lookup = { missing: `building FerretDB ${FERRETDB_VERSION} failed: ${(err as Error).message}` });
  }
}

/** Builds FerretDB from its module source into the cache; returns the binary. */
function buildFerretDB(go: string, log: (line: string) => void): string {
  const run = (args: string[], cwd?: string): string => {
    log(`${path.basename(go)} ${args.join(' ')}${cwd ? ` (in ${cwd})` : ''}`);
    const result = spawnSync(go, args, {
      cwd,
      encoding: 'utf8',
      timeout: 15 * 60_000,
      env: { ...process.env, GOFLAGS: '-mod=mod', CGO_ENABLED: process.env.CGO_ENABLED ?? '0' },
    });
    if (result.error) throw result.error;
    if (result.status !== 0) throw new Error(`${args.join(' ')}: ${(result.stderr || result.stdout).trim()}`);
    return result.stdout;
  };

  const module = JSON.parse(run(['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`])) as { Dir?: string };
  if (!module.Dir) throw new Error('go mod download did not report the module folder');
  const work = mkdtempSync(path.join(tmpdir(), 'zaqar-ts-ferretdb-src-'));
  try {
    log(`copying ${module.Dir} to ${work}`);
    cpSync(module.Dir, work, { recursive: true });
    // Module cache files are read-only; the version file is generated here.
    const versionDir = path.join(work, 'build', 'version');
    chmodSync(versionDir, 0o755);
    writeFileSync(path.join(versionDir, 'version.txt'), `${FERRETDB_VERSION}\n`);
    mkdirSync(ferretdbCacheDir(), { recursive: true });
    const binary = path.join(ferretdbCacheDir(), 'ferretdb');
    run(['build', '-o', binary, './cmd/ferretdb'], work);
    const reason = unusableReason(binary);
    if (reason !== undefined) throw new Error(reason);
    log(`built ${binary}`);
    return binary;
  } finally {
    rmSync(work, { recursive: true, force: true, maxRetries: 3 });
  }
}

export interface FerretDB {
  /** `mongodb://127.0.0.1:<port>/`. */
  readonly uri: string;
  readonly port: number;
  /** State and SQLite data live here (kept across restarts). */
  readonly dir: string;
  running(): boolean;
  /** Graceful stop (SIGTERM, then SIGKILL). */
  stop(): Promise<void>;
  /** SIGKILL. */
  kill(): Promise<void>;
  /** Starts again on the same port and data; resolves once it answers `ping`. */
  start(): Promise<void>;
  /** stop() then start(). */
  restart(): Promise<void>;
  /** Stops it and removes its data. */
  cleanup(): Promise<void>;
  /** What the process printed, for failure messages. */
  output(): string;
}

/** Whether a MongoDB-protocol server answers a real `ping` command at `uri`. */
export async function pings(uri: string): Promise<boolean> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 });
  try {
    return (await client.db('admin').command({ ping: 1 })).ok === 1;
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** Starts FerretDB (SQLite backend, no telemetry, no TLS, loopback only) and waits until it answers `ping`. */
export async function startFerretDB(binary: string, options: { port?: number; dir?: string } = {}): Promise<FerretDB> {
  const port = options.port ?? (await freePort());
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'zaqar-ts-ferretdb-'));
  const data = path.join(dir, 'data');
  mkdirSync(data, { recursive: true });
  const uri = `mongodb://127.0.0.1:${port}/`;
  const args = [
    '--handler=sqlite',
    `--sqlite-url=file:${data}/`,
    `--listen-addr=127.0.0.1:${port}`,
    `--state-dir=${dir}`,
    '--debug-addr=-',
    '--telemetry=disable',
    '--log-level=warn',
  ];
  let proc: ManagedProcess | undefined;
  let earlier = '';

  const server: FerretDB = {
    uri,
    port,
    dir,
    running: () => proc !== undefined && !proc.exited(),
    output: () => earlier + (proc?.output() ?? ''),
    async start() {
      if (server.running()) return;
      if (proc) earlier += proc.output();
      proc = startProcess(binary, args, { dir });
      await waitUntil(() => pings(uri), 30_000, `ferretdb on port ${port}`, proc);
    },
    async stop() {
      await proc?.stop();
    },
    async restart() {
      await server.stop();
      await server.start();
    },
    async kill() {
      await proc?.kill();
      await proc?.stop(); // forget it (already dead)
    },
    async cleanup() {
      await proc?.stop();
      if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

/**
 * For a mocha `describe`: one FerretDB for the suite, started in `before`
 * (built first if needed), removed in `after`. A suite without FerretDB
 * skips with the reason — or fails under CI=true (tools/services/process.ts).
 */
export function useFerretDB(): () => FerretDB {
  return useService({
    what: 'FerretDB',
    timeoutMs: 20 * 60_000,
    missing: () => ensureFerretDB().missing,
    start: () => startFerretDB(ensureFerretDB().binary!),
    stop: (server) => server.cleanup(),
    // A test that failed because FerretDB died: show why.
    afterFailure: (server) => {
      if (!server.running()) console.error(`      FerretDB exited:\n${server.output()}`);
    },
  });
}
