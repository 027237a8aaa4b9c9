/**
 * The webhook notifier plugin against a real HTTP receiver on loopback
 * (tests/fixtures/webhook-receiver.ts), loaded the way the server loads a
 * plugin: manifest → DI module → NotifierFactory named `webhook`.
 */
import { expect } from 'chai';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { manifest } from '../../../plugins/notifier/webhook';
import { DRAIN_LIMIT } from '../../../plugins/notifier/webhook/notifier';
import { silentLogger } from '../../../zaqar/common/logger';
import { ConfigError } from '../../../zaqar/config/options';
import { type Delivery, type Notifier, notificationJson } from '../../../zaqar/notification/notifier';
import { PluginRegistry } from '../../../zaqar/plugins/registry';
import { WebhookReceiver } from '../../fixtures/webhook-receiver';
import { never, openWebhookNotifier, webhookDelivery } from './webhook-setup';

const DOCUMENT = { ttl: 300, body: { notify: 'me', text: 'café $& done' }, Message_Type: 'Notification', queue_name: 'hookq' };

const openNotifier = (options: Record<string, unknown> = {}): Promise<Notifier> => openWebhookNotifier(options);
const delivery = (subscriber: string, options: Record<string, unknown> = {}): Delivery => webhookDelivery(DOCUMENT, subscriber, options);

