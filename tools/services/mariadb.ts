/**
 * A throw-away MariaDB (or MySQL) server for tests and tools:
 * `mariadb-install-db` into a temporary folder, `mariadbd` on a free
 * loopback port (and a socket in that folder), a password user for the
 * tests, and stop / kill / restart on the same port and data (recovery
 * tests).
 *
 *   const db = await MariaDBServer.start();
 *   const uri = await db.createDatabase('zaqar');  // mysql+pymysql://zaqar:…@127.0.0.1:PORT/zaqar
 *   await db.sql('zaqar', 'SELECT 1');
 *   await db.restart();
 *   await db.close();                              // stops it and removes the folder
 *
 * The binaries are found through $MARIADBD and $MARIADB_INSTALL_DB, else
 * PATH, /usr/sbin and /usr/bin (Debian's mariadb-server package; mysqld and
 * mysql_install_db are the older names). As root the server runs as the
 * `mysql` user (mariadbd switches to it itself, `--user`); without that
 * user, as root. Durability is relaxed (no flush per commit): the data only
 * has to survive a clean restart.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createConnection, type ConnectionOptions } from 'mysql2/promise';
import { LocalServer } from './local-server';
import { findExecutable, freePort, startProcess, waitUntil } from './process';
import { serviceAccount } from './postgres';

export const LOOPBACK = '127.0.0.1';
const START_TIMEOUT_MS = 30_000;
/** The tests' account; its password needs percent-encoding in a URI, on purpose. */
export const MARIADB_USER = 'zaqar';
export const MARIADB_PASSWORD = 'p@ss:w/rd%';

const SBIN = ['/usr/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin'];

/** The server and install-db executables, or undefined. */
export function mariadbExecutables(): { server: string; installDb: string } | undefined {
  const server = findExecutable('mariadbd', 'MARIADBD', SBIN) ?? (process.env.MARIADBD ? undefined : findExecutable('mysqld', undefined, SBIN));
  const installDb =
    findExecutable('mariadb-install-db', 'MARIADB_INSTALL_DB', SBIN) ??
    (process.env.MARIADB_INSTALL_DB ? undefined : findExecutable('mysql_install_db', undefined, SBIN));
  return server && installDb ? { server, installDb } : undefined;
}

/** Why MariaDB tests cannot run here, or undefined when they can. */
export function mariadbMissing(): string | undefined {
  return mariadbExecutables() === undefined
    ? 'MariaDB server not found (install Debian package mariadb-server, or set MARIADBD and MARIADB_INSTALL_DB)'
    : undefined;
}

export class MariaDBServer extends LocalServer {
  /** InnoDB's clean shutdown may take a while. */
  protected override readonly stopGraceMs = 30_000;

  private constructor(
    port: number,
    dir: string,
    private readonly server: string,
    /** `--user` for mariadbd when running as root. */
    private readonly runAs: string | undefined,
  ) {
    super(port, dir);
  }

  /** Installs the system tables in a new temporary folder, starts on a free loopback port, creates the test user. */
  static async start(): Promise<MariaDBServer> {
    const executables = mariadbExecutables();
    if (executables === undefined) throw new Error(mariadbMissing());
    const dir = mkdtempSync(path.join(tmpdir(), 'zaqar-ts-mariadb-'));
    let runAs: string | undefined;
    if (process.getuid?.() === 0) {
      const account = serviceAccount(['mysql']);
      if (account) chownSync(dir, account.uid, account.gid);
      runAs = account?.name ?? 'root';
    }
    return LocalServer.prepared(new MariaDBServer(await freePort(), dir, executables.server, runAs), async (server) => {
      server.installDb(executables.installDb);
      await server.launch();
      await server.createUser();
    });
  }

  private get dataDir(): string {
    return path.join(this.dir, 'data');
  }

  private get socket(): string {
    return path.join(this.dir, 'mysqld.sock');
  }

