/**
 * A throw-away Swift all-in-one (Debian's swift-proxy, -object, -container,
 * -account; tempauth) for tests and tools: four single-process servers on
 * free loopback ports, one device in a temporary folder, one replica.
 *
 *   const swift = await SwiftServer.start({ expirer: true });
 *   swift.authUrl            // http://127.0.0.1:PORT/auth/v1.0 (tempauth)
 *   swift.zaqarUri()         // swift://tester:testing@/test  (user test:tester)
 *   await swift.stop(); await swift.launch();   // outage and return, same ports and data
 *   await swift.close();     // stops it and removes the folder
 *
 * What it needs from the machine (the facts behind each choice):
 * - the device folder must keep user xattrs (Swift keeps object metadata in
 *   `user.swift.metadata*`): /dev/shm (tmpfs) does without limit and is
 *   fastest, so it is used when present, else the temp folder;
 * - rings are built in one Python interpreter (swift-rings.py) instead of
 *   nine swift-ring-builder runs;
 * - tempauth needs a cache and there is no memcached: an in-process one
 *   (swift_inproc_cache.py, correct with one proxy process);
 * - hash prefix/suffix come from /etc/swift/swift.conf whatever swift_dir
 *   says (Debian's swift package ships it);
 * - `-v` makes the servers log to their stdout (there is no syslog);
 * - the object expirer (optional) removes expired objects from container
 *   listings (reads hide them as soon as they expire in any case); it is
 *   run from python3-swift, with its own internal proxy pipeline, and
 *   needs the container updater (which keeps the account counts it reads).
 * Under CI a missing Swift fails instead of skipping (process.ts).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import * as path from 'node:path';
import { findExecutable, freePort, type ManagedProcess, runCommand, startProcess, waitUntil } from './process';

export const LOOPBACK = '127.0.0.1';
const START_TIMEOUT_MS = 60_000;
const SERVERS = ['object', 'container', 'account'] as const;
/** Accounts s0 … s<N-1> (user tester, key testing) that start empty. */
const SCRATCH_ACCOUNTS = 600;
const PACKAGES = 'swift swift-proxy swift-object swift-container swift-account';

function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) && dir !== path.dirname(dir)) dir = path.dirname(dir);
  return dir;
}
/** tools/services in the source tree (the Python helpers are not compiled into dist/). */
export const SCRIPTS = path.join(projectRoot(), 'tools', 'services');

/** Why Swift tests cannot run here, or undefined when they can. */
export function swiftMissing(): string | undefined {
  const missing = ['swift-proxy-server', 'swift-object-server', 'swift-container-server', 'swift-account-server'].filter((c) => !findExecutable(c));
  if (missing.length || !existsSync('/etc/swift/swift.conf')) return `Swift not available (install Debian packages: ${PACKAGES})`;
  return undefined;
}

/** The interpreter Debian's Swift runs with (the first line of swift-proxy-server). */
function swiftPython(): string {
  const first = readFileSync(findExecutable('swift-proxy-server')!, 'utf8').split('\n', 1)[0];
  return /^#!\s*(\S+)/.exec(first)?.[1] ?? '/usr/bin/python3';
}

/** A folder for the device that keeps user xattrs: /dev/shm when it exists, else the temp folder. */
function deviceParent(): string {
  return existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
}

export interface SwiftServerOptions {
  /** Run the object expirer (1 s interval). */
  expirer?: boolean;
}

export class SwiftServer {
  private processes: ManagedProcess[] = [];

  private constructor(
    readonly dir: string,
    readonly ports: { proxy: number; object: number; container: number; account: number },
    private readonly options: SwiftServerOptions,
  ) {}

