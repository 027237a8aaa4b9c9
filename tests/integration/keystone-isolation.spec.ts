/**
 * Tenant isolation behind Keystone, for every route of v2 and v1.1 as the
 * route table (plugins/transport/wsgi/http/routes.ts `buildRoutes`) lists
 * them: project B (the demo member) keeps a queue with metadata, messages
 * and a claim; then, for each route and each method it answers, project A
 * (the alt_demo member, and then an admin of the admin project) sends its
 * own token against B's queue, message ids and claim id. After every
 * request:
 *
 * - A's answer holds nothing of B (no message body, no metadata, no queue
 *   name it did not ask for, not B's project), and is not a 5xx;
 * - B, with its own token, still sees its queue, metadata, every message
 *   with its body, its claim with its TTL, and its queue in the listing;
 * - whatever A made in its own project (a queue of the same name) is
 *   removed, so each request starts from an empty project A.
 *
 * Every route × method gets a plain request (an empty JSON object as the
 * body where there is one); the variants below add the queries and bodies
 * that make an operation do its real work (ids, pop, claim ids, patches,
 * purges, shares). A pre-signed URL A obtains is used too, and must show A's
 * queue, not B's.
 */
import { expect } from 'chai';
import { buildRoutes } from '../../plugins/transport/wsgi/http/routes';
import type { Operations } from '../../zaqar/api/operations';
import { LIMITS } from '../helpers/limits';
import type { Reply } from '../helpers/client';
import { KeystoneServer, keystoneMissing } from '../../tools/services/keystone';
import { skipUnlessAvailable } from '../../tools/services/process';
import { startKeystoneZaqar, TokenClient, type KeystoneZaqar } from './keystone-setup';

const QUEUE = 'b-orders';
const SECRET_METADATA = 'b-metadata-secret';
const BODY_PREFIX = 'b-message-secret-';
/** B's subscription on its queue (the notifier stage is off: nothing is sent to it). */
const SUBSCRIBER = 'http://127.0.0.1:9/b-subscriber-secret';
const MESSAGES = 6;
const CLAIMED = 2;
const CLAIM_TTL = 600;
const PATCH_MEDIA_TYPE = 'application/openstack-messaging-v2.0-json-patch';

interface BState {
  ids: string[];
  claimId: string;
  subscriptionId: string;
}

interface Variant {
  query?: string;
  body?: unknown;
  contentType?: string;
}

/** Extra requests per policy rule (beyond the plain one every route and method gets). */
function variants(rule: string | undefined, b: BState): Variant[] {
  const ids = b.ids.join(',');
  switch (rule) {
    case 'queues:get_all':
      return [{ query: 'detailed=true' }, { query: `name=${QUEUE}` }, { query: 'with_count=true&detailed=true' }];
    case 'queues:create':
      return [{ body: { secret: 'a-overwrite' } }];
    case 'queues:update':
      return [{ contentType: PATCH_MEDIA_TYPE, body: [{ op: 'replace', path: '/metadata/secret', value: 'a-overwrite' }] }];
    case 'queues:purge':
      return [{ body: { resource_types: ['messages'] } }];
    case 'queues:share':
      return [{ body: { methods: ['GET', 'POST', 'DELETE'] } }];
    case 'messages:get_all':
      return [{ query: 'echo=true&include_claimed=true' }, { query: `ids=${ids}` }];
    case 'messages:create':
      return [{ body: { messages: [{ ttl: 60, body: 'a-body' }] } }];
    case 'messages:delete_all':
      return [{ query: `ids=${ids}` }, { query: 'pop=10' }, { query: `ids=${ids}&claim_ids=${b.claimId}` }];
    case 'messages:delete':
      return [{ query: `claim_id=${b.claimId}` }];
    case 'claims:create':
      return [{ query: 'limit=10', body: { ttl: 60, grace: 60 } }];
    case 'claims:update':
      return [{ body: { ttl: 100, grace: 60 } }];
    case 'subscription:create':
      return [{ body: { subscriber: 'http://127.0.0.1:9/a', ttl: 3600 } }];
    case 'subscription:update':
      return [{ body: { ttl: 7200, options: { a: 'overwrite' } } }];
    case 'subscription:confirm':
      return [{ body: { confirmed: false } }];
    default:
      return [];
  }
}

