/**
 * [notification] (`zaqar.conf.notification`): how Zaqar notifies
 * subscribers (zaqar/notification and plugins/notifier). The two
 * e-mail templates are dicts: in a file, a comma always starts a new
 * key:value pair, so a body containing a comma cannot be configured there
 * (the defaults below, set in code, can contain commas).
 */
import { defineGroup } from './define';

export interface NotificationOptions {
  /** `third_part` (pipe into smtp_command) or `self_local` (SMTP over TLS). */
  smtp_mode: string;
  smtp_host: string | null;
  smtp_port: number | null;
  smtp_user_name: string | null;
  smtp_user_password: string | null;
  smtp_command: string;
  max_notifier_workers: number;
  /** Consecutive transient failures to one destination that open its circuit breaker; 0: no breakers. */
  breaker_failure_threshold: number;
  /** Longest cool-down of an open breaker (seconds); cool-downs start at 1 s and double. */
  breaker_max_cooldown: number;
  require_confirmation: boolean;
  external_confirmation_url: string | null;
  /** Keys `topic`, `body` (`{0}` queue, `{1}` project, `{2}` URL), `sender`. */
  subscription_confirmation_email_template: Record<string, string>;
  unsubscribe_confirmation_email_template: Record<string, string>;
}

const SENDER = 'Zaqar Notifications <no-reply@openstack.org>';

export const NOTIFICATION_GROUP = defineGroup<NotificationOptions>('notification', 'Subscriber notifications.', {
  smtp_mode: {
    type: 'string',
    default: 'third_part',
    choices: ['third_part', 'self_local'],
    help: 'third_part: pipe mail into smtp_command; self_local: send with SMTP over TLS.',
  },
  smtp_host: { type: 'host', help: 'SMTP server (self_local).' },
  smtp_port: { type: 'port', help: 'SMTP port (self_local).' },
  smtp_user_name: { type: 'string', help: 'SMTP login (self_local).' },
  smtp_user_password: { type: 'string', secret: true, help: 'SMTP password (self_local).' },
  smtp_command: {
    type: 'string',
    default: '/usr/sbin/sendmail -t -oi',
    help: 'Mail command (third_part), split on single spaces.',
  },
  max_notifier_workers: { type: 'integer', default: 10, help: 'The max amount of the notification workers.' },
  breaker_failure_threshold: {
    type: 'integer',
    default: 5,
    min: 0,
    help:
      'Consecutive transient delivery failures (connection refused or reset, DNS failure, timeout, 5xx) to one subscriber ' +
      'destination (an http(s) origin, else the whole subscriber URI) after which deliveries to it are parked in the outbox ' +
      'for a cool-down instead of attempted; 0 turns the circuit breakers off.',
  },
  breaker_max_cooldown: {
    type: 'integer',
    default: 60,
    min: 1,
    help: 'Longest cool-down of an open subscriber circuit breaker (seconds); cool-downs start at 1 s and double after each failed probe.',
  },
  require_confirmation: {
    type: 'boolean',
    default: false,
    help: 'Whether http/https/email subscriptions need to be confirmed before notification.',
  },
  external_confirmation_url: { type: 'string', help: 'Confirmation page URL used in confirmation e-mails.' },
  subscription_confirmation_email_template: {
    type: 'dict',
    default: {
      topic: 'Zaqar Notification - Subscription Confirmation',
      body:
        'You have chosen to subscribe to the queue: {0}. This queue belongs to project: {1}. ' +
        'To confirm this subscription, click or visit this link below: {2}',
      sender: SENDER,
    },
    help: 'Subject (topic), body and sender of the subscription confirmation e-mail.',
  },
  unsubscribe_confirmation_email_template: {
    type: 'dict',
    default: {
      topic: 'Zaqar Notification - Unsubscribe Confirmation',
      body:
        'You have unsubscribed successfully to the queue: {0}. This queue belongs to project: {1}. ' +
        'To resubscribe this subscription, click or visit this link below: {2}',
      sender: SENDER,
    },
    help: 'Subject (topic), body and sender of the unsubscribe confirmation e-mail.',
  },
});
