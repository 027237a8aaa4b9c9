/**
 * The mailto notifier with `smtp_mode = third_part`: the message piped into
 * `[notification] smtp_command`. The command is a real sendmail-compatible
 * relay (tools/services/smtp-relay.py, Python's smtplib) that submits the
 * message to a real SMTP server (tools/services/smtp.ts), so what arrives
 * is what the command was given.
 */
import { expect } from 'chai';
import { SmtpServer, smtpServerMissing } from '../../tools/services/smtp';
import { freePort, skipUnlessAvailable } from '../../tools/services/process';
import { notificationJson, type Notifier } from '../../zaqar/notification/notifier';
import { confirmationDocument, delivery, never, notification, notificationDocument, openMailtoNotifier } from '../helpers/mailto';

function commandConf(command: string, mailto: Record<string, number> = {}, notification: Record<string, string> = {}): string {
  const lines = ['[notification]', 'smtp_mode = third_part', `smtp_command = ${command}`];
  for (const [k, v] of Object.entries(notification)) lines.push(`${k} = ${v}`);
  lines.push('[notification:mailto]');
  for (const [k, v] of Object.entries(mailto)) lines.push(`${k} = ${v}`);
  return lines.join('\n') + '\n';
}

describe('mailto notifier through smtp_command (third_part, real relay and SMTP server)', function () {
  this.timeout(30_000);
  let smtp: SmtpServer;
  const notifiers: Notifier[] = [];

  before(async function () {
    skipUnlessAvailable(this, smtpServerMissing());
    smtp = await SmtpServer.start({ flavour: 'plain', user: 'relay', password: 'relay-secret' });
  });

  after(async () => {
    await smtp?.close();
  });

  afterEach(async () => {
    await Promise.all(notifiers.splice(0).map((n) => n.close()));
  });

  async function notifier(conf: string): Promise<Notifier> {
    const n = await openMailtoNotifier(conf);
    notifiers.push(n);
    return n;
  }

  async function deliverAndRead(mailer: Notifier, d: Parameters<Notifier['deliver']>[0]) {
    const before = smtp.messages().length;
    expect(await mailer.deliver(d, never())).to.deep.equal({ status: 'delivered' });
    return (await smtp.waitForMessages(before + 1))[before];
  }

  it('pipes the whole message into the command (-t: recipients from the headers); From, To, Subject, exact body', async () => {
    const mailer = await notifier(commandConf(smtp.relayCommand(['-t', '-oi'])));
    const body = { event: 'x', text: 'ü'.repeat(10), long: 'y'.repeat(3000) };
    const mail = await deliverAndRead(
      mailer,
      notification('mailto:one@example.com,two@example.com?subject=Via%20sendmail', body, { from: 'Zaqar <zaqar@example.org>' }),
    );
    expect(mail.authUser).to.equal('relay');
    expect(mail.mailFrom).to.equal('zaqar@example.org');
    expect(mail.rcptTos).to.deep.equal(['one@example.com', 'two@example.com']);
    expect(mail.from).to.equal('Zaqar <zaqar@example.org>');
    expect(mail.to).to.equal('one@example.com, two@example.com');
    expect(mail.subject).to.equal('Via sendmail');
    expect(mail.contentType).to.equal('text/plain');
    expect(mail.body).to.equal(notificationJson(notificationDocument(body)));
  });

  it('sends the confirmation mail the same way', async () => {
    const mailer = await notifier(commandConf(smtp.relayCommand(), {}, { external_confirmation_url: 'https://c.example.com/' }));
    const mail = await deliverAndRead(mailer, delivery('subscription_confirmation', 'mailto:owner@example.com', confirmationDocument('subscription_confirmation')));
    expect(mail.subject).to.equal('Zaqar Notification - Subscription Confirmation');
    expect(mail.body).to.match(/^You have chosen to subscribe to the queue: fizbit\. .* https:\/\/c\.example\.com\/\?Signature=8a10/);
  });

  it('a command that exits non-zero is retry, with what it printed', async () => {
    const downPort = await freePort();
    const relayToNowhere = smtp.relayCommand().replace(`127.0.0.1:${smtp.port}`, `127.0.0.1:${downPort}`);
    const mailer = await notifier(commandConf(relayToNowhere));
    const outcome = await mailer.deliver(notification('mailto:a@example.com', { a: 1 }), never());
    expect(outcome.status).to.equal('retry');
    expect((outcome as { reason: string }).reason).to.match(/exited with 75.*Connection refused/s);
  });

  it('a command that cannot be started is failed', async () => {
    const mailer = await notifier(commandConf('/nonexistent/sendmail -t -oi'));
    const outcome = await mailer.deliver(notification('mailto:a@example.com', { a: 1 }), never());
    expect(outcome.status).to.equal('failed');
    expect((outcome as { reason: string }).reason).to.include('ENOENT');
  });

  it('a command that hangs is killed after command_timeout: retry', async () => {
    const mailer = await notifier(commandConf('/bin/sleep 30', { command_timeout: 0.3 }));
    const started = Date.now();
    const outcome = await mailer.deliver(notification('mailto:a@example.com', { a: 1 }), never());
    expect(outcome.status).to.equal('retry');
    expect((outcome as { reason: string }).reason).to.include('timed out');
    expect(Date.now() - started).to.be.below(3000);
  });

  it('the abort signal kills the command: retry', async () => {
    const mailer = await notifier(commandConf('/bin/sleep 30', { command_timeout: 20 }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const started = Date.now();
    const outcome = await mailer.deliver(notification('mailto:a@example.com', { a: 1 }), controller.signal);
    expect(outcome.status).to.equal('retry');
    expect((outcome as { reason: string }).reason).to.include('aborted');
    expect(Date.now() - started).to.be.below(3000);
  });

  it('a mailto URI without an address is failed without running the command', async () => {
    const mailer = await notifier(commandConf('/nonexistent/sendmail'));
    const outcome = await mailer.deliver(notification('mailto:?subject=x', { a: 1 }), never());
    expect(outcome.status).to.equal('failed');
    expect((outcome as { reason: string }).reason).to.include('without an address');
  });
});