/** A port on which nothing listens (a server was there a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('plugins/notifier/webhook', function () {
  this.timeout(20000);
  let receiver: WebhookReceiver;
  let notifier: Notifier;

  beforeEach(async () => {
    receiver = await WebhookReceiver.start();
    notifier = await openNotifier({ timeout: 2 });
  });

  afterEach(async () => {
    await notifier.close();
    await receiver.close();
  });

  it('is a built-in notifier for http:// and https://', () => {
    const registry = new PluginRegistry(silentLogger);
    registry.addBuiltins();
    expect(registry.getByScheme('notifier', 'http').name).to.equal('webhook');
    expect(registry.getByScheme('notifier', 'HTTPS').name).to.equal('webhook');
    expect(manifest.optionGroups?.map((g) => g.name)).to.deep.equal(['drivers:notifier:webhook']);
  });

  describe('request', () => {
    it('POSTs the document as Zaqar serialises it, with Content-Type: application/json', async () => {
      expect(await notifier.deliver(delivery(receiver.url('/hook?x=1')), never())).to.deep.equal({ status: 'delivered' });
      const [request] = receiver.requests;
      expect(request.method).to.equal('POST');
      expect(request.path).to.equal('/hook?x=1');
      expect(request.headers['content-type']).to.equal('application/json');
      expect(request.body).to.equal(notificationJson(DOCUMENT));
      expect(request.body).to.contain('"text": "caf\\u00e9 $& done"');
      expect(request.headers['content-length']).to.equal(String(Buffer.byteLength(request.body)));
    });

    it('merges post_headers (case-insensitively, so Content-Type can be replaced)', async () => {
      const options = { post_headers: { 'X-Token': 'abc', 'content-type': 'application/vnd.x+json', Accept: '*/*' } };
      expect(await notifier.deliver(delivery(receiver.url('/h'), options), never())).to.deep.equal({ status: 'delivered' });
      const { headers } = receiver.requests[0];
      expect(headers['x-token']).to.equal('abc');
      expect(headers['content-type']).to.equal('application/vnd.x+json');
      expect(headers.accept).to.equal('*/*');
    });

    it('leaves out the headers the connection owns (Content-Length, Connection, Transfer-Encoding, ...)', async () => {
      const options = { post_headers: { 'Content-Length': '1', Connection: 'upgrade', 'Transfer-Encoding': 'chunked', Expect: '100-continue', 'X-Kept': 'yes' } };
      expect(await notifier.deliver(delivery(receiver.url('/h'), options), never())).to.deep.equal({ status: 'delivered' });
      const { headers, body } = receiver.requests[0];
      expect(headers['x-kept']).to.equal('yes');
      expect(headers['content-length']).to.equal(String(Buffer.byteLength(body)));
      expect(headers['transfer-encoding']).to.equal(undefined);
      expect(headers.expect).to.equal(undefined);
    });

    it('post_data: every "$zaqar_message$" (quotes included) replaced by the document', async () => {
      const json = notificationJson(DOCUMENT);
      const table: [string, string][] = [
        ['{"wrapped": "$zaqar_message$", "x": 1}', `{"wrapped": ${json}, "x": 1}`],
        ['["$zaqar_message$", "$zaqar_message$", "$zaqar_message$"]', `[${json}, ${json}, ${json}]`],
        ['{"unquoted": $zaqar_message$}', '{"unquoted": $zaqar_message$}'],
        ['no placeholder here', 'no placeholder here'],
        ['', ''],
      ];
      for (const [template] of table) {
        expect(await notifier.deliver(delivery(receiver.url('/data'), { post_data: template }), never())).to.deep.equal({ status: 'delivered' });
      }
      expect(receiver.requests.map((r) => r.body)).to.deep.equal(table.map(([, expected]) => expected));
      expect(receiver.requests.every((r) => r.headers['content-type'] === 'application/json')).to.equal(true);
    });

    it('post_data text goes out as UTF-8', async () => {
      await notifier.deliver(delivery(receiver.url('/u'), { post_data: '{"greeting": "¡hola! 日本", "m": "$zaqar_message$"}' }), never());
      expect(receiver.requests[0].body).to.equal(`{"greeting": "¡hola! 日本", "m": ${notificationJson(DOCUMENT)}}`);
    });
  });

  describe('outcome', () => {
    it('200–499 delivered (3xx included: redirects are not followed)', async () => {
      for (const status of [200, 201, 204, 301, 302, 307, 400, 404, 410, 499]) {
        receiver.respond(`/s${status}`, status, { body: 'answer' });
        expect(await notifier.deliver(delivery(receiver.url(`/s${status}`)), never()), String(status)).to.deep.equal({ status: 'delivered' });
      }
      expect(receiver.requests).to.have.length(10);
    });

    it('5xx retry', async () => {
      for (const status of [500, 502, 503, 599]) {
        receiver.respond(`/s${status}`, status);
        expect(await notifier.deliver(delivery(receiver.url(`/s${status}`)), never())).to.deep.equal({ status: 'retry', reason: `HTTP ${status}` });
      }
    });

    it('a 503 for the first two requests, then 200', async () => {
      receiver.respond('/flaky', 503, { times: 2 });
      const outcomes = [];
      for (let i = 0; i < 3; i++) outcomes.push((await notifier.deliver(delivery(receiver.url('/flaky')), never())).status);
      expect(outcomes).to.deep.equal(['retry', 'retry', 'delivered']);
    });

    it('connection refused: retry', async () => {
      const outcome = await notifier.deliver(delivery(`http://127.0.0.1:${await closedPort()}/x`), never());
      expect(outcome.status).to.equal('retry');
      expect(outcome).to.have.property('reason').that.contains('ECONNREFUSED');
    });

    it('a name that does not resolve: retry', async () => {
      const outcome = await notifier.deliver(delivery('http://no-such-host.invalid/hook'), never());
      expect(outcome.status).to.equal('retry');
    });

    it('a subscriber that never answers: retry after the timeout', async () => {
      const quick = await openNotifier({ timeout: 0.3 });
      try {
        receiver.hang('/slow');
        const started = Date.now();
        const outcome = await quick.deliver(delivery(receiver.url('/slow')), never());
        const elapsed = Date.now() - started;
        expect(outcome).to.deep.equal({ status: 'retry', reason: 'timed out after 0.3 s' });
        expect(elapsed).to.be.within(250, 1500);
        expect(receiver.requests).to.have.length(1);
      } finally {
        await quick.close();
      }
    });

    it('a response body that never ends: still the status, cut at the timeout', async () => {
      const quick = await openNotifier({ timeout: 0.3 });
      const server = createServer((_req, res) => {
        res.writeHead(200, { 'Content-Length': '100' });
        res.write('partial');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = server.address() as AddressInfo;
        const started = Date.now();
        expect(await quick.deliver(delivery(`http://127.0.0.1:${port}/`), never())).to.deep.equal({ status: 'delivered' });
        expect(Date.now() - started).to.be.within(250, 1500);
      } finally {
        await quick.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });

    it('the abort signal ends a POST in flight, and an aborted one sends nothing', async () => {
      receiver.hang('/slow');
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const started = Date.now();
      expect(await notifier.deliver(delivery(receiver.url('/slow')), controller.signal)).to.deep.equal({ status: 'retry', reason: 'aborted' });
      expect(Date.now() - started).to.be.below(1000);

      const outcome = await notifier.deliver(delivery(receiver.url('/other')), controller.signal);
      expect(outcome).to.deep.equal({ status: 'retry', reason: 'aborted before sending' });
      expect(receiver.requestsTo('/other')).to.have.length(0);
    });

    it('a malformed subscriber URI: failed, nothing sent', async () => {
      for (const uri of ['http://', 'http:/127.0.0.1/x', 'http:///path', 'http://127.0.0.1:99999/', 'http://[::1/', 'ftp://127.0.0.1/', 'not a uri']) {
        const outcome = await notifier.deliver(delivery(uri), never());
        expect(outcome, uri).to.deep.equal({ status: 'failed', reason: `malformed subscriber URI ${JSON.stringify(uri)}` });
      }
      expect(receiver.requests).to.have.length(0);
    });

    it('options Zaqar can never send with: failed, nothing sent', async () => {
      const table: [Record<string, unknown>, string][] = [
        [{ post_headers: { 'X-Count': 1 } }, 'post_headers: the value of "X-Count" must be a string'],
        [{ post_headers: { 'X-On': true } }, 'post_headers: the value of "X-On" must be a string'],
        [{ post_headers: null }, 'post_headers must be an object'],
        [{ post_headers: [['X-A', 'b']] }, 'post_headers must be an object'],
        [{ post_headers: { 'Bad Name': 'x' } }, 'post_headers: "Bad Name" is not a valid header name'],
        [{ post_headers: { 'X-Split': 'a\r\nX-Injected: 1' } }, 'post_headers: the value of "X-Split" contains CR, LF or NUL'],
        [{ post_data: { wrapped: '$zaqar_message$' } }, 'post_data must be a string'],
        [{ post_data: null }, 'post_data must be a string'],
      ];
      for (const [options, reason] of table) {
        expect(await notifier.deliver(delivery(receiver.url('/h'), options), never())).to.deep.equal({ status: 'failed', reason });
      }
      expect(receiver.requests).to.have.length(0);
    });
  });

  describe('connections', () => {
    it('1,000 deliveries at once over at most max_connections_per_origin sockets', async () => {
      const bounded = await openNotifier({ max_connections_per_origin: 4 });
      try {
        receiver.respond('/burst', 202, { body: 'accepted' });
        const outcomes = await Promise.all(
          Array.from({ length: 1000 }, () => bounded.deliver(delivery(receiver.url('/burst')), never())),
        );
        expect(outcomes.every((o) => o.status === 'delivered')).to.equal(true);
        await receiver.waitFor(1000);
        expect(receiver.connections.peak).to.be.at.most(4);
        expect(receiver.connections.total).to.be.at.most(4);
      } finally {
        await bounded.close();
      }
    });

    it('one kept-alive connection for POSTs one after another, response bodies (up to DRAIN_LIMIT) drained', async () => {
      receiver.respond('/seq', 200, { body: 'x'.repeat(DRAIN_LIMIT - 1) });
      for (let i = 0; i < 20; i++) expect((await notifier.deliver(delivery(receiver.url('/seq')), never())).status).to.equal('delivered');
      expect(receiver.connections.total).to.equal(1);
    });

    it('a response body over DRAIN_LIMIT closes its connection instead of being read to the end', async () => {
      receiver.respond('/big', 200, { body: 'x'.repeat(DRAIN_LIMIT + 1) });
      expect(await notifier.deliver(delivery(receiver.url('/big')), never())).to.deep.equal({ status: 'delivered' });
      const first = receiver.connections.total;
      expect(await notifier.deliver(delivery(receiver.url('/big')), never())).to.deep.equal({ status: 'delivered' });
      expect(receiver.connections.total).to.be.above(first);
    });
  });

  it('refuses a timeout that is not a positive number of seconds', async () => {
    for (const timeout of [0, Infinity]) {
      try {
        await openNotifier({ timeout });
        expect.fail(`timeout ${timeout} accepted`);
      } catch (err) {
        expect(err).to.be.instanceOf(ConfigError);
        expect((err as Error).message).to.contain('[drivers:notifier:webhook] timeout');
      }
    }
  });
});
