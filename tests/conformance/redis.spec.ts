/**
 * The conformance suites against the Redis plugins — message store `redis`
 * and management store `redis` — built through their plugin manifests and
 * DI modules, on a real redis-server (tools/services/redis.ts) that is
 * emptied before every test. Plus what only a networked store has: several
 * driver instances (API servers) on one Redis.
 */
import { expect } from 'chai';
import { controlManifest, dataManifest } from '../../plugins/storage/redis';
import type { ManagementStore, MessageStore, Project } from '../../zaqar/storage/interfaces';
import { useRedisServer } from '../../tools/services/redis';
import type { ManagementStoreFixture, MessageStoreFixture } from '../../zaqar/testing/conformance/harness';
import { describeManagementStoreConformance, describeMessageStoreConformance, describePostSignalsConformance, storePair } from '../../zaqar/testing/conformance';
import { post } from '../../zaqar/testing/conformance/helpers';
import { managementStoreFixture, messageStoreFixture, openManagementStore, openMessageStore } from '../../zaqar/testing/stores';

const openControl = (uri: string): Promise<ManagementStore> => openManagementStore(controlManifest, { uri });
const openData = (uri: string, control: ManagementStore): Promise<MessageStore> => openMessageStore(dataManifest, { uri }, control);

describe('redis', function () {
  // A real server: leave room for slow machines (mocha's default is 2 s).
  this.timeout(30_000);
  const redis = useRedisServer();

  async function makeMessageStoreFixture(): Promise<MessageStoreFixture> {
    await redis().command('FLUSHALL');
    return messageStoreFixture(
      () => openControl(redis().uri()),
      (management) => openData(redis().uri(), management),
    );
  }

  async function makeManagementStoreFixture(): Promise<ManagementStoreFixture> {
    await redis().command('FLUSHALL');
    return managementStoreFixture(() => openControl(redis().uri()));
  }

  describeMessageStoreConformance('redis', makeMessageStoreFixture);
  describeManagementStoreConformance('redis', makeManagementStoreFixture);
  describePostSignalsConformance('redis', async () => {
    await redis().command('FLUSHALL');
    return storePair(async () => {
      const control = await openControl(redis().uri());
      return [await openData(redis().uri(), control), control];
    });
  });

  describe('redis: several API servers on one Redis', () => {
    const QUEUE = 'shared';
    const PROJECT: Project = 'tenant-a';
    const opened: { close(): Promise<void> }[] = [];

    beforeEach(() => redis().command('FLUSHALL'));
    afterEach(async () => {
      for (const driver of opened.splice(0)) await driver.close();
    });

    async function openInstance(): Promise<MessageStore> {
      const control = await openControl(redis().uri());
      const data = await openData(redis().uri(), control);
      opened.push(data, control);
      return data;
    }

    it('driver instances with their own connections, racing for the same messages, never share one', async () => {
      const instances = await Promise.all([openInstance(), openInstance(), openInstance(), openInstance()]);
      const posted: string[] = [];
      for (let batch = 0; batch < 20; batch++) posted.push(...(await post(instances[0], QUEUE, PROJECT, 20, { start: batch * 20 })));

      // Every instance claims (and sometimes pops) concurrently until the queue is drained.
      const taken = await Promise.all(
        instances.map(async (instance, n) => {
          const mine: string[] = [];
          for (let round = 0; round < 40; round++) {
            const result =
              (round + n) % 5 === 4
                ? { messages: await instance.messageController.pop(QUEUE, 3, PROJECT) }
                : await instance.claimController.create(QUEUE, { ttl: 300, grace: 60, limit: 5 }, PROJECT);
            mine.push(...result.messages.map((m) => m.id));
          }
          return mine;
        }),
      );

      const claimed = taken.flat();
      expect(claimed).to.have.length(posted.length);
      expect(new Set(claimed)).to.deep.equal(new Set(posted));
      for (const mine of taken) expect(mine).to.not.be.empty;
    });

    it('driver instances racing to subscribe one subscriber: one id, the rest null', async () => {
      const instances = await Promise.all([openInstance(), openInstance(), openInstance(), openInstance()]);
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => instances[i % 4].subscriptionController.create(QUEUE, 'http://example.com/hook', 600, { i }, PROJECT)),
      );
      expect(results.filter((id) => id !== null)).to.have.length(1);
      expect((await instances[0].subscriptionController.list(QUEUE, PROJECT)).items).to.have.length(1);
    });
  });
});
