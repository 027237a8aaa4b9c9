/**
 * The mailto notifier against a real SMTP server (aiosmtpd, see
 * tools/services/smtp.ts), `smtp_mode = self_local`: the three ways of
 * securing the connection with a login, the headers and body Zaqar sends,
 * the confirmation mails and their signed link, how SMTP failures map to
 * retry / failed, timeouts and aborts, and connection reuse.
 */
import { expect } from 'chai';
import { SmtpServer, smtpServerMissing } from '../../tools/services/smtp';
import { freePort, skipUnlessAvailable } from '../../tools/services/process';
import { notificationJson, type Notifier } from '../../zaqar/notification/notifier';
import {
  confirmationDocument,
  delivery,
  never,
  notification,
  notificationDocument,
  openMailtoNotifier,
  PROJECT,
  QUEUE,
  smtpConf,
  SUBSCRIPTION_ID,
} from '../helpers/mailto';

const USER = 'zaqar';
const PASSWORD = 'pa55:word';
const CONFIRM_URL = 'https://confirm.example.com/zaqar/confirm';
const DEFAULT_SENDER = 'Zaqar Notifications <no-reply@openstack.org>';

/** The link Zaqar's `_make_confirm_string` concatenates, written out by hand. */
function expectedLink(base: string, url = ''): string {
  return (
    `${base}?Signature=8a1090d50b4a4a7dde1c1b37e0d4a7793a4e4d41e9eff6e3976367453c0aa5c3&Methods=PUT` +
    `&Paths=/v2/queues/${QUEUE}/subscriptions/${SUBSCRIPTION_ID}/confirm&Project=${PROJECT}` +
    `&Expires=2026-11-27T01:10:37&Url=${url}&Queue=${QUEUE}`
  );
}

