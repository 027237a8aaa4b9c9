/**
 * trust+http(s) in the webhook notifier, against a real HTTP receiver and
 * an in-memory implementation of the core Trusts contract
 * (zaqar/auth/trusts.ts): which schemes are served with and without trusts,
 * what `register` stores, what `deliver` sends and how the contract's
 * failures become outcomes. Keystone itself is exercised for real in
 * tests/integration/keystone-trust.spec.ts.
 */
import { expect } from 'chai';
import { Container } from 'inversify';
import { WEBHOOK_GROUP } from '../../../plugins/notifier/webhook/options';
import { TrustNotOwned, TrustUnusable, type Trustor, type Trusts } from '../../../zaqar/auth/trusts';
import { silentLogger } from '../../../zaqar/common/logger';
import { type Delivery, type Notifier, notificationJson } from '../../../zaqar/notification/notifier';
import { Notifiers } from '../../../zaqar/notification/notifiers';
import { PluginLoader } from '../../../zaqar/plugins/loader';
import { defaultConfig } from '../../../zaqar/testing';
import { WebhookReceiver } from '../../fixtures/webhook-receiver';
import { never, openWebhookNotifier, webhookDelivery, webhookRegistry } from './webhook-setup';

/** Trusts kept in memory: tokens numbered per trust, refusals and outages on demand. */
class MemoryTrusts implements Trusts {
  readonly created: { trustor: Trustor; expiresAt: Date | undefined }[] = [];
  readonly issued = new Map<string, number>();
  readonly unusable = new Set<string>();
  down = false;
  private readonly current = new Map<string, string>();

  async create(trustor: Trustor, expiresAt: Date | undefined): Promise<string> {
    this.created.push({ trustor, expiresAt });
    return `trust-${this.created.length}`;
  }

  /** A trust this created for the same user and project. */
  async check(trustor: Trustor, trustId: unknown): Promise<void> {
    const n = typeof trustId === 'string' && /^trust-(\d+)$/.exec(trustId)?.[1];
    const created = n ? this.created[Number(n) - 1] : undefined;
    if (created?.trustor.userId !== trustor.userId || created.trustor.projectId !== trustor.projectId) throw new TrustNotOwned();
  }

  async token(trustId: string): Promise<string> {
    if (this.down) throw new Error('Unable to establish connection to http://keystone/v3/auth/tokens: ECONNREFUSED');
    if (this.unusable.has(trustId)) throw new TrustUnusable(trustId, `Keystone gives no token for trust ${trustId} (401)`);
    const kept = this.current.get(trustId);
    if (kept) return kept;
    const n = (this.issued.get(trustId) ?? 0) + 1;
    this.issued.set(trustId, n);
    const token = `${trustId}-token-${n}`;
    this.current.set(trustId, token);
    return token;
  }

  invalidate(trustId: string, token: string): void {
    if (this.current.get(trustId) === token) this.current.delete(trustId);
  }
}

const openNotifier = (trusts: Trusts | undefined): Promise<Notifier> => openWebhookNotifier({ timeout: 2 }, trusts);

const DOCUMENT = { ttl: 300, body: { n: 1 }, Message_Type: 'Notification', queue_name: 'q' };
const delivery = (subscriber: string, options: Record<string, unknown>): Delivery => webhookDelivery(DOCUMENT, subscriber, options);

const WHO = { project: 'p1', userId: 'u1', roles: ['member', 'reader'], authToken: 'user-token' };

