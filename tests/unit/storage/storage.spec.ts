/**
 * The storage facade on real SQLite stores: queue operations pass the
 * built-in message-queue handler, then the message store's queue lifecycle,
 * then the configured queue stages, then the management store; topic
 * operations the message-topic handler, then the topic stages, then the
 * management store's topic controller; subscriptions their stages, then the
 * message store.
 */
import { expect } from 'chai';
import { QueueDoesNotExist, TopicDoesNotExist } from '../../../zaqar/storage/errors';
import type { MessageStore, QueueLifecycle } from '../../../zaqar/storage/interfaces';
import type { PipelineStage } from '../../../zaqar/storage/pipeline/stage';
import { createStorage, withPipelines } from '../../../zaqar/storage/storage';
import { makeSqliteMessageStoreFixture } from '../../helpers/storage-sqlite';
import { useFixture } from '../../../zaqar/testing/conformance/harness';
import { expectError } from '../../../zaqar/testing/conformance/helpers';

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

  it('answers topic stats from the message store under the topic name, only for topics the management store knows', async () => {
    const storage = createStorage(fixture().managementStore, fixture().messageStore);
    await expectError(storage.topics.stats('t', 'p'), TopicDoesNotExist);
    // A queue of the same name is no topic.
    await storage.queues.create('t', {}, 'p');
    await expectError(storage.topics.stats('t', 'p'), TopicDoesNotExist);
    expect(await storage.topics.create('t', { kind: 'topic' }, 'p')).to.equal(true);
    await storage.messages.post('t', [{ ttl: 300, delay: 0, body: 1 }, { ttl: 300, delay: 0, body: 2 }], 'c', 'p');
    expect((await storage.topics.stats('t', 'p')).messages.total).to.equal(2);
    expect(await storage.topics.getMetadata('t', 'p')).to.deep.equal({ kind: 'topic' });
    expect(await storage.queues.getMetadata('t', 'p')).to.deep.equal({});
  });

  it("purges a deleted topic's messages, then deletes its record", async () => {
    const storage = createStorage(fixture().managementStore, fixture().messageStore);
    await storage.topics.create('t', {}, 'p');
    await storage.messages.post('t', [{ ttl: 300, delay: 0, body: 1 }], 'c', 'p');
    await storage.topics.delete('t', 'p');
    expect(await storage.topics.exists('t', 'p')).to.equal(false);
    expect((await fixture().messageStore.queueDataController.stats('t', 'p')).messages.total).to.equal(0);
  });

  it('puts the configured stages in front of subscriptions and topics', async () => {
    const seen: string[] = [];
    const stage: PipelineStage = {
      subscription: {
        async create(next, queue, subscriber, ttl, options, project) {
          seen.push(`subscribe ${subscriber}`);
          return next(queue, subscriber, ttl, { ...options, stamped: true }, project);
        },
      },
      topic: {
        async create(next, name, metadata, project) {
          seen.push(`topic ${name}`);
          return next(name, metadata, project);
        },
      },
    };
    const storage = createStorage(fixture().managementStore, fixture().messageStore, { subscription: [stage], topic: [stage] });
    expect(await storage.topics.create('t', {}, 'p')).to.equal(true);
    const id = await storage.subscriptions.create('t', 'http://example.com/hook', 600, { a: 1 }, 'p');
    expect((await storage.subscriptions.get('t', id!, 'p')).options).to.deep.equal({ a: 1, stamped: true });
    expect(seen).to.deep.equal(['topic t', 'subscribe http://example.com/hook']);
    // withPipelines gives the stores' consumers the same subscription pipeline.
    const piped = withPipelines(fixture().messageStore, { subscription: [stage] });
    await piped.subscriptionController.create('t', 'mailto:a@example.com', 600, {}, 'p');
    expect(seen).to.have.length(3);
    expect(withPipelines(fixture().messageStore, {})).to.equal(fixture().messageStore);
  });
});

