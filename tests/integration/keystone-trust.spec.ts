/**
 * trust+http subscribers end to end: a real Keystone
 * (tools/services/keystone.ts) with a `[trustee]` user made for the test,
 * a real zaqar-server process with `auth_strategy = keystone` and the
 * notifier stage, and a real webhook receiver on loopback
 * (tests/fixtures/webhook-receiver.ts).
 *
 * - creating a `trust+http://` subscription with a member's token creates
 *   a trust (trustor = the member, trustee = [trustee], the member's
 *   project and roles, impersonation, expiring with the subscription) and
 *   stores its id in `options.trust_id`;
 * - posted messages reach the receiver at the URL without `trust+`, with
 *   an X-Auth-Token that Keystone validates as scoped to that trust;
 * - a trust_id the client gives (create, or PATCH) must be a trust of the
 *   caller's (ours: Zaqar takes any, so a colleague reading the listing
 *   could receive the trustor's tokens);
 * - a 401 from the receiver gets the message again with a new token;
 * - Keystone down at delivery time: retried until it is back;
 * - a trust deleted in Keystone: the subscription's notifications are
 *   given up, and the log says why;
 * - without Keystone trusts (noauth, or Keystone without [trustee]) a
 *   trust+http subscription is refused with 400 naming the served types.
 *
 * Needs python3-keystone, uwsgi-core and uwsgi-plugin-python3 (skips with
 * a reason otherwise; fails under CI=true).
 */
import { expect } from 'chai';
import { KeystoneServer, keystoneMissing, type KeystoneAccount } from '../../tools/services/keystone';
import { skipUnlessAvailable } from '../../tools/services/process';
import { WebhookReceiver } from '../fixtures/webhook-receiver';
import { ZaqarClient } from '../helpers/client';
import { startServer, type RunningServer } from '../helpers/server';
import { sleep, TokenClient } from './keystone-setup';

const NOTIFIER = `
[storage]
message_pipeline = zaqar.notification.notifier

[drivers:notifier:webhook]
timeout = 2
`;

/** Attempts 2 s apart for about half a minute, then given up: room for a Keystone restart. */
const PATIENT_POLICY = { retries_with_no_delay: 1, minimum_delay_retries: 15, minimum_delay: 2, maximum_delay: 12, maximum_delay_retries: 0 };

const served = (types: string[]): string => `The subscriber type of subscription must be supported in the list [${types.map((t) => `'${t}'`).join(', ')}].`;

