/**
 * `[notification:mailto]` — the mailto notifier's own options, beside
 * Zaqar's `[notification]` (smtp_mode, smtp_host, smtp_port,
 * smtp_user_name, smtp_user_password, smtp_command, the two e-mail
 * templates), which keep their meaning. Zaqar knows only SMTP over TLS
 * from the first byte and no timeouts; these say how to secure and bound
 * the connection.
 *
 * Kept free of runtime dependencies: the manifest imports this file at
 * start-up, before the notifier itself is loaded.
 */
import { defineGroup } from '../../../zaqar/config/groups/define';

export const MAILTO_GROUP_NAME = 'notification:mailto';

export const SMTP_TLS_MODES = ['auto', 'implicit', 'starttls', 'none'] as const;
export type SmtpTlsMode = (typeof SMTP_TLS_MODES)[number];

export interface MailtoOptions {
  smtp_tls: string;
  smtp_tls_ca_file: string | null;
  smtp_tls_verify: boolean;
  smtp_connection_timeout: number;
  smtp_greeting_timeout: number;
  smtp_socket_timeout: number;
  smtp_max_connections: number;
  smtp_max_messages_per_connection: number;
  command_timeout: number;
}

export const MAILTO_OPTION_GROUP = defineGroup<MailtoOptions>(MAILTO_GROUP_NAME, 'The mailto notifier (e-mail subscribers).', {
  smtp_tls: {
    type: 'string',
    default: 'auto',
    choices: SMTP_TLS_MODES,
    help:
      'How smtp_mode = self_local secures the SMTP connection. implicit: TLS from the first byte ' +
      '(SMTPS, as Zaqar does; smtp_port defaults to 465). starttls: plain connection upgraded with ' +
      'STARTTLS, and the mail is not sent if the server does not offer it (smtp_port defaults to 587). ' +
      'none: no TLS even if offered, the login too goes in clear (smtp_port defaults to 25). auto: ' +
      'implicit when smtp_port is 465 or unset; otherwise STARTTLS, required when smtp_user_name is ' +
      'set (a password never goes in clear) and used when offered when it is not.',
  },
  smtp_tls_ca_file: {
    type: 'string',
    help: "PEM file of the certificate authorities trusted for the SMTP server's certificate, instead of the system's.",
  },
  smtp_tls_verify: {
    type: 'boolean',
    default: true,
    help: "Check the SMTP server's certificate and name. Turn off only for a test server.",
  },
  smtp_connection_timeout: {
    type: 'float',
    default: 10,
    min: 0.01,
    help: 'Seconds to open the TCP (and, for implicit TLS, TLS) connection to the SMTP server.',
  },
  smtp_greeting_timeout: {
    type: 'float',
    default: 10,
    min: 0.01,
    help: "Seconds to wait for the SMTP server's greeting once connected.",
  },
  smtp_socket_timeout: {
    type: 'float',
    default: 30,
    min: 0.01,
    help: 'Seconds an SMTP connection may stay silent in the middle of a command before it is dropped and the mail retried.',
  },
  smtp_max_connections: {
    type: 'integer',
    default: 5,
    min: 1,
    help: 'SMTP connections kept open and reused per server process (a pool); more deliveries at once wait for one.',
  },
  smtp_max_messages_per_connection: {
    type: 'integer',
    default: 100,
    min: 1,
    help: 'Messages sent over one pooled SMTP connection before it is replaced by a new one.',
  },
  command_timeout: {
    type: 'float',
    default: 30,
    min: 0.01,
    help: 'Seconds smtp_command (smtp_mode = third_part) may run before it is killed and the mail retried.',
  },
});
