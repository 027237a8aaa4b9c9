/**
 * Contract of the management store's TopicController (Zaqar's `Topic`
 * controller), for every management store: the queue controller's contract
 * (queue-controller.ts) with TopicDoesNotExist, over a set of names of its
 * own — a topic and a queue of the same name are two independent records.
 */
import { expect } from 'chai';
import { QueueDoesNotExist, TopicDoesNotExist } from '../../storage/errors';
import { type MakeManagementStoreFixture, useFixture } from './harness';
import { expectError } from './helpers';
import { describeQueueLikeController } from './queue-controller';

const PROJECT = 'tenant-a';

export function describeTopicController(name: string, make: MakeManagementStoreFixture): void {
  describeQueueLikeController(`${name}: TopicController`, make, (store) => store.topicController, TopicDoesNotExist);

  describe(`${name}: TopicController beside QueueController`, () => {
    const fixture = useFixture(make);
    const topics = () => fixture().managementStore.topicController;
    const queues = () => fixture().managementStore.queueController;
    const names = (items: { name: string }[]) => items.map((q) => q.name);

    it('keeps a topic and a queue of the same name apart', async () => {
      expect(await topics().create('shared', { kind: 'topic' }, PROJECT)).to.equal(true);
      expect(await queues().exists('shared', PROJECT)).to.equal(false);
      expect(await queues().get('shared', PROJECT)).to.deep.equal({});
      await expectError(queues().getMetadata('shared', PROJECT), QueueDoesNotExist);
      expect(await queues().create('shared', { kind: 'queue' }, PROJECT)).to.equal(true);
      expect(await topics().create('shared', {}, PROJECT)).to.equal(false);
      await queues().setMetadata('shared', { kind: 'queue', changed: true }, PROJECT);
      expect(await topics().getMetadata('shared', PROJECT)).to.deep.equal({ kind: 'topic' });
      await topics().setMetadata('shared', { kind: 'topic', changed: 1 }, PROJECT);
      expect(await queues().getMetadata('shared', PROJECT)).to.deep.equal({ kind: 'queue', changed: true });
      await topics().delete('shared', PROJECT);
      expect(await queues().exists('shared', PROJECT)).to.equal(true);
      expect(await topics().exists('shared', PROJECT)).to.equal(false);
      expect(await topics().create('shared', {}, PROJECT)).to.equal(true);
      await queues().delete('shared', PROJECT);
      expect(await topics().exists('shared', PROJECT)).to.equal(true);
    });

    it('lists and counts topics and queues separately', async () => {
      for (const topic of ['t1', 't2', 'both']) await topics().create(topic, {}, PROJECT);
      for (const queue of ['q1', 'both']) await queues().create(queue, {}, PROJECT);
      expect(names((await topics().list(PROJECT)).items)).to.deep.equal(['both', 't1', 't2']);
      expect(names((await queues().list(PROJECT)).items)).to.deep.equal(['both', 'q1']);
      expect(names((await topics().list(PROJECT, { detailed: true, name: 'o' })).items)).to.deep.equal(['both']);
      expect(await topics().count(PROJECT)).to.equal(3);
      expect(await queues().count(PROJECT)).to.equal(2);
    });

    it('keeps topics named like the store keys of queues apart from queues', async () => {
      // Names reference layouts use for their own records (Redis `P.queues_set`, ...).
      const tricky = ['queues_set', 'topics_set', 'subscriptions', 'messages', 'catalogue', 'pools', 'topics'];
      for (const topic of tricky) expect(await topics().create(topic, { topic }, PROJECT), topic).to.equal(true);
      for (const queue of tricky) expect(await queues().exists(queue, PROJECT), queue).to.equal(false);
      expect(names((await topics().list(PROJECT, { limit: 20 })).items)).to.deep.equal([...tricky].sort());
      expect((await queues().list(PROJECT)).items).to.deep.equal([]);
      for (const topic of tricky) expect(await topics().getMetadata(topic, PROJECT)).to.deep.equal({ topic });
    });
  });
}