describe('plugins/notifier/webhook: trust+http(s)', function () {
  this.timeout(20000);
  let receiver: WebhookReceiver;
  let trusts: MemoryTrusts;
  let notifier: Notifier;

  beforeEach(async () => {
    receiver = await WebhookReceiver.start();
    trusts = new MemoryTrusts();
    notifier = await openNotifier(trusts);
  });
  afterEach(async () => {
    await notifier.close();
    await receiver.close();
  });

  it('is served only when the process has trusts (http and https always)', async () => {
    const config = defaultConfig();
    config.register(WEBHOOK_GROUP);
    const loader = new PluginLoader(new Container(), webhookRegistry(), config);
    const without = new Notifiers(loader, config, silentLogger);
    expect(['http', 'https', 'trust+http', 'trust+https'].map((s) => without.serves(s))).to.deep.equal([true, true, false, false]);
    expect(without.for('trust+http')).to.equal(undefined);
    const withTrusts = new Notifiers(loader, config, silentLogger, { trusts });
    expect(['http', 'https', 'trust+http', 'trust+https'].map((s) => withTrusts.serves(s))).to.deep.equal([true, true, true, true]);
    await withTrusts.close();
  });

  describe('register', () => {
    it('creates a trust from the caller, expiring with the subscription, and stores its id last', async () => {
      const before = Date.now();
      const stored = await notifier.register!('trust+http://127.0.0.1/hook', { post_headers: { A: 'b' } }, 600, WHO);
      expect(stored).to.deep.equal({ post_headers: { A: 'b' }, trust_id: 'trust-1' });
      expect(Object.keys(stored)).to.deep.equal(['post_headers', 'trust_id']);
      const [{ trustor, expiresAt }] = trusts.created;
      expect(trustor).to.deep.equal({ token: 'user-token', userId: 'u1', projectId: 'p1', roles: ['member', 'reader'] });
      expect(expiresAt!.getTime()).to.be.within(before + 600_000, Date.now() + 600_000);
    });

    it("keeps a trust_id the client gave once Trusts.check says it is the caller's, refuses others, and leaves http(s) alone", async () => {
      const { trust_id: own } = await notifier.register!('trust+http://h/x', {}, 600, WHO);
      expect(await notifier.register!('trust+https://h/y', { trust_id: own, post_headers: {} }, 600, WHO)).to.deep.equal({ trust_id: own, post_headers: {} });
      expect(trusts.created, 'no new trust for a given trust_id').to.have.length(1);
      for (const [trustId, who] of [[own, { ...WHO, userId: 'u2' }], [own, { ...WHO, project: 'p2' }], ['trust-9', WHO], [null, WHO], ['', WHO]] as const) {
        const refused = await notifier.register!('TRUST+HTTP://h/x', { trust_id: trustId }, 600, who).catch((e: Error) => e);
        expect(refused, String(trustId)).to.be.instanceOf(TrustNotOwned);
      }
      expect(await notifier.register!('http://h/x', { trust_id: 'anything' }, 600, WHO)).to.deep.equal({ trust_id: 'anything' });
      expect(trusts.created).to.have.length(1);
    });

    it('refuses without the caller token, or without trusts', async () => {
      let refused = await notifier.register!('trust+http://h/x', {}, 600, { ...WHO, authToken: undefined }).catch((e: Error) => e);
      expect(refused).to.be.instanceOf(Error).with.property('message').that.contains("caller's Keystone token");
      const plain = await openNotifier(undefined);
      try {
        refused = await plain.register!('trust+http://h/x', {}, 600, WHO).catch((e: Error) => e);
        expect(refused).to.be.instanceOf(Error).with.property('message').that.contains('need Keystone trusts');
      } finally {
        await plain.close();
      }
    });
  });

  describe('deliver', () => {
    it('POSTs to the URL without trust+ with X-Auth-Token, the body as a webhook, post_headers merged after (as Zaqar)', async () => {
      const url = receiver.url('/hook?a=1');
      expect(await notifier.deliver(delivery(`trust+${url}`, { trust_id: 't1' }), never())).to.deep.equal({ status: 'delivered' });
      expect(await notifier.deliver(delivery(`trust+${url}`, { trust_id: 't1', post_headers: { 'x-auth-token': 'mine' } }), never())).to.deep.equal({
        status: 'delivered',
      });
      const [first, second] = receiver.requests;
      expect(first.path).to.equal('/hook?a=1');
      expect(first.headers['x-auth-token']).to.equal('t1-token-1');
      expect(first.headers['content-type']).to.equal('application/json');
      expect(first.body).to.equal(notificationJson(DOCUMENT));
      expect(second.headers['x-auth-token']).to.equal('mine');
      expect(trusts.issued.get('t1'), 'the token is kept').to.equal(1);
    });

    it('a 401 from the subscriber: the token is dropped and the POST sent once more with a new one', async () => {
      receiver.respond('/hook', 401, { times: 1 });
      expect(await notifier.deliver(delivery(`trust+${receiver.url('/hook')}`, { trust_id: 't1' }), never())).to.deep.equal({ status: 'delivered' });
      expect(receiver.requests.map((r) => r.headers['x-auth-token'])).to.deep.equal(['t1-token-1', 't1-token-2']);
      receiver.respond('/hook', 401);
      expect(await notifier.deliver(delivery(`trust+${receiver.url('/hook')}`, { trust_id: 't1' }), never())).to.deep.equal({ status: 'delivered' });
      expect(receiver.requests, 'once more only').to.have.length(4);
    });

    it('the trust refused: failed; no token for another reason: retry; nothing sent', async () => {
      trusts.unusable.add('gone');
      expect(await notifier.deliver(delivery(`trust+${receiver.url('/hook')}`, { trust_id: 'gone' }), never())).to.deep.equal({
        status: 'failed',
        reason: 'Keystone gives no token for trust gone (401)',
      });
      trusts.down = true;
      const outcome = await notifier.deliver(delivery(`trust+${receiver.url('/hook')}`, { trust_id: 't1' }), never());
      expect(outcome.status).to.equal('retry');
      expect(outcome).to.have.property('reason').that.contains('no token for trust t1').and.contains('ECONNREFUSED');
      expect(receiver.requests).to.have.length(0);
    });

    it('no trust_id, or a subscriber that can never be sent to: failed before asking for a token', async () => {
      for (const options of [{}, { trust_id: '' }, { trust_id: 7 }]) {
        expect(await notifier.deliver(delivery(`trust+${receiver.url('/hook')}`, options), never())).to.deep.equal({
          status: 'failed',
          reason: 'a trust subscriber without options.trust_id',
        });
      }
      expect(await notifier.deliver(delivery('trust+http:/127.0.0.1/x', { trust_id: 't1' }), never())).to.deep.equal({
        status: 'failed',
        reason: 'malformed subscriber URI "trust+http:/127.0.0.1/x"',
      });
      expect(trusts.issued.size).to.equal(0);
    });
  });
});
