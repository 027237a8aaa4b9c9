/**
 * Queue operations as the API sees them: the management store's queue
 * controller plus `stats`, which the message store answers (Zaqar's
 * `MessageQueueHandler` built-in stage, pipeline/message-queue-handler.ts).
 */
import type { Project, QueueController, QueueStats } from './interfaces';

export interface QueueApi extends QueueController {
  /** Message counts of an existing queue. Throws QueueDoesNotExist. */
  stats(name: string, project: Project): Promise<QueueStats>;
}
