/**
 * The mailto notifier's decisions that need no mail server: reading the
 * subscriber URI, the template formatting and the confirmation link as
 * Zaqar builds them, the TLS rule, how an SMTP error maps to an outcome,
 * and the start-up checks of its options. Delivery itself is tested against
 * a real SMTP server in tests/integration/mailto-*.spec.ts.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { manifest } from '../../../plugins/notifier/mailto';
import { commandWords } from '../../../plugins/notifier/mailto/command-sender';
import { composeMail, confirmationLink, mailSettings, parseMailto, pythonFormat, UnsendableMail } from '../../../plugins/notifier/mailto/message';
import { smtpOutcome, smtpSecurity } from '../../../plugins/notifier/mailto/smtp-sender';
import { silentLogger } from '../../../zaqar/common/logger';
import { NOTIFICATION_GROUP } from '../../../zaqar/config/groups/notification';
import { ConfigError } from '../../../zaqar/config/options';
import { skipUnlessAvailable } from '../../../tools/services/process';
import { PluginRegistry } from '../../../zaqar/plugins/registry';
import { confirmationDocument, delivery, openMailtoNotifier, PROJECT, QUEUE } from '../../helpers/mailto';

const PYTHON = '/usr/bin/python3';

/**
 * What Zaqar's own module (Debian's python3-zaqar) makes of the same
 * input: the subject it reads from each URI and the confirmation body it
 * renders. Skips without it (fails under CI=true).
 */
const REFERENCE = `
import json, sys
from urllib import parse
from zaqar.notification.tasks import mailto
cases = json.load(sys.stdin)
out = {'subjects': [], 'bodies': []}
for uri in cases['uris']:
    params = parse.parse_qs(parse.urlparse(uri).query)
    params = dict((k.lower(), v) for k, v in params.items())
    out['subjects'].append(params.get('subject', ['<none>'])[0])
class Conf: pass
for c in cases['confirmations']:
    conf = Conf()
    conf.external_confirmation_url = c['url']
    msg = mailto.MailtoTask()._make_confirmation_email(c['body'], {'source': c['queue']}, c['document'], conf)
    out['bodies'].append(msg.get_payload())
print(json.dumps(out))
`;

function reference(context: Mocha.Context, cases: unknown): { subjects: string[]; bodies: string[] } {
  // Python imports Zaqar first: well over mocha's 2 s on a loaded machine.
  context.timeout(35_000);
  const run = spawnSync(PYTHON, ['-c', REFERENCE], { input: JSON.stringify(cases), encoding: 'utf8', timeout: 30_000 });
  if (run.error || run.status !== 0) {
    skipUnlessAvailable(context, `${PYTHON} cannot run zaqar.notification.tasks.mailto (${run.error?.message ?? run.stderr.trim()}): install Debian package python3-zaqar`);
  }
  return JSON.parse(run.stdout) as { subjects: string[]; bodies: string[] };
}

