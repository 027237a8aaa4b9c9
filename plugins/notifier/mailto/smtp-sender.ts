/**
 * `smtp_mode = self_local`: SMTP submission with nodemailer's pooled
 * transport. Connections are opened on demand up to
 * `smtp_max_connections` and reused (`smtp_max_messages_per_connection`
 * messages each), so a burst of notifications does not open a connection
 * per mail; every step has a timeout, and an aborted delivery leaves the
 * pool's queue (or, if it is already on the wire, its connection is closed).
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { createTransport, type SMTPPoolOptions, type Transporter } from 'nodemailer';
import type { Config } from '../../../zaqar/config/options';
import type { NotificationOptions } from '../../../zaqar/config/groups/notification';
import type { Logger } from '../../../zaqar/common/logger';
import type { DeliveryOutcome } from '../../../zaqar/notification/notifier';
import type { MailFields } from './message';
import { MAILTO_GROUP_NAME, type MailtoOptions, type SmtpTlsMode } from './options';
import type { MailSender } from './sender';

/** How the connection is secured, once `auto` is resolved. */
export type SmtpSecurity = 'implicit' | 'starttls-required' | 'starttls-if-offered' | 'none';

const DEFAULT_PORTS: Record<SmtpSecurity, number> = {
  implicit: 465,
  'starttls-required': 587,
  'starttls-if-offered': 587,
  none: 25,
};

/**
 * The TLS rule. `auto`: implicit TLS on port 465 or when no port is set
 * (Zaqar always speaks SMTP over TLS, on 465 by default); on any other
 * port STARTTLS, required when there is a login so that the password never
 * goes in clear, used when offered otherwise.
 */
export function smtpSecurity(mode: SmtpTlsMode, port: number | null, hasLogin: boolean): { security: SmtpSecurity; port: number } {
  let security: SmtpSecurity;
  if (mode === 'implicit') security = 'implicit';
  else if (mode === 'starttls') security = 'starttls-required';
  else if (mode === 'none') security = 'none';
  else if (port === null || port === 465) security = 'implicit';
  else security = hasLogin ? 'starttls-required' : 'starttls-if-offered';
  return { security, port: port ?? DEFAULT_PORTS[security] };
}

interface SmtpError {
  code?: string;
  responseCode?: number;
  permanent?: boolean;
  response?: string;
  message?: string;
  name?: string;
}

/**
 * What an SMTP failure means for the message. A permanent reply (5xx) to
 * MAIL, RCPT or DATA refuses this mail for good; everything else — 4xx,
 * connection trouble, timeouts, TLS problems, a refused login (the
 * operator can fix the credentials) — may work on a later try.
 */
export function smtpOutcome(err: unknown): DeliveryOutcome {
  const e = (err ?? {}) as SmtpError;
  const reason = `SMTP: ${(e.response ?? e.message ?? String(err)).trim()}`;
  if (e.code === 'EABORT' || e.name === 'AbortError') return { status: 'retry', reason: 'SMTP: delivery aborted' };
  if (e.code === 'EAUTH' || e.code === 'ENOAUTH' || e.code === 'ETLS') return { status: 'retry', reason };
  if (e.permanent === true) return { status: 'failed', reason };
  if (e.responseCode === undefined && (e.code === 'EENVELOPE' || e.code === 'EMESSAGE')) return { status: 'failed', reason };
  return { status: 'retry', reason };
}

/** The pooled transport's options from `[notification]` and `[notification:mailto]`. Throws ConfigError. */
export function smtpTransportOptions(config: Config, notification: Readonly<NotificationOptions>, mailto: Readonly<MailtoOptions>): SMTPPoolOptions {
  if (!notification.smtp_host) throw config.optionError('notification', 'smtp_host', 'required when smtp_mode = self_local');
  const hasLogin = notification.smtp_user_name !== null && notification.smtp_user_name !== '';
  const { security, port } = smtpSecurity(mailto.smtp_tls as SmtpTlsMode, notification.smtp_port, hasLogin);
  const tls: ConnectionOptions = { rejectUnauthorized: mailto.smtp_tls_verify };
  if (mailto.smtp_tls_ca_file) {
    try {
      tls.ca = readFileSync(mailto.smtp_tls_ca_file);
    } catch (err) {
      throw config.optionError(MAILTO_GROUP_NAME, 'smtp_tls_ca_file', `cannot read ${mailto.smtp_tls_ca_file}: ${(err as Error).message}`);
    }
  }
  const ms = (seconds: number): number => Math.max(1, Math.round(seconds * 1000));
  return {
    pool: true,
    host: notification.smtp_host,
    port,
    secure: security === 'implicit',
    requireTLS: security === 'starttls-required',
    ignoreTLS: security === 'none',
    auth: hasLogin ? { user: notification.smtp_user_name ?? '', pass: notification.smtp_user_password ?? '' } : undefined,
    tls,
    connectionTimeout: ms(mailto.smtp_connection_timeout),
    greetingTimeout: ms(mailto.smtp_greeting_timeout),
    socketTimeout: ms(mailto.smtp_socket_timeout),
    dnsTimeout: ms(mailto.smtp_connection_timeout),
    maxConnections: mailto.smtp_max_connections,
    maxMessages: mailto.smtp_max_messages_per_connection,
    // Once, for a pooled connection the server closed while idle; further retries are the core's.
    maxRequeues: 1,
    logger: false,
  };
}

export class SmtpSender implements MailSender {
  private readonly transporter: Transporter;

  constructor(
    options: SMTPPoolOptions,
    private readonly logger: Logger,
  ) {
    this.transporter = createTransport(options);
  }

  async send(mail: MailFields, signal: AbortSignal): Promise<DeliveryOutcome> {
    if (signal.aborted) return { status: 'retry', reason: 'SMTP: delivery aborted' };
    try {
      const info = await this.transporter.sendMail({ ...mail, signal });
      const rejected = (info.rejected ?? []) as unknown[];
      if (rejected.length > 0) {
        // The others have it; sending again would give them a second copy.
        this.logger.warn({ rejected: rejected.map(String), response: info.response }, 'mailto: some recipients refused');
      }
      return { status: 'delivered' };
    } catch (err) {
      return smtpOutcome(err);
    }
  }

  async close(): Promise<void> {
    this.transporter.close();
  }
}
