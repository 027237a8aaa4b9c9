"""A real SMTP server for tests (tools/services/smtp.ts starts it).

Runs aiosmtpd's Controller on a loopback port in one of three flavours:

  plain     SMTP without TLS
  smtps     SMTP over TLS from the first byte (implicit TLS, port-465 style)
  starttls  SMTP that offers STARTTLS and refuses mail and AUTH before it

With --user/--password every client must log in (AUTH PLAIN or LOGIN)
before MAIL. The TLS certificate is self-signed, made with the openssl CLI
at start (cert.pem in --dir, which the clients trust as their CA).

Every accepted message is written as one JSON file into --dir/mailbox
(000001.json, ...), renamed into place once complete, with the envelope,
the headers and the decoded body as Python's email package reads them.
Every connection (not its STARTTLS upgrade) appends a line to
--dir/connections.jsonl, so tests can count how many a client opened.

Refusals, for tests of a client's error handling:
  --reject-count N --reject-reply "451 4.3.0 Try again later"
      the first N messages are refused with that reply (at RCPT by default,
      or after DATA with --reject-at data);
  a recipient whose local part is reject-NNN (reject-550@example.com)
      is always refused with reply NNN.

Prints one line "READY {json}" on stdout once it accepts connections, and
stops cleanly on SIGTERM or SIGINT.
"""

import argparse
import email
import email.policy
import json
import os
import re
import signal
import ssl
import subprocess
import sys
import threading
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

REJECT_ADDRESS = re.compile(r'^reject-([45]\d\d)@', re.IGNORECASE)


