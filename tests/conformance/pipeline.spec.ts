/**
 * The message-store conformance suites over the storage facade's view of a
 * store with a pipeline stage in front of its message, claim and
 * subscription controllers: a stage that passes every call on must not change what the
 * store does. The stage counts what it saw, so the suites provably ran
 * through it.
 */
import { expect } from 'chai';
import type { PipelineStage } from '../../zaqar/storage/pipeline/stage';
import { withPipelines } from '../../zaqar/storage/storage';
import { makeSqliteMessageStoreFixture } from '../helpers/storage-sqlite';
import { describeMessageStoreConformance } from '../../zaqar/testing/conformance';

const calls = new Map<string, number>();
const count = (name: string) => calls.set(name, (calls.get(name) ?? 0) + 1);

const passThrough: PipelineStage = {
  message: {
    post: (next, ...args) => (count('message.post'), next(...args)),
    list: (next, ...args) => (count('message.list'), next(...args)),
    delete: (next, ...args) => (count('message.delete'), next(...args)),
  },
  claim: {
    create: (next, ...args) => (count('claim.create'), next(...args)),
    update: (next, ...args) => (count('claim.update'), next(...args)),
  },
  subscription: {
    create: (next, ...args) => (count('subscription.create'), next(...args)),
    list: (next, ...args) => (count('subscription.list'), next(...args)),
  },
};

describe('conformance through the storage pipeline', () => {
  describeMessageStoreConformance('sqlite behind a pass-through stage', async () => {
    const fixture = await makeSqliteMessageStoreFixture();
    return {
      ...fixture,
      messageStore: withPipelines(fixture.messageStore, { message: [passThrough], claim: [passThrough], subscription: [passThrough] }),
    };
  });

  after(() => {
    for (const name of ['message.post', 'message.list', 'message.delete', 'claim.create', 'claim.update', 'subscription.create', 'subscription.list']) {
      expect(calls.get(name) ?? 0, name).to.be.greaterThan(0);
    }
  });
});
