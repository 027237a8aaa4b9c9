/**
 * The SQL management store (plugin `sqlalchemy`, Zaqar's name): queue
 * metadata, pools, flavors and the catalogue in one SQLite database.
 */
import type Database from 'better-sqlite3';
import type { ManagementStore } from '../../../zaqar/storage/interfaces';
import { SqlCatalogueController } from './catalogue';
import { SqlFlavorsController } from './flavors';
import { SqlPoolsController } from './pools';
import { SqlQueueController } from './queues';

export class SqlManagementStore implements ManagementStore {
  readonly queueController: SqlQueueController;
  readonly poolsController: SqlPoolsController;
  readonly flavorsController: SqlFlavorsController;
  readonly catalogueController: SqlCatalogueController;
  private readonly ping: Database.Statement<[], { ok: number }>;

  constructor(private readonly db: Database.Database) {
    this.queueController = new SqlQueueController(db);
    this.poolsController = new SqlPoolsController(db);
    this.flavorsController = new SqlFlavorsController(db);
    this.catalogueController = new SqlCatalogueController(db);
    this.ping = db.prepare('SELECT 1 AS ok');
  }

  async isAlive(): Promise<boolean> {
    try {
      return this.ping.get()?.ok === 1;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
