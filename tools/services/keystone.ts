/**
 * A throw-away Keystone (Debian's python3-keystone, Identity API v3) for
 * tests and tools: SQLite database and fernet keys in a temporary folder,
 * `keystone-manage` set-up in one Python interpreter, served by uwsgi on a
 * free loopback port, and the fixtures a Zaqar deployment needs, made
 * through the REST API:
 *
 *   domain   Default; roles admin, member, reader (bootstrap), service
 *   admin    admin on project `admin` (bootstrap)
 *   zaqar    the server's [keystone_authtoken] user: admin and service on project `service`
 *   demo     member on project `demo`
 *   alt      member on project `alt_demo` (the other tenant)
 *   service  `zaqar`, type `messaging`, public/internal/admin endpoints (setMessagingEndpoint)
 *
 *   const keystone = await KeystoneServer.start();
 *   const token = await keystone.token('demo');
 *   await keystone.stop(); await keystone.launch();   // outage and return, same port and data
 *   await keystone.close();                           // stops it and removes the folder
 *
 * How Keystone is served follows what it needs on SQLite: one uwsgi worker
 * with one thread (two overlapping write transactions from different
 * connections fail with "database is locked"), `Connection: close` on
 * every answer (uwsgi's --http-socket closes the socket after each response
 * without saying so), bcrypt cost 4 and an in-process cache (coherent with
 * one worker) so that logins and validations take milliseconds.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import * as path from 'node:path';
import { jsonOrUndefined } from '../../zaqar/common/json';
import { findExecutable, freePort, type ManagedProcess, startProcess, waitUntil } from './process';

export const LOOPBACK = '127.0.0.1';
export const REGION = 'RegionOne';
const START_TIMEOUT_MS = 120_000;
const UWSGI_PLUGIN_DIRS = ['/usr/lib/uwsgi/plugins'];

export type KeystoneUser = 'admin' | 'zaqar' | 'demo' | 'alt';

export interface KeystoneAccount {
  user: string;
  password: string;
  project: string;
  /** Filled in once the fixtures exist. */
  userId: string;
  projectId: string;
}

export interface KeystoneReply {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

/** The interpreter that has Keystone's libraries: the one keystone-manage names in its first line. */
function keystonePython(keystoneManage: string): string {
  const first = readFileSync(keystoneManage, 'utf8').split('\n', 1)[0];
  const interpreter = /^#!\s*(\S+)/.exec(first)?.[1];
  return interpreter && existsSync(interpreter) ? interpreter : 'python3';
}

function uwsgiPython3Plugin(): boolean {
  return UWSGI_PLUGIN_DIRS.some((dir) => existsSync(path.join(dir, 'python3_plugin.so')));
}

/** Why Keystone tests cannot run here, or undefined when they can. */
export function keystoneMissing(): string | undefined {
  const missing: string[] = [];
  if (!findExecutable('keystone-manage') || !findExecutable('keystone-wsgi-public')) missing.push('python3-keystone');
  if (!findExecutable('uwsgi') && !findExecutable('uwsgi-core')) missing.push('uwsgi-core');
  if (!uwsgiPython3Plugin()) missing.push('uwsgi-plugin-python3');
  if (missing.length === 0) return undefined;
  return `Keystone not available (install Debian packages: ${missing.join(' ')})`;
}

/** The keystone-manage steps, run through keystone-manage's own entry point in one interpreter. */
const MANAGE_SCRIPT = `
import sys
from keystone.cmd import cli
from keystone.conf import CONF
conf = sys.argv[1]
for i, cmd in enumerate(sys.argv[2:]):
    if i:
        CONF.clear()
    cli.main(["keystone-manage", "--config-file", conf] + cmd.split("\\x1f"))
`;

export class KeystoneServer {
  private process: ManagedProcess | undefined;
  readonly accounts: Record<KeystoneUser, KeystoneAccount>;
  private messagingServiceId: string | undefined;

  private constructor(
    readonly port: number,
    readonly dir: string,
    options: { passwords: Record<KeystoneUser, string> },
  ) {
    const account = (user: string, project: string, password: string): KeystoneAccount => ({ user, project, password, userId: '', projectId: '' });
    this.accounts = {
      admin: account('admin', 'admin', options.passwords.admin),
      zaqar: account('zaqar', 'service', options.passwords.zaqar),
      demo: account('demo', 'demo', options.passwords.demo),
      alt: account('alt_demo', 'alt_demo', options.passwords.alt),
    };
  }

  /** `http://127.0.0.1:PORT` (the unversioned endpoint; the API is under /v3). */
  get url(): string {
    return `http://${LOOPBACK}:${this.port}`;
  }

