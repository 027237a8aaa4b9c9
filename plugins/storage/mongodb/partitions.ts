/**
 * The message databases `<database>_messages_p<N>` (Zaqar's MongoDB layout,
 * `partitions` of them): which collection holds a queue's messages, the
 * per-partition counter collection `messages.stats`, and our claim locks
 * `messages.locks` (claim-locks.ts).
 */
import type { Collection, Db, MongoClient } from 'mongodb';
import type { Project } from '../../../zaqar/storage/interfaces';
import type { LockDocument } from './claim-locks';
import type { CounterDocument } from './counters';
import type { MessageDocument } from './documents';
import { messageWriteConcern } from './durability';
import { partitionOf } from './scope';

export class Partitions {
  readonly databases: readonly Db[];
  readonly messages: readonly Collection<MessageDocument>[];
  readonly counters: readonly Collection<CounterDocument>[];
  readonly locks: readonly Collection<LockDocument>[];

  constructor(client: MongoClient, database: string, count: number) {
    // Message databases default to {w: majority, j: false} over the client's settings (Zaqar's `message_databases`).
    const writeConcern = messageWriteConcern(client.writeConcern);
    this.databases = Array.from({ length: count }, (_, n) => client.db(`${database}_messages_p${n}`, { writeConcern }));
    this.messages = this.databases.map((db) => db.collection<MessageDocument>('messages'));
    this.counters = this.databases.map((db) => db.collection<CounterDocument>('messages.stats'));
    this.locks = this.databases.map((db) => db.collection<LockDocument>('messages.locks'));
  }

  /** The collection holding the queue's messages. */
  messagesOf(queue: string, project: Project): Collection<MessageDocument> {
    return this.messages[partitionOf(queue, project, this.messages.length)];
  }

  countersOf(queue: string, project: Project): Collection<CounterDocument> {
    return this.counters[partitionOf(queue, project, this.counters.length)];
  }

  /** The claim locks of the queue's partition (claim-locks.ts). */
  locksOf(queue: string, project: Project): Collection<LockDocument> {
    return this.locks[partitionOf(queue, project, this.locks.length)];
  }
}