def make_certificate(folder):
    cert = os.path.join(folder, 'cert.pem')
    key = os.path.join(folder, 'key.pem')
    if not os.path.exists(cert):
        subprocess.run(
            ['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
             '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost',
             '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return cert, key


def write_json(path, value):
    partial = path + '.partial'
    with open(partial, 'w', encoding='utf-8') as f:
        json.dump(value, f)
    os.replace(partial, path)


class Mailbox:
    def __init__(self, folder, args):
        self.folder = os.path.join(folder, 'mailbox')
        os.makedirs(self.folder, exist_ok=True)
        self.connections_file = os.path.join(folder, 'connections.jsonl')
        self.lock = threading.Lock()
        self.connections = 0
        self.messages = 0
        self.transactions = 0
        self.reject_count = args.reject_count
        self.reject_reply = args.reject_reply
        self.reject_at = args.reject_at

    def connection(self, tls):
        with self.lock:
            self.connections += 1
            with open(self.connections_file, 'a', encoding='utf-8') as f:
                f.write(json.dumps({'n': self.connections, 'tls': tls}) + '\n')
            return self.connections

    def take_rejection(self):
        """Whether the next message is one of the first N to refuse."""
        with self.lock:
            self.transactions += 1
            return self.transactions <= self.reject_count

    def store(self, record):
        with self.lock:
            self.messages += 1
            record['seq'] = self.messages
            write_json(os.path.join(self.folder, '%06d.json' % self.messages), record)


def text_of(part):
    """The decoded text as the sender wrote it: LF line ends, without the line end that SMTP adds to end the data."""
    if part is None:
        return ''
    text = part.get_content().replace('\r\n', '\n')
    return text[:-1] if text.endswith('\n') else text


class Handler:
    def __init__(self, mailbox):
        self.mailbox = mailbox

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        envelope.refused = self.mailbox.reject_at == 'rcpt' and self.mailbox.take_rejection()
        return '250 OK'

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        wanted = REJECT_ADDRESS.match(address)
        if wanted:
            return '%s Recipient refused by request (%s)' % (wanted.group(1), address)
        if getattr(envelope, 'refused', False):
            return self.mailbox.reject_reply
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        if self.mailbox.reject_at == 'data' and self.mailbox.take_rejection():
            return self.mailbox.reject_reply
        content = envelope.original_content or envelope.content
        message = email.message_from_bytes(content, policy=email.policy.default)
        body = message.get_body(preferencelist=('plain', 'html')) if message.is_multipart() else message
        self.mailbox.store({
            'connection': getattr(server, 'connection_number', 0),
            'tls': server.tls_in_use(),
            'auth_user': session.auth_data.decode() if isinstance(session.auth_data, bytes) else session.auth_data,
            'mail_from': envelope.mail_from,
            'rcpt_tos': list(envelope.rcpt_tos),
            'headers': [[k, str(v)] for k, v in message.items()],
            'from': str(message.get('From', '')),
            'to': str(message.get('To', '')),
            'subject': str(message.get('Subject', '')),
            'content_type': message.get_content_type(),
            'charset': message.get_content_charset(),
            'transfer_encoding': str(message.get('Content-Transfer-Encoding', '')),
            'body': text_of(body),
            'raw': content.decode('utf-8', errors='replace'),
        })
        return '250 OK: queued as %d' % self.mailbox.messages


class CountingSMTP(SMTP):
    """An SMTP session that records its connection (once, not again on STARTTLS)."""

    def __init__(self, handler, mailbox, implicit_tls, **kwargs):
        super().__init__(handler, **kwargs)
        self.mailbox = mailbox
        self.implicit_tls = implicit_tls

    def tls_in_use(self):
        return self.implicit_tls or self._tls_protocol is not None

    def connection_made(self, transport):
        if self._original_transport is None and not hasattr(self, 'connection_number'):
            self.connection_number = self.mailbox.connection(self.implicit_tls)
        super().connection_made(transport)


class Server(Controller):
    def __init__(self, mailbox, implicit_tls, *args, **kwargs):
        self.mailbox = mailbox
        self.implicit_tls = implicit_tls
        super().__init__(*args, **kwargs)

    def factory(self):
        return CountingSMTP(self.handler, self.mailbox, self.implicit_tls, **self.SMTP_kwargs)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, required=True)
    parser.add_argument('--dir', required=True)
    parser.add_argument('--flavour', choices=['plain', 'smtps', 'starttls'], default='plain')
    parser.add_argument('--user')
    parser.add_argument('--password', default='')
    parser.add_argument('--reject-count', type=int, default=0)
    parser.add_argument('--reject-reply', default='451 4.3.0 Try again later')
    parser.add_argument('--reject-at', choices=['rcpt', 'data'], default='rcpt')
    args = parser.parse_args()

    mailbox = Mailbox(args.dir, args)
    cert, key = make_certificate(args.dir)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == args.user.encode()
              and auth_data.password == args.password.encode())
        return AuthResult(success=ok, handled=False, auth_data=auth_data.login if ok else None)

    smtp_options = {
        'data_size_limit': 10 * 1024 * 1024,
        # Idle sessions are closed by the server after this many seconds, as real servers do.
        'timeout': 60,
    }
    # The plain flavour asks for AUTH over an unencrypted channel on purpose (a test of that client mode).
    warnings.filterwarnings('ignore', 'Requiring AUTH while not requiring TLS')
    if args.flavour == 'starttls':
        smtp_options.update(tls_context=context, require_starttls=True, auth_require_tls=True)
    else:
        # Over implicit TLS aiosmtpd does not know the channel is encrypted; plain offers AUTH in clear on purpose.
        smtp_options.update(auth_require_tls=False)
    if args.user is not None:
        smtp_options.update(authenticator=authenticator, auth_required=True)

    implicit_tls = args.flavour == 'smtps'
    controller = Server(mailbox, implicit_tls, Handler(mailbox), hostname=args.host, port=args.port,
                        server_hostname='zaqar-ts-test-smtp', ssl_context=context if implicit_tls else None,
                        **smtp_options)
    controller.start()
    # Controller.start() opened one connection of its own to check the server answers: not a client's.
    with mailbox.lock:
        mailbox.connections = 0
        open(mailbox.connections_file, 'w').close()

    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    print('READY ' + json.dumps({'host': args.host, 'port': args.port, 'flavour': args.flavour, 'cert': cert}), flush=True)
    stopping.wait()
    controller.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
