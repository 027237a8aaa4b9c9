/**
 * The built-in first stage of every queue pipeline (Zaqar's
 * `MessageQueueHandler`): the message store's part of queue operations.
 * Stats come from the message store, for queues the management store knows;
 * deleting a queue first drops its messages and claims, then goes on to
 * the management store, which deletes the queue's record.
 */
import { QueueDoesNotExist } from '../errors';
import type { ManagementStore, MessageStore } from '../interfaces';
import type { QueueApi } from '../queue-api';
import type { Interceptor } from './interceptor';

export function messageQueueHandler(messageStore: MessageStore, managementStore: ManagementStore): Interceptor<QueueApi> {
  const data = messageStore.queueDataController;
  const queues = managementStore.queueController;
  return {
    async stats(_next, name, project) {
      if (!(await queues.exists(name, project))) throw new QueueDoesNotExist(name, project);
      return data.stats(name, project);
    },
    async delete(next, name, project) {
      await data.purge(name, project);
      return next(name, project);
    },
  };
}