function keystoneConfig(keystone: KeystoneServer, trustee: KeystoneAccount | undefined): string {
  const trusteeBlock = trustee
    ? `
[trustee]
auth_type = password
auth_url = ${keystone.url}
username = ${trustee.user}
user_domain_name = Default
password = ${trustee.password}
`
    : '';
  return `\n[DEFAULT]\nauth_strategy = keystone\n${keystone.authtokenConfig()}${NOTIFIER}${trusteeBlock}`;
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function logLines(server: RunningServer): Record<string, unknown>[] {
  return server
    .stderr()
    .split('\n')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}

describe('integration: trust+http subscribers against a real Keystone', function () {
  this.timeout(180_000);
  let keystone: KeystoneServer | undefined;
  let trustee: KeystoneAccount;
  let server: RunningServer | undefined;
  let receiver: WebhookReceiver;
  let member: TokenClient;
  /** What Keystone said of the member's own token. */
  let memberRoles: string[];

  before(async function () {
    skipUnlessAvailable(this, keystoneMissing());
    keystone = await KeystoneServer.start();
    trustee = await keystone.createUser('zaqar_trustee');
    receiver = await WebhookReceiver.start();
    server = await startServer({ extraConfig: keystoneConfig(keystone, trustee) });
    const token = await keystone.token('demo');
    member = new TokenClient(server.url, token);
    const own = await keystone.api('GET', '/auth/tokens?nocatalog', { token, headers: { 'X-Subject-Token': token } });
    memberRoles = (own.json.token.roles as { name: string }[]).map((r) => r.name).sort();
  });
  after(async () => {
    await server?.cleanup();
    await receiver?.close();
    await keystone?.close();
  });

  async function subscribe(queue: string, hook: string, options: Record<string, unknown> = {}, ttl = 3600): Promise<{ id: string; trustId: string }> {
    const reply = await member.post(`/v2/queues/${queue}/subscriptions`, { body: { subscriber: `trust+${receiver.url(hook)}`, ttl, options } });
    expect(reply.status, reply.text).to.equal(201);
    const id = reply.json.subscription_id as string;
    const got = await member.get(`/v2/queues/${queue}/subscriptions/${id}`);
    expect(got.status, got.text).to.equal(200);
    return { id, trustId: got.json.options.trust_id };
  }

  async function post(queue: string, count: number, first = 0): Promise<void> {
    const messages = Array.from({ length: count }, (_, i) => ({ ttl: 300, body: { n: first + i } }));
    const reply = await member.post(`/v2/queues/${queue}/messages`, { body: { messages } });
    expect(reply.status, reply.text).to.equal(201);
  }

  /** What Keystone says of a token, asked as the admin. */
  async function validate(token: string): Promise<{ status: number; token: Record<string, any> }> {
    const admin = await keystone!.token('admin');
    const reply = await keystone!.api('GET', '/auth/tokens?nocatalog', { token: admin, headers: { 'X-Subject-Token': token } });
    return { status: reply.status, token: reply.json?.token };
  }

  const givenUp = (subscription: string) => logLines(server!).find((l) => l.subscription === subscription && /given up/.test(String(l.msg)));

  it('creates a trust from the member to the trustee and stores its id; deliveries carry a token scoped to it', async () => {
    const before = Date.now();
    const { id, trustId } = await subscribe('orders', '/hook', { post_headers: { 'X-Custom': 'yes' } }, 7200);
    expect(trustId).to.match(/^[0-9a-f]{32}$/);

    // The list shows it too, beside the client's own options.
    const listed = await member.get('/v2/queues/orders/subscriptions');
    expect(listed.status, listed.text).to.equal(200);
    const [subscription] = listed.json.subscriptions;
    expect(subscription).to.include({ id, subscriber: `trust+${receiver.url('/hook')}`, ttl: 7200 });
    expect(subscription.options).to.deep.equal({ post_headers: { 'X-Custom': 'yes' }, trust_id: trustId });

    // The trust as Keystone has it (the trustor may read it).
    const trust = (await keystone!.api('GET', `/OS-TRUST/trusts/${trustId}`, { token: member.token })).json.trust;
    expect(trust).to.include({
      trustor_user_id: keystone!.accounts.demo.userId,
      trustee_user_id: trustee.userId,
      project_id: keystone!.accounts.demo.projectId,
      impersonation: true,
    });
    expect((trust.roles as { name: string }[]).map((r) => r.name).sort()).to.deep.equal(memberRoles);
    expect(Date.parse(trust.expires_at)).to.be.within(before + 7200_000 - 1000, Date.now() + 7200_000 + 1000);

    await post('orders', 5);
    const requests = await receiver.waitFor(5, 30_000, '/hook');
    expect(requests.map((r) => (JSON.parse(r.body) as { body: { n: number } }).body.n).sort()).to.deep.equal([0, 1, 2, 3, 4]);
    expect(requests[0].body).to.match(/^\{"ttl": 300, "body": \{"n": \d\}, "Message_Type": "Notification", "queue_name": "orders"\}$/);
    expect(requests.every((r) => r.method === 'POST' && r.headers['x-custom'] === 'yes' && r.headers['content-type'] === 'application/json')).to.equal(true);
    const tokens = new Set(requests.map((r) => r.headers['x-auth-token'] as string));
    expect(tokens.size, 'one token, kept for every delivery').to.equal(1);
    const [token] = [...tokens];
    expect(token).to.be.a('string').and.not.equal(member.token);

    const validated = await validate(token);
    expect(validated.status).to.equal(200);
    expect(validated.token['OS-TRUST:trust']).to.deep.include({ id: trustId, impersonation: true });
    expect(validated.token['OS-TRUST:trust'].trustee_user.id).to.equal(trustee.userId);
    expect(validated.token['OS-TRUST:trust'].trustor_user.id).to.equal(keystone!.accounts.demo.userId);
    expect(validated.token.user.id, 'impersonation: the token is the trustor’s').to.equal(keystone!.accounts.demo.userId);
    expect(validated.token.project.id).to.equal(keystone!.accounts.demo.projectId);
    expect((validated.token.roles as { name: string }[]).map((r) => r.name).sort()).to.deep.equal(memberRoles);
  });

  it('a 401 from the receiver gets the message again with a new trust token', async () => {
    const { trustId } = await subscribe('renewed', '/renewed');
    await post('renewed', 1);
    const [first] = await receiver.waitFor(1, 30_000, '/renewed');
    receiver.respond('/renewed', 401, { times: 1 });
    await post('renewed', 1, 1);
    const requests = await receiver.waitFor(3, 30_000, '/renewed');
    const [, refused, again] = requests;
    expect(refused.headers['x-auth-token']).to.equal(first.headers['x-auth-token']);
    expect(again.headers['x-auth-token']).to.be.a('string').and.not.equal(refused.headers['x-auth-token']);
    expect(again.body).to.equal(refused.body);
    const validated = await validate(again.headers['x-auth-token'] as string);
    expect(validated.status).to.equal(200);
    expect(validated.token['OS-TRUST:trust'].id).to.equal(trustId);
  });

  it("a trust_id given by the client must be the caller's: a colleague on the project or another project's user is refused (400), the trustor may reuse its own", async () => {
    const { trustId } = await subscribe('shared', '/shared');
    // A colleague on the same project: the listing shows it the trust_id (as Zaqar's does).
    const colleagueAccount = await keystone!.createUser('colleague');
    const memberRole = (await keystone!.api('GET', '/roles?name=member', { token: await keystone!.token('admin') })).json.roles[0].id as string;
    const demoProject = keystone!.accounts.demo.projectId;
    const granted = await keystone!.api('PUT', `/projects/${demoProject}/users/${colleagueAccount.userId}/roles/${memberRole}`, { token: await keystone!.token('admin') });
    expect(granted.status).to.equal(204);
    const colleague = new TokenClient(server!.url, await keystone!.token({ ...colleagueAccount, project: 'demo' }));
    const listed = await colleague.get('/v2/queues/shared/subscriptions');
    expect(listed.json.subscriptions[0].options.trust_id).to.equal(trustId);
    const alt = new TokenClient(server!.url, await keystone!.token('alt'));

    const stolen = { subscriber: `trust+${receiver.url('/stolen')}`, ttl: 3600, options: { trust_id: trustId } };
    const notOwned = "options.trust_id must name a trust from the caller to this service's trustee, on the caller's project.";
    for (const [who, client] of [['colleague', colleague], ['alt', alt]] as const) {
      const refused = await client.post('/v2/queues/shared/subscriptions', { body: stolen });
      expect(refused.status, `${who}: ${refused.text}`).to.equal(400);
      expect(refused.json).to.deep.equal({ title: 'Invalid API request', description: notOwned });
    }
    // Nor through PATCH: setting the options, or turning an http subscription holding it into a trust one.
    const own = await colleague.post('/v2/queues/mine/subscriptions', { body: { subscriber: `trust+${receiver.url('/stolen')}`, ttl: 3600 } });
    expect(own.status, own.text).to.equal(201);
    const patched = await colleague.patch(`/v2/queues/mine/subscriptions/${own.json.subscription_id}`, { body: { options: { trust_id: trustId } } });
    expect(patched.status, patched.text).to.equal(400);
    expect(patched.json.description).to.equal(notOwned);
    const plain = await colleague.post('/v2/queues/mine/subscriptions', { body: { subscriber: receiver.url('/plain-then-trust'), ttl: 3600, options: { trust_id: trustId } } });
    expect(plain.status, plain.text).to.equal(201);
    const turned = await colleague.patch(`/v2/queues/mine/subscriptions/${plain.json.subscription_id}`, { body: { subscriber: `trust+${receiver.url('/stolen')}` } });
    expect(turned.status, turned.text).to.equal(400);
    await colleague.post('/v2/queues/mine/messages', { body: { messages: [{ ttl: 300, body: 'x' }] } });

    // The trustor itself may name its trust again (another queue), and it delivers.
    const reused = await member.post('/v2/queues/reused/subscriptions', { body: { subscriber: `trust+${receiver.url('/reused')}`, ttl: 3600, options: { trust_id: trustId } } });
    expect(reused.status, reused.text).to.equal(201);
    await post('reused', 1);
    const [delivered] = await receiver.waitFor(1, 30_000, '/reused');
    expect((await validate(delivered.headers['x-auth-token'] as string)).token['OS-TRUST:trust'].id).to.equal(trustId);
    const ownTrust = (await receiver.waitFor(1, 30_000, '/stolen'))[0];
    expect((await validate(ownTrust.headers['x-auth-token'] as string)).token.user.id, "the colleague's own subscription carries its own token").to.equal(colleagueAccount.userId);
    expect(receiver.requestsTo('/stolen')).to.have.length(1);
  });

  it('Keystone down when a trust token is needed: retried, and delivered once Keystone is back', async () => {
    const { id } = await subscribe('later', '/later', { _retry_policy: PATIENT_POLICY });
    await keystone!.stop();
    try {
      // The member's token was validated before: the server's token cache still knows it.
      await post('later', 1);
      await sleep(5000);
      expect(receiver.requestsTo('/later'), 'nothing without a token').to.have.length(0);
    } finally {
      await keystone!.launch();
    }
    const [delivered] = await receiver.waitFor(1, 40_000, '/later');
    expect((JSON.parse(delivered.body) as { body: { n: number } }).body.n).to.equal(0);
    expect((await validate(delivered.headers['x-auth-token'] as string)).status).to.equal(200);
    expect(givenUp(id)).to.equal(undefined);
  });

  it('a subscription whose trust was deleted in Keystone is given up, and the log says why', async () => {
    // Deleted before its first delivery.
    const gone = await subscribe('gone', '/gone');
    const deleted = await keystone!.api('DELETE', `/OS-TRUST/trusts/${gone.trustId}`, { token: member.token });
    expect(deleted.status).to.equal(204);
    await post('gone', 1);
    await until(() => givenUp(gone.id) !== undefined, 30_000, 'the give-up log line');
    expect(givenUp(gone.id)).to.include({ attempts: 1, msg: 'notification cannot be delivered; given up' });
    expect(String(givenUp(gone.id)!.reason)).to.contain(`Keystone gives no token for trust ${gone.trustId}`);
    expect(receiver.requestsTo('/gone')).to.have.length(0);

    // Deleted after deliveries: Keystone revokes the token kept for it, the receiver refuses it (401),
    // and a new one is refused.
    const revoked = await subscribe('revoked', '/revoked');
    await post('revoked', 1);
    const [first] = await receiver.waitFor(1, 30_000, '/revoked');
    await keystone!.api('DELETE', `/OS-TRUST/trusts/${revoked.trustId}`, { token: member.token });
    expect((await validate(first.headers['x-auth-token'] as string)).status, 'revoked with its trust').to.equal(404);
    receiver.respond('/revoked', 401);
    await post('revoked', 1, 1);
    await until(() => givenUp(revoked.id) !== undefined, 30_000, 'the give-up log line');
    expect(String(givenUp(revoked.id)!.reason)).to.contain(`Keystone gives no token for trust ${revoked.trustId}`);
    expect(receiver.requestsTo('/revoked'), 'one POST with the revoked token, none without a token').to.have.length(2);

    // Nothing crashed: the server still answers, and a trust subscription made now is delivered.
    expect(server!.child.exitCode, 'the server process is still running').to.equal(null);
    expect((await member.get('/v2/queues/gone/stats')).status).to.equal(200);
    await subscribe('afterwards', '/afterwards');
    await post('afterwards', 1);
    const [delivered] = await receiver.waitFor(1, 30_000, '/afterwards');
    expect((await validate(delivered.headers['x-auth-token'] as string)).status).to.equal(200);
  });

  it('is refused with 400 naming the served types without Keystone trusts: noauth, or Keystone without [trustee]', async () => {
    const noauth = await startServer({ extraConfig: NOTIFIER });
    const untrusted = await startServer({ extraConfig: keystoneConfig(keystone!, undefined) });
    try {
      const body = { subscriber: `trust+${receiver.url('/never')}`, ttl: 3600 };
      for (const client of [new ZaqarClient(noauth.url, 'plain'), new TokenClient(untrusted.url, member.token)]) {
        const refused = await client.post('/v2/queues/q/subscriptions', { body });
        expect(refused.status, refused.text).to.equal(400);
        expect(refused.json.title).to.equal('Invalid API request');
        expect(refused.json.description).to.equal(served(['http', 'https', 'mailto']));
        const https = await client.post('/v2/queues/q/subscriptions', { body: { ...body, subscriber: 'trust+https://example.com/x' } });
        expect(https.status, https.text).to.equal(400);
        const plain = await client.post('/v2/queues/q/subscriptions', { body: { ...body, subscriber: receiver.url('/plain') } });
        expect(plain.status, plain.text).to.equal(201);
      }
      expect(noauth.stderr()).to.contain('trust+http subscribers are not served');
    } finally {
      await noauth.cleanup();
      await untrusted.cleanup();
    }
    expect(receiver.requestsTo('/never')).to.have.length(0);
  });
});
