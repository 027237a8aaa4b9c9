/**
 * The storage facade on real SQLite stores: queue operations pass the
 * built-in message-queue handler, then the message store's queue lifecycle,
 * then the configured queue stages, then the management store.
 */
import { expect } from 'chai';
import { QueueDoesNotExist } from '../../../zaqar/storage/errors';
import type { MessageStore, QueueLifecycle } from '../../../zaqar/storage/interfaces';
import type { PipelineStage } from '../../../zaqar/storage/pipeline/stage';
import { createStorage } from '../../../zaqar/storage/storage';
import { makeSqliteMessageStoreFixture } from '../../helpers/storage-sqlite';
import { useFixture } from '../../../zaqar/testing/conformance/harness';

describe('storage/storage: the facade', () => {
  const fixture = useFixture(makeSqliteMessageStoreFixture);

  /** The fixture's message store with a queue lifecycle that records what it sees. */
  function withLifecycle(trace: string[]): MessageStore {
    const data = fixture().messageStore;
    const lifecycle: QueueLifecycle = {
      async create(next, name, metadata, project) {
        trace.push(`lifecycle create ${name}`);
        return next(name, metadata, project);
      },
      async delete(next, name, project) {
        trace.push(`lifecycle delete ${name}, messages left: ${(await data.queueDataController.stats(name, project)).messages.total}`);
        return next(name, project);
      },
    };
    return { ...data, messageController: data.messageController, claimController: data.claimController, queueLifecycle: lifecycle };
  }

  it('runs the message store queue lifecycle around create and delete, after the messages are purged', async () => {
    const trace: string[] = [];
    const storage = createStorage(fixture().managementStore, withLifecycle(trace));
    expect(await storage.queues.create('q', {}, 'p')).to.equal(true);
    await storage.messages.post('q', [{ ttl: 300, delay: 0, body: 1 }], 'c', 'p');
    expect((await storage.queues.stats('q', 'p')).messages.total).to.equal(1);
    await storage.queues.delete('q', 'p');
    expect(trace).to.deep.equal(['lifecycle create q', 'lifecycle delete q, messages left: 0']);
    expect(await storage.queues.exists('q', 'p')).to.equal(false);
  });

  it('answers stats only for queues the management store knows', async () => {
    const storage = createStorage(fixture().managementStore, fixture().messageStore);
    const failure = await storage.queues.stats('absent', 'p').catch((err: unknown) => err);
    expect(failure).to.be.instanceOf(QueueDoesNotExist);
  });

  it('puts configured stages in front of each controller, and a queue stage can answer for the store', async () => {
    const seen: string[] = [];
    const stage: PipelineStage = {
      queue: { create: async (_next, name) => (seen.push(`refused ${name}`), false) },
      message: {
        async post(next, queue, messages, clientId, project) {
          seen.push(`post ${messages.length}`);
          return next(queue, messages, clientId, project);
        },
      },
      claim: {
        async create(next, queue, options, project) {
          seen.push(`claim ${options.limit}`);
          return next(queue, options, project);
        },
      },
    };
    const storage = createStorage(fixture().managementStore, fixture().messageStore, { queue: [stage], message: [stage], claim: [stage] });
    expect(await storage.queues.create('refused', {}, 'p')).to.equal(false);
    expect(await storage.queues.exists('refused', 'p')).to.equal(false);
    await fixture().managementStore.queueController.create('q', {}, 'p');
    await storage.messages.post('q', [{ ttl: 300, delay: 0, body: 1 }, { ttl: 300, delay: 0, body: 2 }], 'c', 'p');
    const claim = await storage.claims.create('q', { ttl: 60, grace: 60, limit: 5 }, 'p');
    expect(claim.messages).to.have.length(2);
    expect(seen).to.deep.equal(['refused refused', 'post 2', 'claim 5']);
  });
});
