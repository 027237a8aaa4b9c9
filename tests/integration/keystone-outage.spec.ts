/**
 * Keystone stopped while zaqar-server serves, with a client posting all
 * along: tokens validated before the outage keep working from the cache
 * (token_cache_time); every token Keystone has not vouched for yet gets
 * 503 with Zaqar's body — none is let through, none is told it is invalid
 * — and nothing it asked for happens; once Keystone is back the same
 * tokens work at once. A server started while Keystone is down answers 503
 * until it comes up.
 *
 * Needs python3-keystone, uwsgi-core and uwsgi-plugin-python3 (skips with
 * a reason otherwise; fails under CI=true).
 */
import { expect } from 'chai';
import type { Reply } from '../helpers/client';
import { KeystoneServer, keystoneMissing } from '../../tools/services/keystone';
import { skipUnlessAvailable } from '../../tools/services/process';
import { sleep, startKeystoneZaqar, TokenClient, type KeystoneZaqar } from './keystone-setup';

const UNAVAILABLE = {
  title: 'Service temporarily unavailable',
  description: 'The Keystone service is temporarily unavailable. Please try again in a few seconds.',
};

function expect503(reply: Reply, what: string): void {
  expect(reply.status, `${what}: ${reply.text}`).to.equal(503);
  expect(reply.json, what).to.deep.equal(UNAVAILABLE);
  expect(reply.headers.get('x-openstack-request-id'), what).to.match(/^req-/);
}

describe('integration: zaqar-server while Keystone is down', function () {
  this.timeout(180_000);
  let keystone: KeystoneServer | undefined;
  let zaqar: KeystoneZaqar | undefined;

  before(async function () {
    skipUnlessAvailable(this, keystoneMissing());
    keystone = await KeystoneServer.start();
    zaqar = await startKeystoneZaqar(keystone);
  });
  after(async () => {
    await zaqar?.cleanup();
    await keystone?.close();
  });

  it('answers 503 to uncached tokens (none let through), keeps cached ones, and resumes when Keystone returns', async () => {
    const url = zaqar!.server.url;
    const producer = new TokenClient(url, await keystone!.token('demo'));
    expect((await producer.put('/v2/queues/steady')).status).to.equal(201);
    // Tokens Keystone issued but this server has never validated.
    const fresh = [
      new TokenClient(url, await keystone!.token('alt')),
      new TokenClient(url, await keystone!.token('demo')),
      new TokenClient(url, await keystone!.token('admin')),
    ];

    let running = true;
    const statuses: number[] = [];
    const traffic = (async () => {
      for (let n = 0; running; n++) {
        const posted = await producer.post('/v2/queues/steady/messages', { body: { messages: [{ ttl: 300, body: { n } }] } });
        statuses.push(posted.status);
        await sleep(20);
      }
    })();
    try {
      await sleep(300);
      await keystone!.stop();
      const duringOutage = statuses.length;

      const answers = await Promise.all([
        ...fresh.map((client, i) => client.put(`/v2/queues/outage-${i}`)),
        ...fresh.map((client) => client.get('/v2/queues')),
        new TokenClient(url, 'never-issued').get('/v2/queues'),
        new TokenClient(url, 'never-issued').post('/v2/queues/x/messages', { body: { messages: [{ body: 1 }] } }),
      ]);
      answers.forEach((reply, i) => expect503(reply, `uncached token, request ${i}`));
      // The cached token worked throughout.
      await sleep(200);
      expect(statuses.length, 'the producer kept posting').to.be.above(duringOutage);

      await keystone!.launch();
      for (const [i, client] of fresh.entries()) {
        expect((await client.get('/v2/queues')).json.queues.map((q: { name: string }) => q.name), 'nothing was created during the outage').not.to.include(`outage-${i}`);
        expect((await client.put(`/v2/queues/after-${i}`)).status, 'resumed').to.equal(201);
      }
      expect((await new TokenClient(url, 'never-issued').get('/v2/queues')).status, 'an invalid token is invalid again').to.equal(401);
    } finally {
      running = false;
      await traffic;
      await keystone!.launch();
    }
    expect(statuses.every((status) => status === 201), `the producer's statuses: ${[...new Set(statuses)].join(',')}`).to.equal(true);
    expect((await producer.get('/v2/queues/steady/stats')).json.messages.total).to.equal(statuses.length);
  });

  it('answers 503 when Keystone is down as the server starts, and serves once it is up', async () => {
    await keystone!.stop();
    const late = await startKeystoneZaqar(keystone!, { authtoken: { http_request_max_retries: 0 } });
    try {
      const client = new TokenClient(late.server.url, 'any-token');
      const started = Date.now();
      expect503(await client.get('/v2/queues'), 'no service token yet');
      expect(Date.now() - started, 'without retries the answer comes at once').to.be.below(2000);
      await keystone!.launch();
      client.token = await keystone!.token('demo');
      expect((await client.get('/v2/queues')).status).to.equal(200);
    } finally {
      await late.cleanup();
      await keystone!.launch();
    }
  });
});
