/**
 * The SQL management store (plugin `sqlalchemy`, Zaqar's name): queue and
 * topic metadata, pools, flavors and the catalogue in one SQLite,
 * MySQL/MariaDB or PostgreSQL database.
 */
import type { ManagementStore } from '../../../zaqar/storage/interfaces';
import { SqlCatalogueController } from './catalogue';
import type { SqlClient } from './client';
import { SqlFlavorsController } from './flavors';
import { SqlPoolsController } from './pools';
import { SqlQueueController, TOPICS } from './queues';

/** isAlive answers false when the database has not answered within this. */
export const PING_TIMEOUT_MS = 2000;

export class SqlManagementStore implements ManagementStore {
  readonly queueController: SqlQueueController;
  readonly topicController: SqlQueueController;
  readonly poolsController: SqlPoolsController;
  readonly flavorsController: SqlFlavorsController;
  readonly catalogueController: SqlCatalogueController;

  constructor(private readonly db: SqlClient) {
    this.queueController = new SqlQueueController(db);
    this.topicController = new SqlQueueController(db, TOPICS);
    this.poolsController = new SqlPoolsController(db);
    this.flavorsController = new SqlFlavorsController(db);
    this.catalogueController = new SqlCatalogueController(db);
  }

  isAlive(): Promise<boolean> {
    return this.db.ping(PING_TIMEOUT_MS);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