  /** Builds a fresh Keystone in a new temporary folder, starts it and creates the fixtures. */
  static async start(options: { messagingUrl?: string; config?: string } = {}): Promise<KeystoneServer> {
    const missing = keystoneMissing();
    if (missing !== undefined) throw new Error(missing);
    const dir = mkdtempSync(path.join(tmpdir(), 'zaqar-ts-keystone-'));
    const server = new KeystoneServer(await freePort(), dir, {
      passwords: { admin: 'admin-pass', zaqar: 'zaqar-pass', demo: 'demo-pass', alt: 'alt-demo-pass' },
    });
    try {
      server.writeConfig(options.config ?? '');
      await server.build();
      await server.createFixtures(options.messagingUrl ?? 'http://127.0.0.1:8888');
    } catch (err) {
      await server.process?.kill();
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    return server;
  }

  private get configFile(): string {
    return path.join(this.dir, 'keystone.conf');
  }

  private writeConfig(extra: string): void {
    for (const sub of ['fernet-keys', 'credential-keys', 'log']) mkdirSync(path.join(this.dir, sub), { recursive: true, mode: 0o700 });
    writeFileSync(
      this.configFile,
      `# a throw-away Keystone for tests (tools/services/keystone.ts)
[DEFAULT]
log_dir = ${this.dir}/log
log_file = keystone.log
use_stderr = false

[database]
connection = sqlite:///${this.dir}/keystone.db
sqlite_synchronous = false

[fernet_tokens]
key_repository = ${this.dir}/fernet-keys

[fernet_receipts]
key_repository = ${this.dir}/fernet-keys

[credential]
key_repository = ${this.dir}/credential-keys

[identity]
# bcrypt's minimum cost: the default (12) costs a quarter of a second of CPU per login
password_hash_rounds = 4

[cache]
# coherent because uwsgi runs one worker; uncached, each authenticated request costs ~400 SQL statements
enabled = true
backend = dogpile.cache.memory
${extra}
`,
    );
  }

  /** keystone-manage fernet_setup, credential_setup, db_sync, bootstrap; uwsgi loads the app meanwhile. */
  private async build(): Promise<void> {
    const keystoneManage = findExecutable('keystone-manage')!;
    const { username } = userInfo();
    const group = spawnSync('id', ['-gn'], { encoding: 'utf8' }).stdout.trim() || username;
    const owner = ['--keystone-user', username, '--keystone-group', group];
    const base = `${this.url}/v3`;
    const steps = [
      ['fernet_setup', ...owner],
      ['credential_setup', ...owner],
      ['db_sync'],
      [
        'bootstrap',
        '--bootstrap-password', this.accounts.admin.password,
        '--bootstrap-username', 'admin',
        '--bootstrap-project-name', 'admin',
        '--bootstrap-role-name', 'admin',
        '--bootstrap-service-name', 'keystone',
        '--bootstrap-region-id', REGION,
        '--bootstrap-admin-url', base,
        '--bootstrap-internal-url', base,
        '--bootstrap-public-url', base,
      ],
    ].map((args) => args.join('\x1f'));
    let manageOutput = '';
    const manage = spawn(keystonePython(keystoneManage), ['-c', MANAGE_SCRIPT, this.configFile, ...steps], {
      cwd: this.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    manage.stdout.on('data', (c: Buffer) => (manageOutput += c.toString()));
    manage.stderr.on('data', (c: Buffer) => (manageOutput += c.toString()));
    const managed = new Promise<number | null>((resolve) => manage.once('exit', (code) => resolve(code)));
    try {
      // The app refuses to load without fernet keys; it needs no database to answer GET /v3.
      const keys = path.join(this.dir, 'fernet-keys');
      await waitUntil(async () => existsSync(path.join(keys, '0')) && existsSync(path.join(keys, '1')), START_TIMEOUT_MS, 'keystone-manage fernet_setup');
      this.spawnUwsgi();
      const code = await managed;
      if (code !== 0) throw new Error(`keystone-manage failed (${code}):\n${manageOutput.slice(-3000)}`);
      await waitUntil(() => this.answers(), START_TIMEOUT_MS, `keystone on port ${this.port}`, this.process);
    } finally {
      if (manage.exitCode === null) manage.kill('SIGKILL');
    }
  }

  private spawnUwsgi(): void {
    const uwsgi = findExecutable('uwsgi') ?? findExecutable('uwsgi-core')!;
    this.process = startProcess(
      uwsgi,
      [
        '--plugins', 'python3',
        '--http-socket', `${LOOPBACK}:${this.port}`,
        '--wsgi-file', findExecutable('keystone-wsgi-public')!,
        '--env', `OS_KEYSTONE_CONFIG_FILES=${this.configFile}`,
        '--master', '--need-app', '--die-on-term', '--no-orphans',
        '--processes', '1', '--threads', '1',
        '--buffer-size', '65535', '--listen', '100',
        '--add-header', 'Connection: close',
        '--disable-logging', '--log-5xx',
      ],
      { dir: this.dir },
    );
  }

  /** True when GET /v3 answers 200. */
  async answers(): Promise<boolean> {
    try {
      const res = await fetch(`${this.url}/v3`, { signal: AbortSignal.timeout(3000) });
      await res.arrayBuffer();
      return res.status === 200;
    } catch {
      return false;
    }
  }

  get running(): boolean {
    return this.process !== undefined && !this.process.exited();
  }

  /** Stops uwsgi (SIGTERM to its master); the data stays for `launch`. */
  async stop(): Promise<void> {
    const proc = this.process;
    this.process = undefined;
    await proc?.stop(10_000);
  }

  /** Starts a stopped Keystone again on the same port and data; resolves once it answers. */
  async launch(): Promise<void> {
    if (this.running) return;
    this.spawnUwsgi();
    await waitUntil(() => this.answers(), START_TIMEOUT_MS, `keystone on port ${this.port}`, this.process);
  }

  /** What uwsgi printed and the tail of keystone.log, for failure messages. */
  output(): string {
    let log = '';
    try {
      log = readFileSync(path.join(this.dir, 'log', 'keystone.log'), 'utf8').slice(-4000);
    } catch {
      /* no log yet */
    }
    return `${this.process?.output() ?? ''}\n--- keystone.log (tail)\n${log}`;
  }

  /** Stops Keystone and removes its folder. */
  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** One Identity API call (`path` under /v3). */
  async api(method: string, apiPath: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<KeystoneReply> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', ...options.headers };
    if (options.token) headers['X-Auth-Token'] = options.token;
    const res = await fetch(`${this.url}/v3${apiPath}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(30_000),
    });
    return { status: res.status, headers: res.headers, json: jsonOrUndefined(await res.text()) };
  }

  private async call(method: string, apiPath: string, token: string, body?: unknown): Promise<KeystoneReply> {
    const reply = await this.api(method, apiPath, { token, body });
    if (reply.status >= 300) throw new Error(`keystone ${method} ${apiPath}: ${reply.status} ${JSON.stringify(reply.json)}`);
    return reply;
  }

  /** A project-scoped token of a user (password login); `scope: 'none'` for an unscoped one. */
  async token(who: KeystoneUser | { user: string; password: string; project?: string }, options: { scope?: 'project' | 'none' } = {}): Promise<string> {
    const account = typeof who === 'string' ? this.accounts[who] : who;
    const auth: Record<string, unknown> = {
      identity: { methods: ['password'], password: { user: { name: account.user, domain: { id: 'default' }, password: account.password } } },
    };
    if (options.scope !== 'none' && account.project) auth.scope = { project: { name: account.project, domain: { id: 'default' } } };
    const reply = await this.api('POST', '/auth/tokens?nocatalog', { body: { auth } });
    const token = reply.headers.get('x-subject-token');
    if (reply.status !== 201 || !token) throw new Error(`keystone login of ${account.user}: ${reply.status} ${JSON.stringify(reply.json)}`);
    return token;
  }

  /** Revokes a token (DELETE /v3/auth/tokens, by the admin). */
  async revoke(token: string): Promise<void> {
    const admin = await this.token('admin');
    const reply = await this.api('DELETE', '/auth/tokens', { token: admin, headers: { 'X-Subject-Token': token } });
    if (reply.status !== 204) throw new Error(`keystone revoke: ${reply.status}`);
  }

  private async ensure(admin: string, collection: string, key: string, name: string, body: Record<string, unknown>): Promise<{ id: string }> {
    const found = await this.call('GET', `/${collection}?name=${encodeURIComponent(name)}`, admin);
    const existing = found.json[collection] as { id: string }[];
    if (existing.length > 0) return existing[0];
    return (await this.call('POST', `/${collection}`, admin, { [key]: { ...body, name } })).json[key];
  }

  /** A user with its own project and role (e.g. one to delete in a test); returns its account. */
  async createUser(name: string, role = 'member'): Promise<KeystoneAccount> {
    const admin = await this.token('admin');
    const project = await this.ensure(admin, 'projects', 'project', name, { domain_id: 'default' });
    const password = `${name}-pass`;
    const user = await this.ensure(admin, 'users', 'user', name, { domain_id: 'default', password, default_project_id: project.id });
    const roleRef = await this.ensure(admin, 'roles', 'role', role, {});
    await this.call('PUT', `/projects/${project.id}/users/${user.id}/roles/${roleRef.id}`, admin);
    return { user: name, password, project: name, userId: user.id, projectId: project.id };
  }

  /** Deletes a user (Keystone revokes its tokens). */
  async deleteUser(userId: string): Promise<void> {
    await this.call('DELETE', `/users/${userId}`, await this.token('admin'));
  }

  /** Enables or disables a user (disabling revokes its tokens). */
  async setUserEnabled(userId: string, enabled: boolean): Promise<void> {
    await this.call('PATCH', `/users/${userId}`, await this.token('admin'), { user: { enabled } });
  }

  private async createFixtures(messagingUrl: string): Promise<void> {
    const admin = await this.token('admin');
    const roles: Record<string, { id: string }> = {};
    for (const role of ['admin', 'member', 'reader', 'service']) roles[role] = await this.ensure(admin, 'roles', 'role', role, {});
    const grants: [KeystoneUser, string[]][] = [
      ['zaqar', ['admin', 'service']],
      ['demo', ['member']],
      ['alt', ['member']],
    ];
    for (const [who, roleNames] of grants) {
      const account = this.accounts[who];
      const project = await this.ensure(admin, 'projects', 'project', account.project, { domain_id: 'default', description: 'test project' });
      const user = await this.ensure(admin, 'users', 'user', account.user, {
        domain_id: 'default',
        password: account.password,
        default_project_id: project.id,
      });
      for (const role of roleNames) await this.call('PUT', `/projects/${project.id}/users/${user.id}/roles/${roles[role].id}`, admin);
      account.userId = user.id;
      account.projectId = project.id;
    }
    const adminUser = (await this.call('GET', '/users?name=admin', admin)).json.users[0];
    const adminProject = (await this.call('GET', '/projects?name=admin', admin)).json.projects[0];
    this.accounts.admin.userId = adminUser.id;
    this.accounts.admin.projectId = adminProject.id;
    const service = await this.call('POST', '/services', admin, {
      service: { type: 'messaging', name: 'zaqar', description: 'OpenStack Messaging (Zaqar)', enabled: true },
    });
    this.messagingServiceId = service.json.service.id;
    await this.setMessagingEndpoint(messagingUrl);
  }

  /** Points the messaging service's public, internal and admin endpoints at `url` (new tokens' catalogs carry it). */
  async setMessagingEndpoint(url: string): Promise<void> {
    const admin = await this.token('admin');
    const serviceId = this.messagingServiceId!;
    const endpoints = (await this.call('GET', `/endpoints?service_id=${serviceId}`, admin)).json.endpoints as { id: string; interface: string }[];
    for (const iface of ['public', 'internal', 'admin']) {
      const existing = endpoints.find((endpoint) => endpoint.interface === iface);
      if (existing) await this.call('PATCH', `/endpoints/${existing.id}`, admin, { endpoint: { url } });
      else await this.call('POST', '/endpoints', admin, { endpoint: { service_id: serviceId, interface: iface, url, region_id: REGION, enabled: true } });
    }
  }

  /** The [keystone_authtoken] block of a Zaqar server that validates tokens here as the `zaqar` user. */
  authtokenConfig(extra: Record<string, string | number | boolean> = {}): string {
    const options: Record<string, string | number | boolean> = {
      www_authenticate_uri: this.url,
      auth_url: this.url,
      auth_type: 'password',
      project_name: 'service',
      project_domain_name: 'Default',
      username: 'zaqar',
      user_domain_name: 'Default',
      password: this.accounts.zaqar.password,
      region_name: REGION,
      interface: 'public',
      ...extra,
    };
    return `\n[keystone_authtoken]\n${Object.entries(options)
      .map(([k, v]) => `${k} = ${v}`)
      .join('\n')}\n`;
  }

  /** OS_* variables for the openstack CLI as `who`. */
  clientEnvironment(who: KeystoneUser): Record<string, string> {
    const account = this.accounts[who];
    return {
      OS_AUTH_URL: `${this.url}/v3`,
      OS_AUTH_TYPE: 'password',
      OS_IDENTITY_API_VERSION: '3',
      OS_REGION_NAME: REGION,
      OS_INTERFACE: 'public',
      OS_USER_DOMAIN_NAME: 'Default',
      OS_PROJECT_DOMAIN_NAME: 'Default',
      OS_USERNAME: account.user,
      OS_PASSWORD: account.password,
      OS_PROJECT_NAME: account.project,
    };
  }
}
