/**
 * A throw-away PostgreSQL server for tests and tools: `initdb` into a
 * temporary folder, `postgres` on a free loopback port (TCP only besides a
 * socket in that folder), password authentication for a superuser, and
 * stop / kill / restart on the same port and data (recovery tests).
 *
 *   const pg = await PostgresServer.start();
 *   const uri = await pg.createDatabase('zaqar');  // postgresql+psycopg2://zaqar:…@127.0.0.1:PORT/zaqar
 *   await pg.sql('zaqar', 'SELECT 1');
 *   await pg.restart();
 *   await pg.close();                              // stops it and removes the folder
 *
 * The binaries come from $PG_BINDIR, else the newest
 * /usr/lib/postgresql/<version>/bin (Debian's postgresql package), else
 * PATH. PostgreSQL refuses to run as root: as root, initdb and postgres run
 * as the `postgres` user (or `nobody`) through setpriv, which execs, so
 * signals reach the server itself. Durability is off (fsync, full pages,
 * synchronous commit): the data only has to survive a clean restart.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { LocalServer } from './local-server';
import { findExecutable, freePort, startProcess, waitUntil } from './process';

export const LOOPBACK = '127.0.0.1';
const START_TIMEOUT_MS = 30_000;
/** The superuser initdb creates; its password needs percent-encoding in a URI, on purpose. */
export const POSTGRES_USER = 'zaqar';
export const POSTGRES_PASSWORD = 'p@ss:w/rd%';

