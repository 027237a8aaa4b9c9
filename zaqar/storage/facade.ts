/**
 * The storage the API talks to: one object that joins the management store
 * (queue metadata) and the message store (messages, claims), with the
 * semantics of Zaqar's storage pipeline (architecture.md §7):
 *
 * - queue stats are answered by the message store, but only for queues the
 *   management store knows (QueueDoesNotExist otherwise);
 * - deleting a queue first drops its messages and claims, then its record.
 *
 * Whether a queue lives in a single store or in one pool of many is hidden
 * behind this object (pooling implements the same surface).
 */
import { QueueDoesNotExist } from './errors';
import type {
  ClaimController,
  ManagementStore,
  MessageStore,
  MessageController,
  Page,
  Project,
  QueueController,
  QueueListing,
  QueueListOptions,
  QueueMetadata,
  QueueStats,
} from './interfaces';

/** Queue operations as the API sees them: the management controller plus stats. */
export interface QueueApi extends QueueController {
  stats(name: string, project: Project): Promise<QueueStats>;
}

export interface Storage {
  readonly queues: QueueApi;
  readonly messages: MessageController;
  readonly claims: ClaimController;
  isAlive(): Promise<boolean>;
  /** Driver KPIs merged for the detailed health endpoint. */
  health(): Promise<Record<string, unknown>>;
  gc(): Promise<number>;
  close(): Promise<void>;
}

class QueueFacade implements QueueApi {
  constructor(
    private readonly control: QueueController,
    private readonly data: MessageStore,
  ) {}

  list(project: Project, options?: QueueListOptions): Promise<Page<QueueListing>> {
    return this.control.list(project, options);
  }
  get(name: string, project: Project): Promise<QueueMetadata> {
    return this.control.get(name, project);
  }
  getMetadata(name: string, project: Project): Promise<QueueMetadata> {
    return this.control.getMetadata(name, project);
  }
  setMetadata(name: string, metadata: QueueMetadata, project: Project): Promise<void> {
    return this.control.setMetadata(name, metadata, project);
  }
  create(name: string, metadata: QueueMetadata, project: Project): Promise<boolean> {
    return this.control.create(name, metadata, project);
  }
  exists(name: string, project: Project): Promise<boolean> {
    return this.control.exists(name, project);
  }
  count(project: Project): Promise<number> {
    return this.control.count(project);
  }
  async delete(name: string, project: Project): Promise<void> {
    await this.data.queueDataController.purge(name, project);
    await this.control.delete(name, project);
  }
  async stats(name: string, project: Project): Promise<QueueStats> {
    if (!(await this.control.exists(name, project))) throw new QueueDoesNotExist(name, project);
    return this.data.queueDataController.stats(name, project);
  }
}

/** A single message store behind a management store (no pooling). */
export class SingleStoreStorage implements Storage {
  readonly queues: QueueApi;
  readonly messages: MessageController;
  readonly claims: ClaimController;

  constructor(
    private readonly control: ManagementStore,
    private readonly data: MessageStore,
  ) {
    this.queues = new QueueFacade(control.queueController, data);
    this.messages = data.messageController;
    this.claims = data.claimController;
  }

  async isAlive(): Promise<boolean> {
    const [data, control] = await Promise.all([
      this.data.isAlive().catch(() => false),
      this.control.isAlive().catch(() => false),
    ]);
    return data && control;
  }

  health(): Promise<Record<string, unknown>> {
    return this.data.health();
  }

  gc(): Promise<number> {
    return this.data.gc();
  }

  async close(): Promise<void> {
    await this.data.close();
    await this.control.close();
  }
}
