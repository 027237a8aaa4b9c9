/** The receiver fixture other notification tests rely on (tests/fixtures/webhook-receiver.ts). */
import { expect } from 'chai';
import { request } from 'undici';
import { WebhookReceiver } from '../../fixtures/webhook-receiver';

describe('tests/fixtures/webhook-receiver', () => {
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterEach(() => receiver.close());

  it('records requests, answers scripts per path (query aside), 200 otherwise', async () => {
    receiver.respond('/a', 418, { times: 1, body: 'teapot' });
    const first = await request(receiver.url('/a?q=1'), { method: 'PUT', body: 'one', headers: { 'x-h': 'v' } });
    expect(first.statusCode).to.equal(418);
    expect(await first.body.text()).to.equal('teapot');
    const second = await request(receiver.url('/a'), { method: 'POST', body: 'two' });
    expect(second.statusCode).to.equal(200);
    await second.body.dump();
    expect(receiver.requests.map((r) => [r.method, r.path, r.body])).to.deep.equal([
      ['PUT', '/a?q=1', 'one'],
      ['POST', '/a', 'two'],
    ]);
    expect(receiver.requests[0].headers['x-h']).to.equal('v');
    expect(receiver.requestsTo('/a')).to.have.length(2);
    expect(receiver.connections.total).to.be.at.least(1);
  });

  it('hang: recorded, never answered; waitFor resolves on the count and rejects after its timeout', async () => {
    receiver.hang('/h');
    const controller = new AbortController();
    const pending = request(receiver.url('/h'), { method: 'POST', body: 'x', signal: controller.signal }).catch((err: Error) => err);
    const requests = await receiver.waitFor(1, 2000);
    expect(requests[0].path).to.equal('/h');
    expect(receiver.connections.open).to.equal(1);
    try {
      await receiver.waitFor(2, 100);
      expect.fail('waitFor(2) resolved');
    } catch (err) {
      expect((err as Error).message).to.equal('webhook receiver: 1 of 2 requests within 100 ms');
    }
    controller.abort();
    expect(await pending).to.be.instanceOf(Error);
  });
});