/** The folder holding initdb and postgres, or undefined. */
export function postgresBinDir(): string | undefined {
  const fromEnv = process.env.PG_BINDIR;
  if (fromEnv) return existsSync(path.join(fromEnv, 'postgres')) ? fromEnv : undefined;
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((version) => existsSync(path.join(debian, version, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) return path.join(debian, versions[0], 'bin');
  }
  const postgres = findExecutable('postgres');
  return postgres && existsSync(path.join(path.dirname(postgres), 'initdb')) ? path.dirname(postgres) : undefined;
}

/** Why PostgreSQL tests cannot run here, or undefined when they can. */
export function postgresMissing(): string | undefined {
  if (postgresBinDir() === undefined) {
    return 'PostgreSQL server not found (install Debian package postgresql, or set PG_BINDIR=/path/to/bin with initdb and postgres)';
  }
  if (process.getuid?.() === 0 && (serviceAccount(['postgres', 'nobody']) === undefined || findExecutable('setpriv') === undefined)) {
    return 'running as root, but there is no postgres/nobody user or no setpriv to run PostgreSQL as one';
  }
  return undefined;
}

/** A non-root account to run a server as: the first of `names` that exists. */
export function serviceAccount(names: string[]): { name: string; uid: number; gid: number } | undefined {
  for (const name of names) {
    const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    if (uid.status === 0 && gid.status === 0) return { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  }
  return undefined;
}

/** `command args` as that account (setpriv execs it: same process, signals reach it). */
function asAccount(account: { uid: number; gid: number } | undefined, command: string, args: string[]): [string, string[]] {
  if (account === undefined) return [command, args];
  return [findExecutable('setpriv')!, [`--reuid=${account.uid}`, `--regid=${account.gid}`, '--clear-groups', '--', command, ...args]];
}

export class PostgresServer extends LocalServer {
  private constructor(
    port: number,
    dir: string,
    private readonly binDir: string,
    private readonly account: { uid: number; gid: number } | undefined,
  ) {
    super(port, dir);
  }

  /** initdb in a new temporary folder, then start on a free loopback port. */
  static async start(): Promise<PostgresServer> {
    const binDir = postgresBinDir();
    const missing = postgresMissing();
    if (binDir === undefined || missing !== undefined) throw new Error(missing);
    const account = process.getuid?.() === 0 ? serviceAccount(['postgres', 'nobody']) : undefined;
    const dir = mkdtempSync(path.join(tmpdir(), 'zaqar-ts-postgres-'));
    return LocalServer.prepared(new PostgresServer(await freePort(), dir, binDir, account), async (server) => {
      server.initdb();
      await server.launch();
    });
  }

  private get dataDir(): string {
    return path.join(this.dir, 'data');
  }

  private initdb(): void {
    const passwordFile = path.join(this.dir, 'password');
    writeFileSync(passwordFile, `${POSTGRES_PASSWORD}\n`, { mode: 0o600 });
    if (this.account) {
      chownSync(this.dir, this.account.uid, this.account.gid);
      chownSync(passwordFile, this.account.uid, this.account.gid);
    }
    const [command, args] = asAccount(this.account, path.join(this.binDir, 'initdb'), [
      `--pgdata=${this.dataDir}`,
      `--username=${POSTGRES_USER}`,
      `--pwfile=${passwordFile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--no-locale',
      '--no-sync',
      '--no-instructions',
    ]);
    const result = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 });
    if (result.status !== 0) throw new Error(`initdb failed: ${result.error?.message ?? ''}${result.stderr}${result.stdout}`);
  }

  /** `postgresql+psycopg2://zaqar:…@127.0.0.1:PORT/<database>` (Zaqar's form; the password percent-encoded). */
  uri(database: string, scheme = 'postgresql+psycopg2'): string {
    return `${scheme}://${POSTGRES_USER}:${encodeURIComponent(POSTGRES_PASSWORD)}@${LOOPBACK}:${this.port}/${database}`;
  }

  /** Creates `database` (dropping an older one of that name) and returns its URI. */
  async createDatabase(database: string): Promise<string> {
    await this.sql('postgres', `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await this.sql('postgres', `CREATE DATABASE "${database}"`);
    return this.uri(database);
  }

  /** Empties `tables` in `database` in one TRUNCATE, their id sequences restarted. */
  async emptyTables(database: string, tables: readonly string[]): Promise<void> {
    await this.sql(database, `TRUNCATE ${tables.map((table) => `"${table}"`).join(', ')} RESTART IDENTITY`);
  }

  /** Runs one statement as the superuser, on a connection of its own; returns the rows. */
  async sql<Row = Record<string, unknown>>(database: string, statement: string, values: unknown[] = []): Promise<Row[]> {
    const client = new Client({ host: LOOPBACK, port: this.port, user: POSTGRES_USER, password: POSTGRES_PASSWORD, database });
    await client.connect();
    try {
      return (await client.query(statement, values)).rows as Row[];
    } finally {
      await client.end();
    }
  }

  /** Fast shutdown (SIGINT: open sessions are ended, not waited for). Data stays for `launch`. */
  override async stop(): Promise<void> {
    const proc = this.process;
    this.process = undefined;
    if (proc === undefined) return;
    if (!proc.exited()) proc.child.kill('SIGINT');
    await waitUntil(async () => proc.exited(), START_TIMEOUT_MS, `postgres on port ${this.port} stopping`).catch(() => undefined);
    await proc.stop();
  }

  async launch(): Promise<void> {
    const [command, args] = asAccount(this.account, path.join(this.binDir, 'postgres'), [
      '-D', this.dataDir,
      '-c', `listen_addresses=${LOOPBACK}`,
      '-c', `port=${this.port}`,
      '-c', `unix_socket_directories=${this.dir}`,
      '-c', 'fsync=off',
      '-c', 'full_page_writes=off',
      '-c', 'synchronous_commit=off',
      '-c', 'log_min_messages=warning',
      '-c', 'log_min_error_statement=panic',
    ]);
    this.process = startProcess(command, args, { dir: this.dir });
    await waitUntil(() => this.answers(), START_TIMEOUT_MS, `postgres on port ${this.port}`, this.process);
  }

  /** True when the server accepts a login and answers a query. */
  async answers(): Promise<boolean> {
    try {
      return (await this.sql<{ ok: number }>('postgres', 'SELECT 1 AS ok'))[0]?.ok === 1;
    } catch {
      return false;
    }
  }
}
