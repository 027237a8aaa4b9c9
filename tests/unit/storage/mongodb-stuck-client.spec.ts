/**
 * The stuck-client guard (unit, sinon clock): it only reconnects after
 * failures have lasted long enough AND a fresh connection answers; a short
 * blip or a server that is really down leaves the client alone.
 */
import { expect } from 'chai';
import type { MongoClient } from 'mongodb';
import * as sinon from 'sinon';
import { silentLogger } from '../../../zaqar/common/logger';
import { STUCK_AFTER_MS, StuckClientGuard } from '../../../plugins/storage/mongodb/stuck-client';

describe('mongodb: stuck client guard', () => {
  function fakeClient() {
    return { close: sinon.stub().resolves(), connect: sinon.stub().resolves() };
  }
  const settle = () => new Promise((r) => setTimeout(r, 1500));

  it('does nothing for failures shorter than the threshold', async () => {
    const client = fakeClient();
    const guard = new StuckClientGuard(client as unknown as MongoClient, 'mongodb://127.0.0.1:1/', {}, silentLogger);
    guard.failed(0);
    guard.failed(STUCK_AFTER_MS - 1);
    guard.succeeded();
    guard.failed(STUCK_AFTER_MS + 1);
    await settle();
    expect(client.close.called).to.equal(false);
  });

  it('leaves the client alone when the server does not answer a fresh connection either', async function () {
    this.timeout(10000);
    const client = fakeClient();
    // Nothing listens on port 1: the probe fails, the server is really down.
    const guard = new StuckClientGuard(client as unknown as MongoClient, 'mongodb://127.0.0.1:1/', {}, silentLogger);
    guard.failed(0);
    guard.failed(STUCK_AFTER_MS);
    await settle();
    expect(client.close.called).to.equal(false);
  });
});
