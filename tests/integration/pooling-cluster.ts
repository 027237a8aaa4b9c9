/**
 * Shared by the pooling integration specs (pooling-*.spec.ts): the pools'
 * real backends, a zaqar-server configuration with `[DEFAULT] pooling =
 * true`, the admin calls that register pools and flavors over HTTP, and
 * looks straight into a backend at what it holds of one queue.
 *
 * - Pools: two redis-server instances (append-only file, fsync always, so a
 *   restart keeps every acknowledged write) and one FerretDB (its data is a
 *   SQLite folder that survives a restart).
 * - Management store (pools, flavors, catalogue, queues): the SQL store on
 *   a SQLite file, `management.sqlite` in a folder every server of a test
 *   shares (two servers on one file: pooling-two-servers.spec.ts).
 * - Backend layouts: Redis as plugins/storage/redis/keys.ts, MongoDB as
 *   plugins/storage/mongodb/README.md (pools here use `partitions = 1`, so a
 *   queue's messages are in `<database>_messages_p0.messages`).
 */
import { expect } from 'chai';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { MongoClient } from 'mongodb';
import { ensureFerretDB, type FerretDB, startFerretDB } from '../../tools/services/ferretdb';
import { skipUnlessAvailable } from '../../tools/services/process';
import { RedisServer, redisServerMissing } from '../../tools/services/redis';
import { type Reply, ZaqarClient } from '../helpers/client';
import { ROOT, type RunningServer, startServer } from '../helpers/server';

const MANAGE_BIN = path.join(ROOT, 'bin', 'zaqar-manage.js');

/** The database (base name) of the FerretDB pool. */
export const MONGO_POOL_DATABASE = 'zaqar_pool';

/**
 * `[DEFAULT] pooling = true` over the functional tests' base configuration,
 * with the catalogue in `<shared>/management.sqlite`. Redis pools reconnect
 * quickly after an outage (`reconnect_sleep`); FerretDB is a standalone
 * server, hence `unreliable`.
 */
export function poolingConfig(shared: string, extra = ''): string {
  return `
[DEFAULT]
pooling = true
unreliable = true

[drivers:management_store:sqlalchemy]
uri = sqlite:///${shared}/management.sqlite

[drivers:message_store:redis]
reconnect_sleep = 0.05
${extra}`;
}

/** The three pools' backends, started for one suite. */
export class PoolBackends {
  private constructor(
    readonly redis: [RedisServer, RedisServer],
    readonly ferret: FerretDB,
  ) {}

  /** Why the backends cannot run here, or undefined (skips the suite, fails it under CI). */
  static missing(): string | undefined {
    return redisServerMissing() ?? ensureFerretDB().missing;
  }

  static async start(): Promise<PoolBackends> {
    const redis = [await RedisServer.start({ aof: true }), await RedisServer.start({ aof: true })] as [RedisServer, RedisServer];
    try {
      return new PoolBackends(redis, await startFerretDB(ensureFerretDB().binary!));
    } catch (err) {
      for (const server of redis) await server.close();
      throw err;
    }
  }

  /** Pool documents (`PUT /v2/pools/NAME`) for each backend. */
  redisPool(index: 0 | 1, weight: number, flavor?: string): Record<string, unknown> {
    return { uri: this.redis[index].uri(), weight, ...(flavor ? { flavor } : {}) };
  }

  mongoPool(weight: number, flavor?: string): Record<string, unknown> {
    return { uri: this.ferret.uri, weight, options: { database: MONGO_POOL_DATABASE, partitions: 1 }, ...(flavor ? { flavor } : {}) };
  }

  async close(): Promise<void> {
    for (const server of this.redis) await server.close().catch(() => undefined);
    await this.ferret.cleanup().catch(() => undefined);
  }
}

/**
 * For a mocha `describe`: the backends and a shared folder for the suite
 * (skips loudly when redis-server or FerretDB is missing; fails under CI).
 */