describe('mailto notifier over SMTP (real server)', function () {
  this.timeout(30_000);
  const servers: SmtpServer[] = [];
  const notifiers: Notifier[] = [];

  before(function () {
    skipUnlessAvailable(this, smtpServerMissing());
  });

  afterEach(async () => {
    await Promise.all(notifiers.splice(0).map((n) => n.close()));
  });

  after(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function server(options: Parameters<typeof SmtpServer.start>[0] = {}): Promise<SmtpServer> {
    const s = await SmtpServer.start(options);
    servers.push(s);
    return s;
  }

  async function notifier(conf: string): Promise<Notifier> {
    const n = await openMailtoNotifier(conf);
    notifiers.push(n);
    return n;
  }

  describe('delivery with login in each TLS flavour', () => {
    const cases = [
      { flavour: 'plain', smtpTls: 'none', tls: false },
      { flavour: 'smtps', smtpTls: 'implicit', tls: true },
      { flavour: 'starttls', smtpTls: 'auto', tls: true },
    ] as const;
    for (const c of cases) {
      it(`${c.flavour} (smtp_tls = ${c.smtpTls}): From, To, Subject and the exact JSON body`, async () => {
        const smtp = await server({ flavour: c.flavour, user: USER, password: PASSWORD });
        const mailer = await notifier(smtpConf(smtp, { smtp_tls: c.smtpTls }));
        const body = { event: 'BackupStarted', 'ünïcode': 'é', n: [1, 2.5, null] };
        const outcome = await mailer.deliver(
          notification('mailto:ops@example.com?subject=Queue%20news', body, { from: 'Zaqar <zaqar@example.org>', subject: 'ignored' }),
          never(),
        );
        expect(outcome).to.deep.equal({ status: 'delivered' });
        const [mail] = await smtp.waitForMessages(1);
        expect(mail.tls).to.equal(c.tls);
        expect(mail.authUser).to.equal(USER);
        expect(mail.mailFrom).to.equal('zaqar@example.org');
        expect(mail.rcptTos).to.deep.equal(['ops@example.com']);
        expect(mail.from).to.equal('Zaqar <zaqar@example.org>');
        expect(mail.to).to.equal('ops@example.com');
        expect(mail.subject).to.equal('Queue news');
        expect(mail.contentType).to.equal('text/plain');
        expect(mail.charset?.toLowerCase()).to.equal('utf-8');
        expect(mail.body).to.equal(notificationJson(notificationDocument(body)));
        expect(mail.body).to.equal(
          '{"ttl": 300, "body": {"event": "BackupStarted", "\\u00fcn\\u00efcode": "\\u00e9", "n": [1, 2.5, null]}, ' +
            '"Message_Type": "Notification", "queue_name": "fizbit"}',
        );
      });
    }

    it('auto on a server without STARTTLS: refuses to send the password in clear (retry, nothing sent)', async () => {
      const smtp = await server({ flavour: 'plain', user: USER, password: PASSWORD });
      const mailer = await notifier(smtpConf(smtp));
      const outcome = await mailer.deliver(notification('mailto:ops@example.com', { a: 1 }), never());
      expect(outcome.status).to.equal('retry');
      expect(smtp.messages()).to.have.length(0);
    });

    it('checks the certificate: without the test CA the TLS server is not trusted (retry)', async () => {
      const smtp = await server({ flavour: 'smtps', user: USER, password: PASSWORD });
      const conf = smtpConf(smtp, { smtp_tls: 'implicit' }).replace(/^smtp_tls_ca_file = .*$/m, '');
      const mailer = await notifier(conf);
      const outcome = await mailer.deliver(notification('mailto:ops@example.com', { a: 1 }), never());
      expect(outcome.status).to.equal('retry');
      expect(smtp.messages()).to.have.length(0);
    });

    it('a refused login is retry (the credentials can be fixed), nothing sent', async () => {
      const smtp = await server({ flavour: 'starttls', user: USER, password: PASSWORD });
      const mailer = await notifier(smtpConf(smtp, {}, { smtp_user_password: 'wrong' }));
      const outcome = await mailer.deliver(notification('mailto:ops@example.com', { a: 1 }), never());
      expect(outcome.status).to.equal('retry');
      expect((outcome as { reason: string }).reason).to.match(/535/);
      expect(smtp.messages()).to.have.length(0);
    });
  });

  describe('headers and body', () => {
    let smtp: SmtpServer;
    let mailer: Notifier;
    before(async function () {
      skipUnlessAvailable(this, smtpServerMissing());
      smtp = await server({ flavour: 'starttls', user: USER, password: PASSWORD });
    });
    beforeEach(async () => {
      mailer = await notifier(smtpConf(smtp));
    });

    async function deliverAndRead(d: Parameters<Notifier['deliver']>[0]) {
      const before = smtp.messages().length;
      expect(await mailer.deliver(d, never())).to.deep.equal({ status: 'delivered' });
      return (await smtp.waitForMessages(before + 1))[before];
    }

    it('takes the subject from the query whatever the key case, percent- and plus-decoded as Zaqar (parse_qs)', async () => {
      const mail = await deliverAndRead(notification('mailto:a@example.com?SuBjEcT=Hello+w%C3%B6rld%21&x=1', { a: 1 }, { subject: 'option' }));
      expect(mail.subject).to.equal('Hello wörld!');
    });

    it('falls back to the subject option, then to none; From falls back to the confirmation template sender', async () => {
      let mail = await deliverAndRead(notification('mailto:a@example.com?subject=', { a: 1 }, { subject: 'From the option' }));
      expect(mail.subject).to.equal('From the option');
      expect(mail.from).to.equal(DEFAULT_SENDER);
      expect(mail.mailFrom).to.equal('no-reply@openstack.org');
      mail = await deliverAndRead(notification('mailto:a@example.com', { a: 1 }));
      expect(mail.subject).to.equal('');
    });

    it('sends to every comma-separated, percent-decoded address of the path', async () => {
      const mail = await deliverAndRead(notification('mailto:one@example.com,Two%20Person%20%3Ctwo@example.com%3E?subject=x', { a: 1 }));
      expect(mail.rcptTos).to.deep.equal(['one@example.com', 'two@example.com']);
      expect(mail.to).to.equal('one@example.com, Two Person <two@example.com>');
    });

    it('keeps a long body exact (lines over SMTP’s 998 characters are transfer-encoded, not cut)', async () => {
      const body = { blob: 'x'.repeat(5000), text: 'ä'.repeat(300) };
      const mail = await deliverAndRead(notification('mailto:a@example.com', body));
      expect(mail.body).to.equal(notificationJson(notificationDocument(body)));
      expect(mail.raw.split('\r\n').every((line) => line.length <= 998)).to.equal(true);
    });

    it('a header option cannot add headers (CR/LF in from or subject)', async () => {
      const mail = await deliverAndRead(
        notification('mailto:a@example.com', { a: 1 }, { from: 'x@example.com\r\nBcc: victim@example.com', subject: 'hi\r\nX-Injected: 1' }),
      );
      expect(mail.rcptTos).to.deep.equal(['a@example.com']);
      expect(mail.headers.map(([k]) => k.toLowerCase())).to.not.include.members(['bcc', 'x-injected']);
    });

    it('a mailto URI without an address is failed, nothing sent', async () => {
      const before = smtp.messages().length;
      for (const uri of ['mailto:', 'mailto:?subject=hi', 'mailto:%20,%20', 'mailto://a@example.com']) {
        const outcome = await mailer.deliver(notification(uri, { a: 1 }), never());
        expect(outcome.status, uri).to.equal('failed');
      }
      expect(smtp.messages()).to.have.length(before);
    });
  });

  describe('confirmation mails', () => {
    let smtp: SmtpServer;
    before(async function () {
      skipUnlessAvailable(this, smtpServerMissing());
      smtp = await server({ flavour: 'smtps', user: USER, password: PASSWORD });
    });

    async function confirm(conf: string, kind: 'subscription_confirmation' | 'unsubscribe_confirmation', wsgiUrl?: string) {
      const mailer = await notifier(conf);
      const before = smtp.messages().length;
      const outcome = await mailer.deliver(
        delivery(kind, 'mailto:owner@example.com?subject=not+used', confirmationDocument(kind, wsgiUrl), { from: 'not-used@example.com', subject: 'not used' }),
        never(),
      );
      expect(outcome).to.deep.equal({ status: 'delivered' });
      return (await smtp.waitForMessages(before + 1))[before];
    }

    it('subscription confirmation from the default template, link built as Zaqar builds it', async () => {
      const mail = await confirm(smtpConf(smtp, { smtp_tls: 'implicit' }, { external_confirmation_url: CONFIRM_URL }), 'subscription_confirmation');
      expect(mail.from).to.equal(DEFAULT_SENDER);
      expect(mail.subject).to.equal('Zaqar Notification - Subscription Confirmation');
      expect(mail.rcptTos).to.deep.equal(['owner@example.com']);
      expect(mail.body).to.equal(
        `You have chosen to subscribe to the queue: ${QUEUE}. This queue belongs to project: ${PROJECT}. ` +
          `To confirm this subscription, click or visit this link below: ${expectedLink(CONFIRM_URL)}`,
      );
    });

    it('unsubscribe confirmation from the default template, with the public subscribe URL in the link', async () => {
      const mail = await confirm(
        smtpConf(smtp, { smtp_tls: 'implicit' }, { external_confirmation_url: CONFIRM_URL }),
        'unsubscribe_confirmation',
        'http://zaqar.example.com:8888',
      );
      expect(mail.from).to.equal(DEFAULT_SENDER);
      expect(mail.subject).to.equal('Zaqar Notification - Unsubscribe Confirmation');
      const url = `http://zaqar.example.com:8888/v2/queues/${QUEUE}/subscriptions/${SUBSCRIPTION_ID}/confirm`;
      expect(mail.body).to.equal(
        `You have unsubscribed successfully to the queue: ${QUEUE}. This queue belongs to project: ${PROJECT}. ` +
          `To resubscribe this subscription, click or visit this link below: ${expectedLink(CONFIRM_URL, url)}`,
      );
    });

    it('configured templates (zaqar.conf dicts), a key left out taking the default', async () => {
      const conf = smtpConf(
        smtp,
        { smtp_tls: 'implicit' },
        {
          external_confirmation_url: 'https://ops.example.com/c',
          subscription_confirmation_email_template: 'topic:Please confirm,body:Queue {0} of {1} wants you: {2} ({{literal}}),sender:Ops <ops@example.com>',
          unsubscribe_confirmation_email_template: 'body:Bye from {0}/{1}. Again: {2}',
        },
      );
      let mail = await confirm(conf, 'subscription_confirmation');
      expect(mail.from).to.equal('Ops <ops@example.com>');
      expect(mail.mailFrom).to.equal('ops@example.com');
      expect(mail.subject).to.equal('Please confirm');
      expect(mail.body).to.equal(`Queue ${QUEUE} of ${PROJECT} wants you: ${expectedLink('https://ops.example.com/c')} ({literal})`);
      mail = await confirm(conf, 'unsubscribe_confirmation');
      expect(mail.from).to.equal(DEFAULT_SENDER);
      expect(mail.subject).to.equal('Zaqar Notification - Unsubscribe Confirmation');
      expect(mail.body).to.equal(`Bye from ${QUEUE}/${PROJECT}. Again: ${expectedLink('https://ops.example.com/c')}`);
    });

    it('without external_confirmation_url a confirmation is failed, nothing sent', async () => {
      const mailer = await notifier(smtpConf(smtp, { smtp_tls: 'implicit' }));
      const before = smtp.messages().length;
      const outcome = await mailer.deliver(delivery('subscription_confirmation', 'mailto:owner@example.com', confirmationDocument('subscription_confirmation')), never());
      expect(outcome.status).to.equal('failed');
      expect((outcome as { reason: string }).reason).to.include('external_confirmation_url');
      expect(smtp.messages()).to.have.length(before);
    });
  });

  describe('failures', () => {
    it('4xx is retry; the same mail goes through once the server takes it again', async () => {
      const smtp = await server({ flavour: 'starttls', user: USER, password: PASSWORD, rejectCount: 2, rejectReply: '451 4.3.0 Mailbox busy' });
      const mailer = await notifier(smtpConf(smtp));
      const d = notification('mailto:a@example.com', { attempt: 'all' });
      const first = await mailer.deliver(d, never());
      expect(first.status).to.equal('retry');
      expect((first as { reason: string }).reason).to.include('451');
      expect((await mailer.deliver(d, never())).status).to.equal('retry');
      expect(await mailer.deliver(d, never())).to.deep.equal({ status: 'delivered' });
      expect(await smtp.waitForMessages(1)).to.have.length(1);
    });

    it('5xx on the recipient, or on the message after DATA, is failed', async () => {
      const smtp = await server({ flavour: 'starttls', user: USER, password: PASSWORD, rejectCount: 1, rejectAt: 'data', rejectReply: '554 5.6.0 Message refused' });
      const mailer = await notifier(smtpConf(smtp));
      const recipient = await mailer.deliver(notification('mailto:reject-550@example.com', { a: 1 }), never());
      expect(recipient.status).to.equal('failed');
      expect((recipient as { reason: string }).reason).to.include('550');
      const data = await mailer.deliver(notification('mailto:a@example.com', { a: 1 }), never());
      expect(data.status).to.equal('failed');
      expect((data as { reason: string }).reason).to.include('554');
      expect(smtp.messages()).to.have.length(0);
    });

    it('a mail to several recipients of which one is refused is delivered to the others', async () => {
      const smtp = await server({ flavour: 'starttls', user: USER, password: PASSWORD });
      const mailer = await notifier(smtpConf(smtp));
      const outcome = await mailer.deliver(notification('mailto:reject-550@example.com,b@example.com', { a: 1 }), never());
      expect(outcome).to.deep.equal({ status: 'delivered' });
      expect((await smtp.waitForMessages(1))[0].rcptTos).to.deep.equal(['b@example.com']);
    });

    it('nobody listening: retry at once', async () => {
      const port = await freePort();
      const mailer = await notifier(`[notification]\nsmtp_mode = self_local\nsmtp_host = 127.0.0.1\nsmtp_port = ${port}\n[notification:mailto]\nsmtp_tls = none\n`);
      const started = Date.now();
      const outcome = await mailer.deliver(notification('mailto:a@example.com', { a: 1 }), never());
      expect(outcome.status).to.equal('retry');
      expect(Date.now() - started).to.be.below(2000);
    });

    it('a server that never greets: retry after smtp_greeting_timeout', async () => {
      const smtp = await server({ flavour: 'plain' });
      const mailer = await notifier(smtpConf(smtp, { smtp_tls: 'none', smtp_greeting_timeout: 0.5 }));
      smtp.pause();
      try {
        const started = Date.now();
        const outcome = await mailer.deliver(notification('mailto:a@example.com', { a: 1 }), never());
        const took = Date.now() - started;
        expect(outcome.status).to.equal('retry');
        expect(took).to.be.at.least(400).and.below(3000);
      } finally {
        smtp.resume();
      }
    });

    it('the abort signal ends a delivery at once, long before the timeouts', async () => {
      const smtp = await server({ flavour: 'plain' });
      const mailer = await notifier(smtpConf(smtp, { smtp_tls: 'none', smtp_greeting_timeout: 20, smtp_connection_timeout: 20 }));
      const aborted = new AbortController();
      aborted.abort();
      expect((await mailer.deliver(notification('mailto:a@example.com', { a: 1 }), aborted.signal)).status).to.equal('retry');
      expect(smtp.connections()).to.equal(0);

      smtp.pause();
      try {
        const controller = new AbortController();
        const started = Date.now();
        setTimeout(() => controller.abort(), 200);
        const outcome = await mailer.deliver(notification('mailto:a@example.com', { a: 1 }), controller.signal);
        expect(outcome.status).to.equal('retry');
        expect((outcome as { reason: string }).reason).to.include('abort');
        expect(Date.now() - started).to.be.below(2000);
      } finally {
        smtp.resume();
      }
      // The pool is still usable after an aborted delivery.
      expect(await mailer.deliver(notification('mailto:a@example.com', { after: 'abort' }), never())).to.deep.equal({ status: 'delivered' });
    });

    it('after close, a delivery is retry', async () => {
      const smtp = await server({ flavour: 'plain' });
      const mailer = await openMailtoNotifier(smtpConf(smtp, { smtp_tls: 'none' }));
      await mailer.close();
      expect((await mailer.deliver(notification('mailto:a@example.com', { a: 1 }), never())).status).to.equal('retry');
    });
  });

  describe('connection reuse', () => {
    it('one connection for mails sent one after the other', async () => {
      const smtp = await server({ flavour: 'starttls', user: USER, password: PASSWORD });
      const mailer = await notifier(smtpConf(smtp));
      for (let i = 0; i < 20; i++) {
        expect(await mailer.deliver(notification('mailto:a@example.com', { i }), never())).to.deep.equal({ status: 'delivered' });
      }
      expect(smtp.connections()).to.equal(1);
    });

    it('1,000 notifications at once through the pool: all delivered over a few connections', async function () {
      this.timeout(60_000);
      const smtp = await server({ flavour: 'starttls', user: USER, password: PASSWORD });
      const mailer = await notifier(smtpConf(smtp, { smtp_max_connections: 4, smtp_max_messages_per_connection: 250 }));
      const outcomes = await Promise.all(Array.from({ length: 1000 }, (_, i) => mailer.deliver(notification('mailto:a@example.com', { i }), never())));
      expect(outcomes.filter((o) => o.status !== 'delivered')).to.deep.equal([]);
      const mails = await smtp.waitForMessages(1000);
      expect(new Set(mails.map((m) => JSON.parse(m.body).body.i)).size).to.equal(1000);
      // 4 at a time, each replaced after 250 mails: 4 connections, a few more if one was replaced early.
      expect(smtp.connections()).to.be.at.most(8);
      expect(mails.every((m) => m.tls && m.authUser === USER)).to.equal(true);
    });
  });
});