describe('notifier/mailto', () => {
  describe('the plugin', () => {
    it('is built in and serves the mailto scheme', () => {
      const registry = new PluginRegistry(silentLogger);
      registry.addBuiltins();
      expect(registry.getByScheme('notifier', 'mailto').name).to.equal('mailto');
      expect(manifest.optionGroups?.map((g) => g.name)).to.deep.equal(['notification:mailto']);
    });

    it('refuses self_local without smtp_host, and an unreadable CA file, at start-up', async () => {
      let err: unknown;
      await openMailtoNotifier('[notification]\nsmtp_mode = self_local\n').catch((e: unknown) => (err = e));
      expect(err).to.be.instanceOf(ConfigError);
      expect(String(err)).to.include('smtp_host').and.include('self_local');
      err = undefined;
      await openMailtoNotifier('[notification]\nsmtp_mode = self_local\nsmtp_host = localhost\n[notification:mailto]\nsmtp_tls_ca_file = /nonexistent/ca.pem\n').catch(
        (e: unknown) => (err = e),
      );
      expect(err).to.be.instanceOf(ConfigError);
      expect(String(err)).to.include('[notification:mailto] smtp_tls_ca_file');
    });

    it('refuses an unknown smtp_tls value', async () => {
      let err: unknown;
      await openMailtoNotifier('[notification:mailto]\nsmtp_tls = ssl\n').catch((e: unknown) => (err = e));
      expect(err).to.be.instanceOf(ConfigError);
      expect(String(err)).to.include('smtp_tls');
    });

    it('third_part needs nothing more (default smtp_command)', async () => {
      const notifier = await openMailtoNotifier('');
      await notifier.close();
    });
  });

  describe('parseMailto', () => {
    it('takes the percent-decoded path as the recipients, split on commas', () => {
      expect(parseMailto('mailto:joe@example.com')).to.deep.equal({ addresses: ['joe@example.com'], subject: undefined });
      expect(parseMailto('MAILTO:a@x.org,%20b@y.org#frag').addresses).to.deep.equal(['a@x.org', 'b@y.org']);
      expect(parseMailto('mailto:J%C3%B6rg%20%3Cj@x.org%3E').addresses).to.deep.equal(['Jörg <j@x.org>']);
    });

    it('reads subject in any key case as Zaqar does (parse_qs, keys lower-cased: the key seen first last wins)', () => {
      expect(parseMailto('mailto:a@x.org?Subject=Hi+there%21').subject).to.equal('Hi there!');
      expect(parseMailto('mailto:a@x.org?SUBJECT=&subject=second').subject).to.equal('second');
      expect(parseMailto('mailto:a@x.org?Subject=a&subject=b&Subject=c').subject).to.equal('b');
      expect(parseMailto('mailto:a@x.org?body=x').subject).to.equal(undefined);
      expect(parseMailto('mailto:a@x.org?subject=100%').subject).to.equal('100%');
    });

    it('has no address for an empty path, a host form or blanks; refuses control characters and bad escapes', () => {
      for (const uri of ['mailto:', 'mailto:?subject=x', 'mailto:,', 'mailto:%20', 'mailto://a@x.org', 'mailto:a@x.org%0D%0ABcc:b@y.org', 'mailto:%E0%A4%A', 'http://x']) {
        expect(() => parseMailto(uri), uri).to.throw(UnsendableMail);
      }
    });
  });

  describe('pythonFormat (str.format as the templates use it)', () => {
    it('replaces {0} {1} {2} and {} and unescapes {{ }}', () => {
      expect(pythonFormat('{0}/{1}: {2} {0}', ['q', 'p', 'l'])).to.equal('q/p: l q');
      expect(pythonFormat('{} {} {}', ['q', 'p', 'l'])).to.equal('q p l');
      expect(pythonFormat('{{0}} {{x}}', ['q'])).to.equal('{0} {x}');
      expect(pythonFormat('no fields', [])).to.equal('no fields');
    });

    it('fails where Python raises, and on conversions and format specs (no template needs them)', () => {
      for (const t of ['{3}', '{name}', '{0:>5}', '{', '}', '{0} {}', 'x {0!r}']) {
        expect(() => pythonFormat(t, ['q', 'p', 'l']), t).to.throw(UnsendableMail);
      }
    });
  });

  describe('confirmationLink', () => {
    it('concatenates without encoding, ? even after a query, empty Url without a public endpoint', () => {
      const document = confirmationDocument('subscription_confirmation');
      document['URL-Signature'] = 'a b&c';
      expect(confirmationLink('https://x.org/c?lang=en', document, 'fizbit')).to.equal(
        'https://x.org/c?lang=en?Signature=a b&c&Methods=PUT&Paths=/v2/queues/fizbit/subscriptions/874893a8-dc73-40ba-a9b4-11e513fd148c/confirm' +
          '&Project=proj1&Expires=2026-11-27T01:10:37&Url=&Queue=fizbit',
      );
    });
  });

  describe('smtpSecurity (the TLS rule)', () => {
    it('auto: implicit on 465 or no port, else STARTTLS, required with a login', () => {
      expect(smtpSecurity('auto', null, true)).to.deep.equal({ security: 'implicit', port: 465 });
      expect(smtpSecurity('auto', 465, false)).to.deep.equal({ security: 'implicit', port: 465 });
      expect(smtpSecurity('auto', 587, true)).to.deep.equal({ security: 'starttls-required', port: 587 });
      expect(smtpSecurity('auto', 25, false)).to.deep.equal({ security: 'starttls-if-offered', port: 25 });
    });

    it('explicit modes, with their default ports', () => {
      expect(smtpSecurity('implicit', 2465, false)).to.deep.equal({ security: 'implicit', port: 2465 });
      expect(smtpSecurity('starttls', null, false)).to.deep.equal({ security: 'starttls-required', port: 587 });
      expect(smtpSecurity('none', null, true)).to.deep.equal({ security: 'none', port: 25 });
      expect(smtpSecurity('none', 465, true)).to.deep.equal({ security: 'none', port: 465 });
    });
  });

  describe('smtpOutcome', () => {
    const status = (err: unknown): string => smtpOutcome(err).status;
    it('permanent replies to the message are failed', () => {
      expect(status({ code: 'EENVELOPE', responseCode: 550, permanent: true, response: '550 no such user' })).to.equal('failed');
      expect(status({ code: 'EMESSAGE', responseCode: 554, permanent: true, response: '554 refused' })).to.equal('failed');
      expect(status({ code: 'EENVELOPE', message: 'No recipients defined' })).to.equal('failed');
    });

    it('4xx, 503, connection trouble, timeouts, TLS, a refused login and aborts are retry', () => {
      expect(status({ code: 'EENVELOPE', responseCode: 451, permanent: false, response: '451 later' })).to.equal('retry');
      expect(status({ code: 'EPROTOCOL', responseCode: 503, permanent: false })).to.equal('retry');
      expect(status({ code: 'ECONNECTION', message: 'connect ECONNREFUSED' })).to.equal('retry');
      expect(status({ code: 'ETIMEDOUT', message: 'Greeting never received' })).to.equal('retry');
      expect(status({ code: 'ETLS', message: 'self-signed certificate' })).to.equal('retry');
      expect(status({ code: 'EAUTH', responseCode: 535, permanent: true, response: '535 bad credentials' })).to.equal('retry');
      expect(status({ code: 'EABORT', name: 'AbortError' })).to.equal('retry');
      expect(status(new Error('anything else'))).to.equal('retry');
    });
  });

  it('reads subjects and renders confirmation bodies as zaqar.notification.tasks.mailto does', function () {
    const uris = [
      'mailto:a@x.org?subject=Hi+there%21',
      'mailto:a@x.org?SuBjEcT=first&subject=second',
      'mailto:a@x.org?subject=one&Subject=two&subject=three',
      'mailto:a@x.org?SUBJECT=&subject=kept',
      'mailto:a@x.org?subject=100%25+%zz;x=y',
      'mailto:a@x.org?subject=%C3%A9t%C3%A9&body=ignored',
      'mailto:a@x.org?subject',
      'mailto:a@x.org',
    ];
    const template = (option: string): string =>
      (NOTIFICATION_GROUP.options.find((o) => o.name === option)!.default as Record<string, string>).body;
    const bodies = [
      template('subscription_confirmation_email_template'),
      template('unsubscribe_confirmation_email_template'),
      'Q={0} P={1} L={2} {{braces}} {0}',
    ];
    const url = 'https://confirm.example.com/c?lang=en';
    const documents = [
      confirmationDocument('subscription_confirmation'),
      confirmationDocument('unsubscribe_confirmation', 'http://zaqar.example.com:8888'),
    ];
    const confirmations = bodies.flatMap((body) => documents.map((document) => ({ body, document, url, queue: QUEUE })));
    const python = reference(this, { uris, confirmations });

    expect(uris.map((uri) => parseMailto(uri).subject ?? '<none>')).to.deep.equal(python.subjects);
    const ours = confirmations.map((c) => {
      const kind = c.document.Message_Type === 'SubscriptionConfirmation' ? 'subscription_confirmation' : 'unsubscribe_confirmation';
      const template = { topic: 't', body: c.body, sender: 's' };
      const settings = mailSettings(
        { external_confirmation_url: c.url } as Parameters<typeof mailSettings>[0],
        { subscription: template, unsubscribe: template },
      );
      return composeMail(delivery(kind, 'mailto:owner@example.com', c.document), settings).text;
    });
    expect(ours).to.deep.equal(python.bodies);
    expect(ours[0]).to.include(`This queue belongs to project: ${PROJECT}.`);
  });

  it('commandWords splits smtp_command on single spaces, as Zaqar (an empty word for two spaces)', () => {
    expect(commandWords('/usr/sbin/sendmail -t -oi')).to.deep.equal(['/usr/sbin/sendmail', '-t', '-oi']);
    expect(commandWords('/usr/sbin/sendmail  -t')).to.deep.equal(['/usr/sbin/sendmail', '', '-t']);
  });
});
