/**
 * The mailto notifier (Zaqar's `zaqar.notification.tasks.mailto`): one
 * e-mail per delivery, composed by message.ts and sent by the sender that
 * `[notification] smtp_mode` selects.
 */
import { NOTIFICATION_GROUP } from '../../../zaqar/config/groups/notification';
import type { Logger } from '../../../zaqar/common/logger';
import type { Delivery, DeliveryOutcome, Notifier, NotifierContext } from '../../../zaqar/notification/notifier';
import { CommandSender, commandWords } from './command-sender';
import { composeMail, type EmailTemplate, mailSettings, type MailSettings, UnsendableMail } from './message';
import { MAILTO_OPTION_GROUP } from './options';
import type { MailSender } from './sender';
import { SmtpSender, smtpTransportOptions } from './smtp-sender';

/** The templates as `[notification]` declares them by default. */
function defaultTemplate(option: string): EmailTemplate {
  const spec = NOTIFICATION_GROUP.options.find((o) => o.name === option);
  return spec!.default as unknown as EmailTemplate;
}

export class MailtoNotifier implements Notifier {
  private closed = false;

  constructor(
    private readonly settings: MailSettings,
    private readonly sender: MailSender,
    private readonly logger: Logger,
  ) {}

  async deliver(delivery: Delivery, signal: AbortSignal): Promise<DeliveryOutcome> {
    if (this.closed) return { status: 'retry', reason: 'mailto notifier closed' };
    let mail;
    try {
      mail = composeMail(delivery, this.settings);
    } catch (err) {
      if (err instanceof UnsendableMail) return { status: 'failed', reason: err.message };
      throw err;
    }
    const outcome = await this.sender.send(mail, signal);
    this.logger.debug({ kind: delivery.kind, to: mail.to, outcome }, 'mailto delivery');
    return outcome;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.sender.close();
  }
}

/** Reads `[notification]` and `[notification:mailto]` once; a bad value is a ConfigError here, at start-up. */
export function createMailtoNotifier(context: NotifierContext): MailtoNotifier {
  const notification = context.config.get(NOTIFICATION_GROUP);
  const mailto = context.config.get(MAILTO_OPTION_GROUP);
  const logger = context.logger.child({ notifier: 'mailto' });
  const settings = mailSettings(notification, {
    subscription: defaultTemplate('subscription_confirmation_email_template'),
    unsubscribe: defaultTemplate('unsubscribe_confirmation_email_template'),
  });
  const sender: MailSender =
    notification.smtp_mode === 'self_local'
      ? new SmtpSender(smtpTransportOptions(context.config, notification, mailto), logger)
      : new CommandSender(commandWords(notification.smtp_command), Math.max(1, Math.round(mailto.command_timeout * 1000)));
  return new MailtoNotifier(settings, sender, logger);
}
