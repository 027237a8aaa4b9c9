/**
 * The built-in first stage of every queue pipeline (Zaqar's
 * `MessageQueueHandler`) and of every topic pipeline (Zaqar's
 * `MessageTopicHandler`): the message store's part of queue and topic
 * operations. Stats come from the message store, for queues (topics) the
 * management store knows; deleting one first drops its messages and claims,
 * then goes on to the management store, which deletes the record.
 *
 * A topic's messages are stored under the topic's name in the queue
 * position (interfaces.ts), so its stats and purge are the queue data
 * controller's with that name.
 */
import { QueueDoesNotExist, TopicDoesNotExist } from '../errors';
import type { ManagementStore, MessageStore, Project, QueueController, QueueDataController } from '../interfaces';
import type { QueueApi, TopicApi } from '../queue-api';
import type { Interceptor } from './interceptor';

function messageDataHandler(
  data: QueueDataController,
  records: QueueController,
  missing: (name: string, project: Project) => Error,
): Interceptor<QueueApi> {
  return {
    async stats(_next, name, project) {
      // Both are reads: asked together they cost one round trip of latency, not two.
      const [exists, stats] = await Promise.all([records.exists(name, project), data.stats(name, project).catch((err: unknown) => err)]);
      if (!exists) throw missing(name, project);
      if (stats instanceof Error) throw stats;
      return stats as Awaited<ReturnType<QueueDataController['stats']>>;
    },
    async delete(next, name, project) {
      await data.purge(name, project);
      return next(name, project);
    },
  };
}

export function messageQueueHandler(messageStore: MessageStore, managementStore: ManagementStore): Interceptor<QueueApi> {
  return messageDataHandler(messageStore.queueDataController, managementStore.queueController, (name, project) => new QueueDoesNotExist(name, project));
}

export function messageTopicHandler(messageStore: MessageStore, managementStore: ManagementStore): Interceptor<TopicApi> {
  return messageDataHandler(messageStore.queueDataController, managementStore.topicController, (name, project) => new TopicDoesNotExist(name, project));
}
