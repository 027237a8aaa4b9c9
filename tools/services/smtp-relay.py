"""A sendmail-compatible command that submits the message it reads on stdin
to an SMTP server with Python's smtplib: the real mail path that the
mailto notifier's third_part mode (`[notification] smtp_command`) drives in
tests, in place of /usr/sbin/sendmail.

  smtp-relay.py --server HOST:PORT [--user U --password P] [-t] [-i | -oi] [-f FROM] [RECIPIENT ...]

As sendmail: -t takes the recipients from the To, Cc and Bcc headers (and
removes Bcc); without -i / -oi a line holding a single dot ends the input;
the envelope sender is -f, else the From header's address. Exit status as
sendmail's (sysexits.h): 0 accepted, 75 temporary failure (4xx, connection
refused, timeout), 67 recipient refused, 69 other permanent refusal, 64 bad
usage.
"""

import email
import email.policy
import email.utils
import re
import smtplib
import sys

EX_USAGE, EX_NOUSER, EX_UNAVAILABLE, EX_TEMPFAIL = 64, 67, 69, 75


def parse_args(argv):
    options = {'server': None, 'user': None, 'password': '', 'headers': False, 'dots': True, 'sender': None}
    recipients = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ('--server', '--user', '--password', '-f'):
            if i + 1 >= len(argv):
                raise ValueError('%s needs a value' % arg)
            key = {'--server': 'server', '--user': 'user', '--password': 'password', '-f': 'sender'}[arg]
            options[key] = argv[i + 1]
            i += 2
            continue
        if arg == '-t':
            options['headers'] = True
        elif arg in ('-i', '-oi'):
            options['dots'] = False
        elif arg == '--':
            recipients.extend(argv[i + 1:])
            break
        elif arg.startswith('-'):
            raise ValueError('unknown option %s' % arg)
        else:
            recipients.append(arg)
        i += 1
    if not options['server'] or ':' not in options['server']:
        raise ValueError('--server HOST:PORT is required')
    return options, recipients


def read_message(dots):
    data = sys.stdin.buffer.read()
    if dots:
        lines = data.split(b'\n')
        for n, line in enumerate(lines):
            if line.rstrip(b'\r') == b'.':
                data = b'\n'.join(lines[:n]) + b'\n'
                break
    return data


def main(argv):
    try:
        options, recipients = parse_args(argv)
    except ValueError as err:
        print('smtp-relay: %s' % err, file=sys.stderr)
        return EX_USAGE
    data = read_message(options['dots'])
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    if options['headers']:
        fields = message.get_all('To', []) + message.get_all('Cc', []) + message.get_all('Bcc', [])
        recipients.extend(address for _, address in email.utils.getaddresses([str(f) for f in fields]) if address)
        if message.get_all('Bcc'):
            del message['Bcc']
            data = message.as_bytes()
    # The message goes on the wire as it came, only with SMTP's CRLF line ends.
    data = re.sub(rb'\r?\n', b'\r\n', data)
    if not recipients:
        print('smtp-relay: no recipients', file=sys.stderr)
        return EX_USAGE
    sender = options['sender'] or (email.utils.parseaddr(str(message.get('From', '')))[1])
    host, port = options['server'].rsplit(':', 1)
    try:
        with smtplib.SMTP(host, int(port), timeout=10) as smtp:
            if options['user'] is not None:
                smtp.login(options['user'], options['password'])
            refused = smtp.sendmail(sender, recipients, data)
    except smtplib.SMTPRecipientsRefused as err:
        codes = [code for code, _ in err.recipients.values()]
        print('smtp-relay: recipients refused: %r' % err.recipients, file=sys.stderr)
        return EX_TEMPFAIL if all(400 <= c < 500 for c in codes) else EX_NOUSER
    except smtplib.SMTPResponseException as err:
        print('smtp-relay: %d %s' % (err.smtp_code, err.smtp_error.decode(errors='replace')), file=sys.stderr)
        return EX_TEMPFAIL if 400 <= err.smtp_code < 500 else EX_UNAVAILABLE
    except (OSError, smtplib.SMTPException) as err:
        print('smtp-relay: %s' % err, file=sys.stderr)
        return EX_TEMPFAIL
    if refused:
        print('smtp-relay: some recipients refused: %r' % refused, file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