  /** Builds the rings and configuration in a new folder and starts the servers. */
  static async start(options: SwiftServerOptions = {}): Promise<SwiftServer> {
    const missing = swiftMissing();
    if (missing) throw new Error(missing);
    const dir = mkdtempSync(path.join(deviceParent(), 'zaqar-ts-swift-'));
    const ports = { proxy: await freePort(), object: await freePort(), container: await freePort(), account: await freePort() };
    const server = new SwiftServer(dir, ports, options);
    try {
      server.configure();
      await server.launch();
    } catch (err) {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    return server;
  }

  get url(): string {
    return `http://${LOOPBACK}:${this.ports.proxy}`;
  }

  /** tempauth's v1.0 endpoint (`auth_url` for the store). */
  get authUrl(): string {
    return `${this.url}/auth/v1.0`;
  }

  /** The store URI of a tempauth user (`user_<project>_<user>` in proxy-server.conf). */
  zaqarUri(user = 'tester', password = 'testing', project = 'test'): string {
    return `swift://${user}:${password}@/${project}`;
  }

  /** `[drivers:message_store:swift]` options for the store (account AUTH_test, or `project`'s). */
  storeOptions(project = 'test'): Record<string, unknown> {
    return { uri: this.zaqarUri('tester', 'testing', project), auth_url: this.authUrl };
  }

  private scratch = 0;

  /** Store options on an account nobody used yet (tests that need an empty store, without wiping one). */
  freshStoreOptions(): Record<string, unknown> {
    if (this.scratch >= SCRATCH_ACCOUNTS) throw new Error(`all ${SCRATCH_ACCOUNTS} scratch accounts of this Swift are used`);
    return this.storeOptions(`s${this.scratch++}`);
  }

  private configure(): void {
    const etc = path.join(this.dir, 'etc');
    for (const sub of ['etc', 'devices/d1', 'cache']) mkdirSync(path.join(this.dir, sub), { recursive: true });
    runCommand(swiftPython(), [path.join(SCRIPTS, 'swift-rings.py'), etc, String(this.ports.object), String(this.ports.container), String(this.ports.account)]);
    const common = [
      'bind_ip = 127.0.0.1',
      'workers = 0',
      `user = ${userInfo().username}`,
      `swift_dir = ${etc}`,
      `devices = ${path.join(this.dir, 'devices')}`,
      'mount_check = false',
      'disable_fallocate = true',
      `recon_cache_path = ${path.join(this.dir, 'cache')}`,
      'log_level = WARNING',
    ].join('\n');
    for (const kind of SERVERS) {
      writeFileSync(
        path.join(etc, `${kind}-server.conf`),
        `[DEFAULT]\n${common}\nbind_port = ${this.ports[kind]}\n\n[pipeline:main]\npipeline = healthcheck ${kind}-server\n\n` +
          `[app:${kind}-server]\nuse = egg:swift#${kind}\n\n[filter:healthcheck]\nuse = egg:swift#healthcheck\n` +
          (kind === 'container' ? '\n[container-updater]\ninterval = 1\n' : ''),
      );
    }
    const filters = ['catch_errors', 'gatekeeper', 'healthcheck', 'proxy_logging', 'listing_formats', 'tempurl', 'copy', 'slo', 'dlo', 'symlink'];
    writeFileSync(
      path.join(etc, 'proxy-server.conf'),
      `[DEFAULT]\nbind_ip = 127.0.0.1\nbind_port = ${this.ports.proxy}\nworkers = 0\nuser = ${userInfo().username}\nswift_dir = ${etc}\nlog_level = WARNING\n\n` +
        '[pipeline:main]\npipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats tempurl tempauth copy slo dlo symlink proxy-logging proxy-server\n\n' +
        '[app:proxy-server]\nuse = egg:swift#proxy\naccount_autocreate = true\nallow_account_management = true\n\n' +
        // user_<account>_<user> = <key> <groups>: account AUTH_<account>.
        '[filter:tempauth]\nuse = egg:swift#tempauth\nuser_admin_admin = admin .admin .reseller_admin\nuser_test_tester = testing .admin\nuser_test2_tester2 = testing2 .admin\n' +
        // Empty accounts for tests that each want a Swift of their own (freshStoreOptions).
        Array.from({ length: SCRATCH_ACCOUNTS }, (_, n) => `user_s${n}_tester = testing .admin\n`).join('') +
        '\n' +
        '[filter:cache]\npaste.filter_factory = swift_inproc_cache:filter_factory\n\n' +
        filters.map((f) => `[filter:${f === 'proxy_logging' ? 'proxy-logging' : f}]\nuse = egg:swift#${f}\n`).join('\n'),
    );
    writeFileSync(
      path.join(etc, 'object-expirer.conf'),
      `[DEFAULT]\nuser = ${userInfo().username}\nswift_dir = ${etc}\nrecon_cache_path = ${path.join(this.dir, 'cache')}\nlog_level = WARNING\n\n` +
        '[object-expirer]\ninterval = 1\n\n[pipeline:main]\npipeline = catch_errors proxy-logging cache proxy-server\n\n' +
        '[app:proxy-server]\nuse = egg:swift#proxy\naccount_autocreate = true\n\n[filter:cache]\npaste.filter_factory = swift_inproc_cache:filter_factory\n\n' +
        '[filter:catch_errors]\nuse = egg:swift#catch_errors\n\n[filter:proxy-logging]\nuse = egg:swift#proxy_logging\n',
    );
  }

  /** Starts the servers (again, after stop): same ports, same data. Resolves once all answer and tempauth hands out a token. */
  async launch(): Promise<void> {
    const etc = path.join(this.dir, 'etc');
    const env = { PYTHONPATH: SCRIPTS + (process.env.PYTHONPATH ? `:${process.env.PYTHONPATH}` : '') };
    for (const kind of SERVERS) {
      this.processes.push(startProcess(findExecutable(`swift-${kind}-server`)!, [path.join(etc, `${kind}-server.conf`), '-v'], { dir: this.dir }));
    }
    this.processes.push(startProcess(findExecutable('swift-proxy-server')!, [path.join(etc, 'proxy-server.conf'), '-v'], { dir: this.dir, env }));
    const all = [this.ports.object, this.ports.container, this.ports.account, this.ports.proxy];
    for (const [i, port] of all.entries()) {
      await waitUntil(async () => (await fetch(`http://${LOOPBACK}:${port}/healthcheck`)).ok, START_TIMEOUT_MS, `swift on port ${port}`, this.processes[i]);
    }
    await waitUntil(async () => (await this.token()) !== undefined, START_TIMEOUT_MS, 'swift tempauth', this.processes[3]);
    // Only once the servers answer: the expirer's internal client error-limits a
    // server it could not reach (for 60 s), so an early start stalls it for a minute.
    if (this.options.expirer) {
      const daemon =
        'from swift.common.daemon import run_daemon\nfrom swift.common.utils import parse_options\n' +
        'from swift.obj.expirer import ObjectExpirer\nconf_file, options = parse_options(once=True)\nrun_daemon(ObjectExpirer, conf_file, **options)';
      this.processes.push(startProcess(swiftPython(), ['-c', daemon, path.join(etc, 'object-expirer.conf'), '-v'], { dir: this.dir, env }));
      // The expirer skips a pass when the .expiring_objects account reports no
      // containers, and account counts are only updated by the container updater.
      this.processes.push(startProcess(findExecutable('swift-container-updater')!, [path.join(etc, 'container-server.conf'), '-v'], { dir: this.dir }));
    }
  }

  /** A tempauth token and storage URL for test:tester (or undefined when tempauth does not answer). */
  async token(user = 'test:tester', key = 'testing'): Promise<{ token: string; storageUrl: string } | undefined> {
    const response = await fetch(this.authUrl, { headers: { 'x-auth-user': user, 'x-auth-key': key } });
    const token = response.headers.get('x-auth-token');
    const storageUrl = response.headers.get('x-storage-url');
    return response.ok && token && storageUrl ? { token, storageUrl } : undefined;
  }

  /**
   * Names in a container of test:tester's account (or the account's
   * containers when `container` is empty), as another user with `auth`;
   * for tests that look into Swift directly.
   */
  async names(container: string, options: { prefix?: string; auth?: [string, string] } = {}): Promise<string[]> {
    const session = await this.token(...(options.auth ?? []));
    if (!session) throw new Error('swift tempauth refused the test user');
    const query = new URLSearchParams({ format: 'json', limit: '10000', ...(options.prefix ? { prefix: options.prefix } : {}) });
    const response = await fetch(`${session.storageUrl}${container ? `/${encodeURIComponent(container)}` : ''}?${query}`, { headers: { 'x-auth-token': session.token } });
    if (response.status === 404 || response.status === 204) return [];
    if (!response.ok) throw new Error(`swift listing ${container}: ${response.status}`);
    return ((await response.json()) as { name: string }[]).map((o) => o.name);
  }

  /** What the servers printed (for failure messages). */
  output(): string {
    return this.processes.map((p) => p.output()).join('\n');
  }

  /** Stops every server (SIGTERM); the data stays for `launch`. */
  async stop(): Promise<void> {
    const stopping = this.processes.splice(0);
    await Promise.all(stopping.map((p) => p.stop()));
  }

  /** Stops the servers and removes the folder. */
  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
