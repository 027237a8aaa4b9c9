/**
 * The WebSocket transport with `auth_strategy = keystone` against a real
 * Keystone (tools/services/keystone.ts): `authenticate` validates the token
 * once for the connection; every action after it (the demo token, and the
 * admin token for health, pools and flavors); the gate of Zaqar's protocol (nothing but
 * `authenticate` before it, then only the token's project); pre-signed
 * message actions on an unauthenticated connection; re-authentication;
 * the close with 4003 when the token expires; the policy deciding each
 * action with the token's roles; clean-up of the connection's
 * subscriptions.
 *
 * Needs python3-keystone, uwsgi-core and uwsgi-plugin-python3 (skips with
 * a reason otherwise; fails under CI=true).
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { KeystoneServer, keystoneMissing } from '../../tools/services/keystone';
import { skipUnlessAvailable } from '../../tools/services/process';
import { BOTH_TRANSPORTS, CLIENT_ID, WsClient, wsUrlOf } from '../helpers/ws-client';
import { shortLivedToken, sleep, startKeystoneZaqar, TokenClient, type KeystoneZaqar } from './keystone-setup';

const AUTH_ECHO = { action: 'authenticate', body: {}, headers: {}, api: 'v2' };

describe('integration: the WebSocket transport behind a real Keystone', function () {
  this.timeout(180_000);
  let keystone: KeystoneServer | undefined;
  let zaqar: KeystoneZaqar | undefined;
  let url: string;
  let demoToken: string;
  let demoProject: string;
  const clients: WsClient[] = [];

  const open = async (): Promise<WsClient> => {
    const client = await WsClient.open(url, demoProject);
    clients.push(client);
    return client;
  };
  const authenticate = (client: WsClient, token: string, project = demoProject) =>
    client.send('authenticate', undefined, { headers: { 'X-Auth-Token': token, 'X-Project-ID': project } });

  before(async function () {
    skipUnlessAvailable(this, keystoneMissing());
    keystone = await KeystoneServer.start();
    zaqar = await startKeystoneZaqar(keystone, { extraConfig: BOTH_TRANSPORTS });
    url = await wsUrlOf(zaqar.server);
    demoToken = await keystone.token('demo');
    demoProject = keystone.accounts.demo.projectId;
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  after(async () => {
    await zaqar?.cleanup();
    await keystone?.close();
  });

  it('refuses everything but authenticate before it (schema errors first), and a token Keystone refuses', async () => {
    const client = await open();
    expect(await client.send('queue_list', {})).to.deep.include({ headers: { status: 403 }, body: { error: 'Not authentified.' } });
    expect((await client.send('queue_get', {})).body, 'the schema is checked before the gate').to.deep.equal({ error: 'Schema validation failed.' });
    const refused = await authenticate(client, 'not-a-token');
    expect(refused).to.deep.include({ request: AUTH_ECHO, headers: { status: 401 }, body: { error: 'Authentication failed.' } });
    expect((await client.send('queue_list', {})).headers.status, 'still not authenticated').to.equal(403);
    expect((await authenticate(client, demoToken)).headers.status, 'a failed attempt can be followed by a good one').to.equal(200);
  });

  it('after authenticate: the token project only, and the token roles for the policy', async () => {
    const client = await open();
    const answer = await authenticate(client, demoToken);
    expect(answer).to.deep.include({ request: AUTH_ECHO, headers: { status: 200 }, body: { message: 'Authentified.' } });
    expect((await client.send('queue_create', { queue_name: 'ks-ws' })).headers.status).to.equal(201);
    const posted = await client.send('message_post', { queue_name: 'ks-ws', messages: [{ body: 'over ws' }] });
    expect(posted.headers.status).to.equal(201);
    const other = await client.send('queue_list', {}, { headers: { 'Client-ID': CLIENT_ID, 'X-Project-ID': 'someone-else' } });
    expect(other).to.deep.include({ headers: { status: 403 }, body: { error: 'Not authenticated.' } });
    // The policy runs with the token's roles: pools are admin-only, X-Roles in the frame changes nothing.
    const pools = await client.send('pool_list', { pool_name: 'x' }, { headers: { ...client.headers, 'X-Roles': 'admin' } });
    expect(pools).to.deep.include({ headers: { status: 403 }, body: { error: 'You are not authorized to complete this action.' } });
    // What was posted over WebSocket is the project's, over HTTP too.
    const http = new TokenClient(zaqar!.server.url, demoToken);
    const listed = await http.get('/v2/queues/ks-ws/messages?echo=true');
    expect(listed.json.messages.map((m: { body: unknown }) => m.body)).to.deep.equal(['over ws']);
  });

  it('serves every action after authenticate: queues, messages, claims, subscriptions (pushed) and node with the demo token; health, pools and flavors with the admin token', async () => {
    const client = await open();
    expect((await authenticate(client, demoToken)).headers.status).to.equal(200);
    const expectStatus = async (on: WsClient, action: string, body: Record<string, unknown> | undefined, status: number) => {
      const reply = await on.send(action, body);
      expect(reply.headers.status, `${action}: ${JSON.stringify(reply.body)}`).to.equal(status);
      return reply;
    };
    const queue_name = 'ks-every';
    await expectStatus(client, 'queue_create', { queue_name, metadata: { colour: 'blue' } }, 201);
    expect((await expectStatus(client, 'queue_get', { queue_name }, 200)).body).to.deep.equal({ colour: 'blue' });
    expect((await expectStatus(client, 'queue_list', {}, 200)).body.queues.map((q: { name: string }) => q.name)).to.include(queue_name);
    const subscription_id = (await expectStatus(client, 'subscription_create', { queue_name, ttl: 600 }, 201)).body.subscription_id;
    expect((await expectStatus(client, 'subscription_list', { queue_name }, 200)).body.subscriptions).to.have.length(1);
    expect((await expectStatus(client, 'subscription_get', { queue_name, subscription_id }, 200)).body).to.include({ id: subscription_id });
    const posted = await expectStatus(client, 'message_post', { queue_name, messages: ['a', 'b', 'c', 'd'].map((body) => ({ body })) }, 201);
    const ids = posted.body.message_ids as string[];
    await client.waitForNotifications(4);
    expect(client.notifications.map((n) => n.document.body)).to.deep.equal(['a', 'b', 'c', 'd']);
    expect((await expectStatus(client, 'queue_get_stats', { queue_name }, 200)).body.messages).to.include({ total: 4 });
    expect((await expectStatus(client, 'message_list', { queue_name, echo: true }, 200)).body.messages).to.have.length(4);
    expect((await expectStatus(client, 'message_get', { queue_name, message_id: ids[0] }, 200)).body.messages).to.include({ body: 'a' });
    expect((await expectStatus(client, 'message_get_many', { queue_name, message_ids: ids }, 200)).body.messages).to.have.length(4);
    const claim = await expectStatus(client, 'claim_create', { queue_name, limit: 2 }, 201);
    const claim_id = claim.body.claim_id as string;
    expect((await expectStatus(client, 'claim_get', { queue_name, claim_id }, 200)).body.messages).to.have.length(2);
    await expectStatus(client, 'claim_update', { queue_name, claim_id, ttl: 120 }, 204);
    await expectStatus(client, 'message_delete', { queue_name, message_id: claim.body.messages[0].id, claim_id }, 204);
    await expectStatus(client, 'claim_delete', { queue_name, claim_id }, 204);
    await expectStatus(client, 'message_delete_many', { queue_name, message_ids: [ids[3]] }, 204);
    expect((await expectStatus(client, 'message_delete_many', { queue_name, pop: 1 }, 200)).body.messages).to.have.length(1);
    await expectStatus(client, 'subscription_delete', { queue_name, subscription_id }, 204);
    await expectStatus(client, 'queue_purge', { queue_name, resource_types: ['messages'] }, 204);
    expect((await expectStatus(client, 'queue_get_stats', { queue_name }, 200)).body.messages).to.include({ total: 0 });
    await expectStatus(client, 'queue_delete', { queue_name }, 204);
    await expectStatus(client, 'ping_node', undefined, 204);
    await expectStatus(client, 'get_home_doc', undefined, 501);
    await expectStatus(client, 'check_node_health', undefined, 403);
    await expectStatus(client, 'pool_list', { pool_name: 'ignored' }, 403); // Zaqar's schema wants a pool_name

    const admin = await WsClient.open(url, keystone!.accounts.admin.projectId);
    clients.push(admin);
    expect((await authenticate(admin, await keystone!.token('admin'), keystone!.accounts.admin.projectId)).headers.status).to.equal(200);
    expect((await expectStatus(admin, 'check_node_health', undefined, 200)).body).to.have.property('catalog_reachable');
    const poolDir = mkdtempSync(path.join(tmpdir(), 'zaqar-ts-ks-ws-pool-'));
    try {
      const uri = `sqlite:///${poolDir}/pool.sqlite`;
      await expectStatus(admin, 'pool_create', { pool_name: 'ks-pool', weight: 10, uri }, 201);
      expect((await expectStatus(admin, 'pool_get', { pool_name: 'ks-pool' }, 200)).body).to.include({ name: 'ks-pool', uri });
      expect((await expectStatus(admin, 'pool_update', { pool_name: 'ks-pool', weight: 20 }, 200)).body).to.include({ weight: 20 });
      expect((await expectStatus(admin, 'pool_list', { pool_name: 'ignored' }, 200)).body.pools.map((p: { name: string }) => p.name)).to.deep.equal(['ks-pool']);
      await expectStatus(admin, 'flavor_create', { flavor_name: 'ks-flavor', pool_name: 'ks-pool' }, 201);
      expect((await expectStatus(admin, 'flavor_get', { flavor_name: 'ks-flavor' }, 200)).body).to.deep.include({ pool_list: ['ks-pool'] });
      await expectStatus(admin, 'flavor_update', { flavor_name: 'ks-flavor', pool_name: 'ks-pool' }, 200);
      expect((await expectStatus(admin, 'flavor_list', { flavor_name: 'ignored' }, 200)).body.flavors.map((f: { name: string }) => f.name)).to.deep.equal(['ks-flavor']);
      await expectStatus(admin, 'flavor_delete', { flavor_name: 'ks-flavor' }, 204);
      await expectStatus(admin, 'pool_delete', { pool_name: 'ks-pool' }, 204);
    } finally {
      rmSync(poolDir, { recursive: true, force: true });
    }
  });

  it('re-authenticates with another token: the connection then acts for the new project', async () => {
    const client = await open();
    expect((await authenticate(client, demoToken)).headers.status).to.equal(200);
    const altToken = await keystone!.token('alt');
    const altProject = keystone!.accounts.alt.projectId;
    expect((await authenticate(client, altToken, altProject)).headers.status).to.equal(200);
    expect((await client.send('queue_list', {})).body.error, 'the old project is refused now').to.equal('Not authenticated.');
    const asAlt = await client.send('queue_list', {}, { headers: { 'Client-ID': CLIENT_ID, 'X-Project-ID': altProject } });
    expect(asAlt.headers.status).to.equal(200);
  });

  it('lets a pre-signed message action through an unauthenticated connection, for its methods and its queue only', async () => {
    const http = new TokenClient(zaqar!.server.url, demoToken);
    expect((await http.put('/v2/queues/signed-ws')).status).to.equal(201);
    const share = await http.post('/v2/queues/signed-ws/share', { body: { methods: ['GET', 'POST'] } });
    expect(share.status).to.equal(200);
    const signed = {
      'Client-ID': CLIENT_ID,
      'X-Project-ID': share.json.project,
      'URL-Signature': share.json.signature,
      'URL-Methods': share.json.methods,
      'URL-Paths': share.json.paths,
      'URL-Expires': share.json.expires,
    };
    const client = await open();
    const posted = await client.send('message_post', { queue_name: 'signed-ws', messages: [{ body: 'signed' }] }, { headers: signed });
    expect(posted.headers.status, JSON.stringify(posted.body)).to.equal(201);
    const listed = await client.send('message_list', { queue_name: 'signed-ws', echo: true }, { headers: signed });
    expect(listed.body.messages.map((m: { body: unknown }) => m.body)).to.deep.equal(['signed']);
    const refusals = await Promise.all([
      client.send('message_delete', { queue_name: 'signed-ws', message_id: posted.body.message_ids[0] }, { headers: signed }),
      client.send('message_list', { queue_name: 'another-queue' }, { headers: signed }),
      client.send('queue_list', {}, { headers: signed }),
      client.send('message_list', { queue_name: 'signed-ws' }, { headers: { ...signed, 'URL-Methods': 'GET,POST' } }),
      client.send('message_list', { queue_name: 'signed-ws' }, { headers: { ...signed, 'URL-Signature': 'x'.repeat(64) } }),
    ]);
    for (const refusal of refusals) expect(refusal).to.deep.include({ headers: { status: 403 }, body: { error: 'Not authentified.' } });
  });

  it('closes the connection with 4003 "Authentication expired." when its token expires', async () => {
    const expiresAt = new Date(Date.now() + 6000);
    const token = await shortLivedToken(keystone!, 'demo', expiresAt);
    const client = await open();
    expect((await authenticate(client, token)).headers.status).to.equal(200);
    expect((await client.send('queue_list', {})).headers.status).to.equal(200);
    const closed = await client.closed;
    expect(closed).to.deep.equal({ code: 4003, reason: 'Authentication expired.' });
    // Keystone's expiry has second precision; the close comes at it, not long after.
    expect(Date.now() - expiresAt.getTime()).to.be.below(3000);
  });

  it('deletes the subscriptions of an authenticated connection when it closes', async () => {
    const client = await open();
    await authenticate(client, demoToken);
    expect((await client.send('subscription_create', { queue_name: 'ks-subs' })).headers.status).to.equal(201);
    await client.send('message_post', { queue_name: 'ks-subs', messages: [{ body: 'pushed' }] });
    await client.waitForNotifications(1);
    expect(client.notifications[0].document).to.include({ body: 'pushed', queue_name: 'ks-subs' });
    await client.close();
    const http = new TokenClient(zaqar!.server.url, demoToken);
    let left: unknown[] = [1];
    for (let i = 0; i < 50 && left.length > 0; i++) {
      left = (await http.get('/v2/queues/ks-subs/subscriptions')).json.subscriptions;
      if (left.length > 0) await sleep(50);
    }
    expect(left).to.deep.equal([]);
  });
});