  private installDb(installDb: string): void {
    const args = [
      '--no-defaults',
      `--datadir=${this.dataDir}`,
      // root@localhost over the socket without a password: createUser's way in.
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
      '--skip-name-resolve',
      ...(this.runAs ? [`--user=${this.runAs}`] : []),
    ];
    const result = spawnSync(installDb, args, { encoding: 'utf8', timeout: 120_000, cwd: this.dir });
    if (result.status !== 0) throw new Error(`${path.basename(installDb)} failed: ${result.error?.message ?? ''}${result.stderr}${result.stdout}`);
  }

  private async createUser(): Promise<void> {
    const password = this.escape(MARIADB_PASSWORD);
    await this.asRoot(async (run) => {
      await run(`CREATE USER '${MARIADB_USER}'@'%' IDENTIFIED BY '${password}'`);
      await run(`GRANT ALL PRIVILEGES ON *.* TO '${MARIADB_USER}'@'%'`);
    });
  }

  /** `mysql+pymysql://zaqar:…@127.0.0.1:PORT/<database>` (Zaqar's form; the password percent-encoded). */
  uri(database: string, scheme = 'mysql+pymysql'): string {
    return `${scheme}://${MARIADB_USER}:${encodeURIComponent(MARIADB_PASSWORD)}@${LOOPBACK}:${this.port}/${database}`;
  }

  /** Creates `database` (dropping an older one of that name) and returns its URI. */
  async createDatabase(database: string): Promise<string> {
    await this.sql(undefined, `DROP DATABASE IF EXISTS \`${database}\``);
    await this.sql(undefined, `CREATE DATABASE \`${database}\``);
    return this.uri(database);
  }

  /** Deletes every row of `tables` in `database`, in that order (TRUNCATE refuses tables under a foreign key: children first). */
  async emptyTables(database: string, tables: readonly string[]): Promise<void> {
    for (const table of tables) await this.sql(database, `DELETE FROM \`${table}\``);
  }

  /** Runs one statement as the test user over TCP, on a connection of its own; returns the rows. */
  async sql<Row = Record<string, unknown>>(database: string | undefined, statement: string, values: unknown[] = []): Promise<Row[]> {
    return this.connected({ host: LOOPBACK, port: this.port, user: MARIADB_USER, password: MARIADB_PASSWORD, database }, async (run) =>
      run<Row>(statement, values),
    );
  }

  async launch(): Promise<void> {
    const args = [
      '--no-defaults',
      `--datadir=${this.dataDir}`,
      `--socket=${this.socket}`,
      `--pid-file=${path.join(this.dir, 'mysqld.pid')}`,
      `--port=${this.port}`,
      `--bind-address=${LOOPBACK}`,
      '--skip-name-resolve',
      '--character-set-server=utf8mb4',
      '--innodb-flush-log-at-trx-commit=0',
      '--innodb-buffer-pool-size=64M',
      '--skip-log-bin',
      ...(this.runAs ? [`--user=${this.runAs}`] : []),
    ];
    this.process = startProcess(this.server, args, { dir: this.dir });
    await waitUntil(() => this.answers(), START_TIMEOUT_MS, `mariadbd on port ${this.port}`, this.process);
  }

  /** True when the server answers root over its socket. */
  async answers(): Promise<boolean> {
    try {
      return await this.asRoot(async (run) => (await run<{ ok: number }>('SELECT 1 AS ok'))[0]?.ok === 1);
    } catch {
      return false;
    }
  }

  private asRoot<T>(work: (run: Runner) => Promise<T>): Promise<T> {
    return this.connected({ socketPath: this.socket, user: 'root', connectTimeout: 2000 }, work);
  }

  private async connected<T>(options: ConnectionOptions, work: (run: Runner) => Promise<T>): Promise<T> {
    const connection = await createConnection(options);
    try {
      return await work(async <Row>(statement: string, values: unknown[] = []) => {
        const [rows] = await connection.query(statement, values);
        return rows as Row[];
      });
    } finally {
      await connection.end().catch(() => connection.destroy());
    }
  }

  private escape(text: string): string {
    return text.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
  }
}

type Runner = <Row>(statement: string, values?: unknown[]) => Promise<Row[]>;
