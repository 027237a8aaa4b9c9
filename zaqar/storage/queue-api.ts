/**
 * Queue and topic operations as the API sees them: the management store's
 * queue (topic) controller plus `stats`, which the message store answers
 * (Zaqar's `MessageQueueHandler` and `MessageTopicHandler` built-in stages,
 * pipeline/message-queue-handler.ts).
 */
import type { Project, QueueController, QueueStats, TopicController } from './interfaces';

export interface QueueApi extends QueueController {
  /** Message counts of an existing queue. Throws QueueDoesNotExist. */
  stats(name: string, project: Project): Promise<QueueStats>;
}

export interface TopicApi extends TopicController {
  /** Message counts of an existing topic (its messages are stored under its name). Throws TopicDoesNotExist. */
  stats(name: string, project: Project): Promise<QueueStats>;
}
