/**
 * The conformance suites against the SQLite plugins — message store
 * `sqlite` and management store `sqlalchemy` — built through their plugin
 * manifests and DI modules, on temporary database files. Plus the one
 * property only a shared-file store has: several processes on one file.
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { MessageStore, Project } from '../../zaqar/storage/interfaces';
import {
  makeSqlManagementStoreFixture,
  makeSqliteMessageStoreFixture,
  makeTempDir,
  openSqlManagementStore,
  openSqliteMessageStore,
  sqliteUri,
} from '../helpers/storage-sqlite';
import { describeManagementStoreConformance, describeMessageStoreConformance, describePostSignalsConformance, storePair } from '../../zaqar/testing/conformance';
import { post } from '../../zaqar/testing/conformance/helpers';
import type { ClaimWorkerInput, ClaimWorkerReport } from './sqlite-claim-worker';

describeMessageStoreConformance('sqlite', makeSqliteMessageStoreFixture);
describeManagementStoreConformance('sqlalchemy', makeSqlManagementStoreFixture);
describePostSignalsConformance('sqlite', async () => {
  const temp = makeTempDir('zaqar-sqlite-signals-');
  const uri = sqliteUri(path.join(temp.dir, 'messages.sqlite'));
  return storePair(async () => {
    const control = await openSqlManagementStore({ uri: 'sqlite://' });
    return [await openSqliteMessageStore({ uri, synchronous: 'NORMAL' }, control), control];
  }, temp.remove);
});

describe('sqlite: several server processes sharing one message file', () => {
  const QUEUE = 'shared';
  const PROJECT: Project = 'tenant-a';
  let temp: ReturnType<typeof makeTempDir>;
  let uri: string;
  const opened: { close(): Promise<void> }[] = [];

  beforeEach(() => {
    temp = makeTempDir('zaqar-sqlite-shared-');
    uri = sqliteUri(path.join(temp.dir, 'messages.sqlite'));
  });
  afterEach(async () => {
    for (const driver of opened.splice(0)) await driver.close();
    temp.remove();
  });

  async function openInstance(): Promise<MessageStore> {
    const control = await openSqlManagementStore({ uri: 'sqlite://' });
    const data = await openSqliteMessageStore({ uri, synchronous: 'NORMAL' }, control);
    opened.push(data, control);
    return data;
  }

  it('two driver instances see each other’s writes and never claim the same message', async () => {
    const [a, b] = [await openInstance(), await openInstance()];
    const posted = [...(await post(a, QUEUE, PROJECT, 30)), ...(await post(b, QUEUE, PROJECT, 30, { start: 30 }))];
    const claimed: string[] = [];
    // Interleave the instances' claims (and a few pops) until the queue is drained.
    for (let round = 0; round < 100; round++) {
      const instance = round % 2 === 0 ? a : b;
      const result =
        round % 5 === 4
          ? { messages: await instance.messageController.pop(QUEUE, 2, PROJECT) }
          : await instance.claimController.create(QUEUE, { ttl: 300, grace: 60, limit: 3 }, PROJECT);
      claimed.push(...result.messages.map((m) => m.id));
    }
    expect(claimed).to.have.length(posted.length);
    expect(new Set(claimed)).to.deep.equal(new Set(posted));
  });

  it('two driver instances racing to subscribe one subscriber: one id, one null', async () => {
    const [a, b] = [await openInstance(), await openInstance()];
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).subscriptionController.create(QUEUE, 'http://example.com/hook', 600, { i }, PROJECT)),
    );
    expect(results.filter((id) => id !== null)).to.have.length(1);
    expect((await b.subscriptionController.list(QUEUE, PROJECT)).items).to.have.length(1);
  });

  it('worker threads with their own connections, racing for the same messages, never share one', async function () {
    this.timeout(30_000);
    const seed = await openInstance();
    const posted: string[] = [];
    for (let batch = 0; batch < 20; batch++) posted.push(...(await post(seed, QUEUE, PROJECT, 20, { start: batch * 20 })));

    // 4 workers × 5 messages per round drain 400 messages in 20 rounds; 25 rounds leave some empty claims.
    const workers = 4;
    const input: ClaimWorkerInput = {
      uri,
      queue: QUEUE,
      project: PROJECT,
      limit: 5,
      rounds: 25,
      workers,
      barrier: new Int32Array(new SharedArrayBuffer(4)),
    };
    const reports = await Promise.all(
      Array.from({ length: workers }, () => runWorker(path.join(__dirname, 'sqlite-claim-worker.js'), input)),
    );

    const claimed = reports.flatMap((report) => report.claims.flatMap((claim) => claim.ids));
    expect(claimed).to.have.length(posted.length);
    expect(new Set(claimed)).to.deep.equal(new Set(posted));
    // Lock-step rounds: every worker won part of the race.
    for (const report of reports) expect(report.claims).to.not.be.empty;
  });
});

/** Runs one worker to completion and returns its report. */
function runWorker(file: string, input: ClaimWorkerInput): Promise<ClaimWorkerReport> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(file, { workerData: input });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`claim worker exited with code ${code}`));
    });
  });
}
