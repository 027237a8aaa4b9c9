/**
 * The reference Zaqar (Debian's zaqar-server 15, python3-zaqar) with
 * `message_store = swift` on a SwiftServer of tools/services/swift.ts, for
 * interoperability tests:
 *
 *   const reference = await ReferenceZaqarOnSwift.start(swift);
 *   reference.url          // http://127.0.0.1:PORT (no auth: X-Project-ID)
 *   reference.keystoneUrl  // the Keystone v3 stand-in (…/v3), usable by our store too
 *   await reference.close();
 *
 * The reference's Swift driver authenticates only through Keystone v3, so
 * keystone_tempauth_shim.py stands in for Keystone: it turns a v3 password
 * request into a tempauth login and returns tempauth's token with an
 * object-store catalog entry. Its management store is SQLite, the tables
 * created from the models (`zaqar-sql-db-manage upgrade` fails on SQLite).
 * Facts: ../shared/services/README.md, "Reference Zaqar with message_store = swift".
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { findExecutable, freePort, type ManagedProcess, runCommand, startProcess, waitUntil } from './process';
import { LOOPBACK, SCRIPTS, type SwiftServer } from './swift';

const START_TIMEOUT_MS = 60_000;

/** Why the reference cannot run here, or undefined when it can. */
export function referenceZaqarMissing(): string | undefined {
  const server = findExecutable('zaqar-server');
  if (!server) return 'the reference Zaqar is not installed (Debian package zaqar-server)';
  return undefined;
}

function pythonOf(executable: string): string {
  const first = readFileSync(executable, 'utf8').split('\n', 1)[0];
  return /^#!\s*(\S+)/.exec(first)?.[1] ?? '/usr/bin/python3';
}

export class ReferenceZaqarOnSwift {
  private constructor(
    readonly url: string,
    readonly keystoneUrl: string,
    private readonly dir: string,
    private readonly processes: ManagedProcess[],
  ) {}

  /** Starts the shim and zaqar-server on `swift`'s account `project` (user tester, key testing). */
  static async start(swift: SwiftServer, project = 'test'): Promise<ReferenceZaqarOnSwift> {
    const missing = referenceZaqarMissing();
    if (missing) throw new Error(missing);
    const server = findExecutable('zaqar-server')!;
    const python = pythonOf(server);
    const dir = mkdtempSync(path.join(tmpdir(), 'zaqar-ts-reference-swift-'));
    const [port, shimPort] = [await freePort(), await freePort()];
    const keystoneUrl = `http://${LOOPBACK}:${shimPort}/v3`;
    const shim = path.join(SCRIPTS, 'keystone_tempauth_shim.py');
    const database = `sqlite:///${dir}/zaqar.sqlite`;
    writeFileSync(
      path.join(dir, 'zaqar.conf'),
      `[DEFAULT]\nauth_strategy =\nlog_file = ${dir}/zaqar.log\n\n[drivers]\ntransport = wsgi\nmessage_store = swift\nmanagement_store = sqlalchemy\n\n` +
        `[drivers:transport:wsgi]\nbind = ${LOOPBACK}\nport = ${port}\n\n[drivers:management_store:sqlalchemy]\nuri = ${database}\n\n` +
        `[drivers:message_store:swift]\nauth_url = ${keystoneUrl}\nuri = swift://tester:testing@/${project}\nuser_domain_id = default\nproject_domain_id = default\ninterface = publicURL\n`,
    );
    runCommand(python, ['-c', 'import sys, sqlalchemy as sa\nfrom zaqar.storage.sqlalchemy import tables\ntables.metadata.create_all(sa.create_engine(sys.argv[1]))', database]);
    const processes = [
      startProcess(python, [shim, '--port', String(shimPort), '--swift-auth', swift.authUrl], { dir }),
      startProcess(server, ['--config-file', path.join(dir, 'zaqar.conf')], { dir }),
    ];
    const reference = new ReferenceZaqarOnSwift(`http://${LOOPBACK}:${port}`, keystoneUrl, dir, processes);
    try {
      // /v2/ping is 204 once the store is alive (Keystone login through the shim, then Swift).
      await waitUntil(
        async () => (await fetch(`${reference.url}/v2/ping`, { headers: { 'Client-ID': '3381af92-2b9e-11e3-b191-71861300734c', 'X-Project-ID': 'ping' } })).status === 204,
        START_TIMEOUT_MS,
        'reference zaqar-server on Swift',
        processes[1],
      );
    } catch (err) {
      await reference.close();
      throw new Error(`${(err as Error).message}\n${reference.log()}`);
    }
    return reference;
  }

  /** The reference's log file and the processes' output (for failure messages). */
  log(): string {
    const file = path.join(this.dir, 'zaqar.log');
    return (existsSync(file) ? readFileSync(file, 'utf8') : '') + this.processes.map((p) => p.output()).join('\n');
  }

  async close(): Promise<void> {
    for (const p of this.processes) await p.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
