/** How a composed mail leaves the process: SMTP (self_local) or a mail command (third_part). */
import type { DeliveryOutcome } from '../../../zaqar/notification/notifier';
import type { MailFields } from './message';

export interface MailSender {
  /** One attempt; settles on its own timeouts or when `signal` aborts. */
  send(mail: MailFields, signal: AbortSignal): Promise<DeliveryOutcome>;
  close(): Promise<void>;
}