export function usePoolBackends(): { backends: () => PoolBackends; shared: () => string } {
  let backends: PoolBackends | undefined;
  let shared: string | undefined;
  before(async function () {
    this.timeout(20 * 60_000); // FerretDB may have to be built first
    skipUnlessAvailable(this, PoolBackends.missing());
    backends = await PoolBackends.start();
    shared = mkdtempSync(path.join(tmpdir(), 'zaqar-ts-pooling-'));
  });
  after(async () => {
    await backends?.close();
    if (shared !== undefined) rmSync(shared, { recursive: true, force: true });
  });
  return {
    backends: () => backends ?? fail('backends used outside their suite'),
    shared: () => shared ?? fail('shared folder used outside its suite'),
  };
}

function fail(why: string): never {
  throw new Error(why);
}

/** The outcome of one `zaqar-manage` run. */
export interface ManageRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs `zaqar-manage --config-file CONFIG ARGS...` (bin/zaqar-manage.js) as
 * its own process, without blocking this one (load keeps running meanwhile).
 */
export function zaqarManage(configFile: string, args: string[]): Promise<ManageRun> {
  return startZaqarManage(configFile, args).done;
}

/** As zaqarManage, with the process at hand (to kill it half-way) and what it wrote on stderr so far (its progress lines). */
export function startZaqarManage(configFile: string, args: string[]): { child: ChildProcess; done: Promise<ManageRun>; stderr: () => string } {
  const started = Date.now();
  const child = spawn(process.execPath, [MANAGE_BIN, '--config-file', configFile, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<ManageRun>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
  return { child, done, stderr: () => stderr };
}

/** A pooled zaqar-server on the shared catalogue. */
export function startPooledServer(shared: string, extra = ''): Promise<RunningServer> {
  return startServer({ extraConfig: poolingConfig(shared, extra), timeoutMs: 30_000 });
}

/**
 * A client with the admin role (noauth: `X-Roles: admin`), for /v2/pools and
 * /v2/flavors. Flavors belong to a project, as in Zaqar: create them in the
 * project whose queues use them.
 */
export class AdminClient {
  private readonly client: ZaqarClient;

  constructor(url: string, project: string) {
    this.client = new ZaqarClient(url, project);
  }

  request(method: string, path: string, body?: unknown): Promise<Reply> {
    return this.client.request(method, path, { headers: { 'X-Roles': 'admin' }, ...(body === undefined ? {} : { body }) });
  }

  async putPool(name: string, document: Record<string, unknown>): Promise<void> {
    const reply = await this.request('PUT', `/v2/pools/${name}`, document);
    expect(reply.status, `PUT pool ${name}: ${reply.text}`).to.equal(201);
  }

  async patchPool(name: string, changes: Record<string, unknown>): Promise<void> {
    const reply = await this.request('PATCH', `/v2/pools/${name}`, changes);
    expect(reply.status, `PATCH pool ${name}: ${reply.text}`).to.equal(200);
  }

  async putFlavor(name: string, pools: string[]): Promise<void> {
    const reply = await this.request('PUT', `/v2/flavors/${name}`, { pool_list: pools });
    expect(reply.status, `PUT flavor ${name}: ${reply.text}`).to.equal(201);
  }
}

// ---------------------------------------------------------------------------
// Looking into the backends directly

/**
 * Every key of redis-server `redis` that belongs to queue `queue` of
 * `project`: its `P.Q...` keys, the hashes of the given message or claim
 * ids and their claims' `messages.<id>` lists, and its `msgset_index` member.
 */
export async function redisKeysOf(redis: RedisServer, project: string, queue: string, ids: string[] = []): Promise<string[]> {
  const keys = new Set<string>();
  for (const pattern of [`${project}.${queue}`, `${project}.${queue}.*`, `${project}.${queue}:*`]) {
    for (const key of (await redis.command('KEYS', pattern)) as string[]) keys.add(key);
  }
  const candidates = ids.flatMap((id) => [id, `messages.${id}`]);
  for (let i = 0; i < candidates.length; i += 500) {
    const batch = candidates.slice(i, i + 500);
    // One EXISTS per batch; only a batch with a hit is looked at key by key.
    if ((await redis.command('EXISTS', ...batch)) === 0) continue;
    for (const key of batch) if ((await redis.command('EXISTS', key)) === 1) keys.add(key);
  }
  // The gc index names the queue's message set while it has one.
  if ((await redis.command('ZSCORE', 'msgset_index', `${project}.${queue}.messages`)) !== null) keys.add('msgset_index member');
  return [...keys].sort();
}

/** The message ids redis-server `redis` holds for the queue (its `P.Q.messages` set). */
export async function redisMessageIds(redis: RedisServer, project: string, queue: string): Promise<string[]> {
  return (await redis.command('ZRANGE', `${project}.${queue}.messages`, '0', '-1')) as string[];
}

/** What the FerretDB pool holds of a queue, read with a MongoDB client. */
export class MongoPoolProbe {
  private readonly client: MongoClient;

  constructor(uri: string) {
    this.client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
  }

  private db() {
    return this.client.db(`${MONGO_POOL_DATABASE}_messages_p0`);
  }

  /** The ids (hex) of the queue's message documents. */
  async messageIds(project: string, queue: string): Promise<string[]> {
    const docs = await this.db().collection('messages').find({ p_q: `${project}/${queue}` }, { projection: { _id: 1 } }).toArray();
    return docs.map((d) => String(d._id));
  }

  /**
   * `collection: count` of the queue's documents in the pool's message
   * database (empty when none). Leaves out the queue's marker counter in
   * `messages.stats`: the MongoDB message store never removes it (not even
   * when the queue is deleted), see `counterOf`.
   */
  async documentsOf(project: string, queue: string, messageIds: string[] = []): Promise<Record<string, number>> {
    const found: Record<string, number> = {};
    const messages = await this.db().collection('messages').countDocuments({ p_q: `${project}/${queue}` });
    if (messages > 0) found.messages = messages;
    // Claim locks are named `<message id>:<claim epoch>` (plugins/storage/mongodb/claim-locks.ts).
    let locks = 0;
    for (const id of messageIds) locks += await this.db().collection<{ _id: string }>('messages.locks').countDocuments({ _id: { $regex: `^${id}:` } });
    if (locks > 0) found['messages.locks'] = locks;
    return found;
  }

  /** Whether the queue's marker counter document (`messages.stats`) exists. */
  async counterOf(project: string, queue: string): Promise<boolean> {
    return (await this.db().collection('messages.stats').countDocuments({ p_q: `${project}/${queue}` })) > 0;
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

// ---------------------------------------------------------------------------
// Statistics

/**
 * Pearson's chi-square statistic of observed counts against expected
 * proportions (weights), and whether it is below the critical value at
 * p = 0.01 for its degrees of freedom (k − 1, k ≤ 4).
 */
export function chiSquare(observed: number[], weights: number[]): { statistic: number; df: number; critical: number; passes: boolean } {
  const total = observed.reduce((a, b) => a + b, 0);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const statistic = observed.reduce((sum, count, i) => {
    const expected = (total * weights[i]) / weightSum;
    return sum + (count - expected) ** 2 / expected;
  }, 0);
  const df = observed.length - 1;
  // Upper 1% points of the chi-square distribution.
  const critical = [NaN, 6.635, 9.21, 11.345][df];
  return { statistic, df, critical, passes: statistic < critical };
}

// ---------------------------------------------------------------------------
// The catalogue, read from the management store's SQLite file

/** `project/queue` → pool (and the pool it is leaving, while it moves), as the Catalogue table holds it. */
export function readCatalogue(shared: string): Map<string, { pool: string; movingFrom: string | null }> {
  const db = new Database(path.join(shared, 'management.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT project, queue, pool, moving_from FROM "Catalogue"').all() as { project: string; queue: string; pool: string; moving_from: string | null }[];
    return new Map(rows.map((r) => [`${r.project}/${r.queue}`, { pool: r.pool, movingFrom: r.moving_from }]));
  } finally {
    db.close();
  }
}
