/**
 * Worker thread for sqlite.spec.ts: one "API process" with its own
 * connection to a shared message database. The workers claim in lock-step
 * rounds (a barrier on shared memory), so in every round all of them race
 * for the same queue head at the same moment.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openSqlManagementStore, openSqliteMessageStore } from '../helpers/storage-sqlite';

export interface ClaimWorkerInput {
  uri: string;
  queue: string;
  project: string | null;
  limit: number;
  rounds: number;
  workers: number;
  /** Int32Array over a SharedArrayBuffer of length 1: the round barrier's arrival counter. */
  barrier: Int32Array;
}

export interface ClaimWorkerReport {
  claims: { claimId: string; ids: string[] }[];
}

/** Blocks until `target` arrivals were counted (every worker of this round). */
function arriveAndWait(barrier: Int32Array, target: number): void {
  Atomics.add(barrier, 0, 1);
  Atomics.notify(barrier, 0);
  for (let seen = Atomics.load(barrier, 0); seen < target; seen = Atomics.load(barrier, 0)) {
    Atomics.wait(barrier, 0, seen);
  }
}

async function run(input: ClaimWorkerInput): Promise<void> {
  const control = await openSqlManagementStore({ uri: 'sqlite://' });
  const data = await openSqliteMessageStore({ uri: input.uri, synchronous: 'NORMAL', busy_timeout: 30000 }, control);
  try {
    const report: ClaimWorkerReport = { claims: [] };
    for (let round = 1; round <= input.rounds; round++) {
      arriveAndWait(input.barrier, round * input.workers);
      const result = await data.claimController.create(input.queue, { ttl: 300, grace: 60, limit: input.limit }, input.project);
      if (result.claimId !== null) report.claims.push({ claimId: result.claimId, ids: result.messages.map((m) => m.id) });
    }
    parentPort!.postMessage(report);
  } finally {
    await data.close();
    await control.close();
  }
}

void run(workerData as ClaimWorkerInput);