describe('integration: Keystone tenant isolation on every route of v2 and v1.1', function () {
  this.timeout(300_000);
  let keystone: KeystoneServer | undefined;
  let zaqar: KeystoneZaqar | undefined;
  let b: TokenClient;
  let state: BState;

  before(async function () {
    skipUnlessAvailable(this, keystoneMissing());
    keystone = await KeystoneServer.start();
    zaqar = await startKeystoneZaqar(keystone);
    b = new TokenClient(zaqar.server.url, await keystone.token('demo'));
    expect((await b.put(`/v2/queues/${QUEUE}`, { body: { secret: SECRET_METADATA } })).status).to.equal(201);
    const messages = Array.from({ length: MESSAGES }, (_, i) => ({ ttl: 3600, body: `${BODY_PREFIX}${i}` }));
    const posted = await b.post(`/v2/queues/${QUEUE}/messages`, { body: { messages } });
    expect(posted.status).to.equal(201);
    const ids = (posted.json.resources as string[]).map((href) => href.split('/').pop()!);
    const claim = await b.post(`/v2/queues/${QUEUE}/claims?limit=${CLAIMED}`, { body: { ttl: CLAIM_TTL, grace: 60 } });
    expect(claim.status).to.equal(201);
    const subscription = await b.post(`/v2/queues/${QUEUE}/subscriptions`, { body: { subscriber: SUBSCRIBER, ttl: 3600 } });
    expect(subscription.status, subscription.text).to.equal(201);
    // B's topic of the same name (a topic shares the queue's messages and subscriptions, as in Zaqar).
    expect((await b.put(`/v2/topics/${QUEUE}`, { body: { secret: SECRET_METADATA } })).status).to.equal(201);
    state = { ids, claimId: (claim.headers.get('location') ?? '').split('/').pop()!, subscriptionId: subscription.json.subscription_id };
  });
  after(async () => {
    await zaqar?.cleanup();
    await keystone?.close();
  });

  /** B's view, with B's token: everything still as B left it. */
  async function expectBIntact(after: string): Promise<void> {
    const queue = await b.get(`/v2/queues/${QUEUE}`);
    expect(queue.status, `B's queue after ${after}`).to.equal(200);
    expect(queue.json.secret, `B's metadata after ${after}`).to.equal(SECRET_METADATA);
    const stats = await b.get(`/v2/queues/${QUEUE}/stats`);
    expect(stats.json.messages.total, `B's message count after ${after}`).to.equal(MESSAGES);
    expect(stats.json.messages.claimed, `B's claimed count after ${after}`).to.equal(CLAIMED);
    const listed = await b.get(`/v2/queues/${QUEUE}/messages?ids=${state.ids.join(',')}`);
    const bodies = (listed.json?.messages ?? []).map((m: { body: string }) => m.body).sort();
    expect(bodies, `B's messages after ${after}`).to.deep.equal(Array.from({ length: MESSAGES }, (_, i) => `${BODY_PREFIX}${i}`).sort());
    const claim = await b.get(`/v2/queues/${QUEUE}/claims/${state.claimId}`);
    expect(claim.status, `B's claim after ${after}`).to.equal(200);
    expect(claim.json.ttl, `B's claim TTL after ${after}`).to.equal(CLAIM_TTL);
    expect(claim.json.messages, `B's claimed messages after ${after}`).to.have.length(CLAIMED);
    const subscription = await b.get(`/v2/queues/${QUEUE}/subscriptions/${state.subscriptionId}`);
    expect(subscription.status, `B's subscription after ${after}`).to.equal(200);
    expect(subscription.json, `B's subscription after ${after}`).to.include({ subscriber: SUBSCRIBER, ttl: 3600 });
    expect(subscription.json.options, `B's subscription options after ${after}`).to.deep.equal({});
    const topic = await b.get(`/v2/topics/${QUEUE}`);
    expect(topic.status, `B's topic after ${after}`).to.equal(200);
    expect(topic.json.secret, `B's topic metadata after ${after}`).to.equal(SECRET_METADATA);
    const queues = await b.get('/v2/queues');
    expect(queues.json.queues.map((q: { name: string }) => q.name), `B's listing after ${after}`).to.include(QUEUE);
  }

  /** Nothing of B in an answer to A. */
  function expectNothingOfB(reply: Reply, requestPath: string, what: string): void {
    expect(reply.status, `${what}: ${reply.text}`).to.be.below(500);
    const seen = reply.text + JSON.stringify([...reply.headers.entries()]);
    expect(seen, `${what} shows B's message bodies`).not.to.contain(BODY_PREFIX);
    expect(seen, `${what} shows B's metadata`).not.to.contain(SECRET_METADATA);
    expect(seen, `${what} shows B's subscriber`).not.to.contain(SUBSCRIBER);
    expect(seen, `${what} names B's project`).not.to.contain(keystone!.accounts.demo.projectId);
    if (!requestPath.includes(QUEUE)) expect(seen, `${what} names B's queue`).not.to.contain(QUEUE);
  }

  for (const who of ['alt', 'admin'] as const) {
    it(`keeps every route of v2 and v1.1 from letting ${who === 'alt' ? "project A's member" : "the admin project's admin"} read, list, change or delete B's data`, async () => {
      const a = new TokenClient(zaqar!.server.url, await keystone!.token(who));
      const routes = buildRoutes({ for: () => ({}) } as unknown as Operations, {
        adminMode: true,
        pooling: true,
        deprecatedVersions: ['1.1'],
        limits: { ...LIMITS } as never,
        authenticated: true,
      });
      const params: Record<string, string> = {
        queue_name: QUEUE,
        message_id: state.ids[0],
        claim_id: state.claimId,
        subscription_id: state.subscriptionId,
        topic_name: QUEUE,
        pool_name: 'b-pool',
        flavor_name: 'b-flavor',
      };
      const tried = new Set<string>();
      let requests = 0;
      for (const route of routes) {
        if (route.public) continue;
        const concrete = route.path.replace(/:([a-z_]+)/g, (_, name: string) => {
          if (!(name in params)) throw new Error(`no value of B for route parameter ${name} (${route.path})`);
          return params[name];
        });
        for (const [method, operation] of Object.entries(route.operations)) {
          tried.add(`${method} ${route.path}`);
          const withBody = method === 'PUT' || method === 'POST' || method === 'PATCH';
          for (const variant of [{ body: withBody ? {} : undefined } as Variant, ...variants(operation?.rule, state)]) {
            const target = variant.query ? `${concrete}?${variant.query}` : concrete;
            const what = `${who}: ${method} ${target}${variant.body !== undefined ? ` ${JSON.stringify(variant.body)}` : ''}`;
            const reply = await a.request(method, target, {
              body: variant.body,
              headers: variant.contentType ? { 'Content-Type': variant.contentType } : {},
            });
            requests++;
            expectNothingOfB(reply, target, what);
            if (operation?.rule === 'queues:share' && reply.status === 200) {
              // A's pre-signed URL is for A's project: it must not open B's queue.
              const signed = {
                'URL-Signature': reply.json.signature,
                'URL-Expires': reply.json.expires,
                'URL-Methods': reply.json.methods.join(','),
                'URL-Paths': reply.json.paths.join(','),
                'X-Project-ID': reply.json.project,
              };
              const anonymous = new TokenClient(zaqar!.server.url, undefined);
              for (const signedPath of reply.json.paths as string[]) {
                const viaSignature = await anonymous.get(`${signedPath}?echo=true&include_claimed=true`, { headers: signed });
                expectNothingOfB(viaSignature, signedPath, `${what} → signed GET ${signedPath}`);
                expectNothingOfB(await anonymous.delete(`${signedPath}?pop=10`, { headers: signed }), signedPath, `${what} → signed pop`);
              }
            }
            await a.delete(`/v2/queues/${QUEUE}`); // A's own queue of that name, if the request made one
            await expectBIntact(what);
          }
        }
      }
      // The table really was walked: both versions, their messages, claims, subscriptions, topics and admin resources.
      for (const expected of [
        'GET /v2/queues',
        'PATCH /v2/queues/:queue_name/claims/:claim_id',
        'DELETE /v1.1/queues/:queue_name/messages/:message_id',
        'POST /v2/queues/:queue_name/share',
        'PATCH /v2/queues/:queue_name/subscriptions/:subscription_id',
        'PUT /v2/queues/:queue_name/subscriptions/:subscription_id/confirm',
        'GET /v2/topics/:topic_name',
        'PUT /v1.1/pools/:pool_name',
        'GET /v2/health',
      ]) {
        expect([...tried], expected).to.include(expected);
      }
      expect(requests).to.be.above(60);
    });
  }
});
