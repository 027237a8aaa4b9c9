/**
 * The queue → pool catalogue of the SQL management store (Zaqar's
 * `zaqar.storage.sqlalchemy.catalogue`), in Zaqar's `Catalogue` table
 * (project NULL = global namespace).
 *
 * UNIQUE (project, queue) does not stop duplicate rows when project is
 * NULL (NULLs are distinct in SQL), so upserts update first and insert only
 * when nothing matched, inside one IMMEDIATE transaction.
 */
import type Database from 'better-sqlite3';
import { PoolDoesNotExist, QueueNotMapped } from '../../../zaqar/storage/errors';
import type { CatalogueController, CatalogueEntry, Project } from '../../../zaqar/storage/interfaces';

type Key = { project: Project; queue: string };
type Mapping = Key & { pool: string };

export class SqlCatalogueController implements CatalogueController {
  private readonly inProject: Database.Statement<{ project: Project }, CatalogueEntry>;
  private readonly onPool: Database.Statement<{ pool: string }, CatalogueEntry>;
  private readonly byKey: Database.Statement<Key, CatalogueEntry>;
  private readonly insertMapping: Database.Statement<Mapping>;
  private readonly updateMapping: Database.Statement<Mapping>;
  private readonly remove: Database.Statement<Key>;
  private readonly removeAll: Database.Statement<[]>;
  private readonly poolExists: Database.Statement<{ pool: string }, { found: number }>;
  private readonly upsert: Database.Transaction<(mapping: Mapping) => void>;
  private readonly remap: Database.Transaction<(mapping: Mapping) => void>;

  constructor(db: Database.Database) {
    this.inProject = db.prepare('SELECT queue, project, pool FROM Catalogue WHERE project IS @project ORDER BY queue');
    this.onPool = db.prepare('SELECT queue, project, pool FROM Catalogue WHERE pool = @pool ORDER BY project, queue');
    this.byKey = db.prepare('SELECT queue, project, pool FROM Catalogue WHERE project IS @project AND queue = @queue');
    this.insertMapping = db.prepare('INSERT INTO Catalogue (pool, project, queue) VALUES (@pool, @project, @queue)');
    this.updateMapping = db.prepare('UPDATE Catalogue SET pool = @pool WHERE project IS @project AND queue = @queue');
    this.remove = db.prepare('DELETE FROM Catalogue WHERE project IS @project AND queue = @queue');
    this.removeAll = db.prepare('DELETE FROM Catalogue');
    this.poolExists = db.prepare('SELECT 1 AS found FROM Pools WHERE name = @pool');

    this.upsert = db.transaction((mapping: Mapping) => {
      this.assertPoolExists(mapping.pool);
      if (this.updateMapping.run(mapping).changes === 0) this.insertMapping.run(mapping);
    });
    this.remap = db.transaction((mapping: Mapping) => {
      this.assertPoolExists(mapping.pool);
      if (this.updateMapping.run(mapping).changes === 0) throw new QueueNotMapped(mapping.queue, mapping.project);
    });
  }

  async list(project: Project): Promise<CatalogueEntry[]> {
    return this.inProject.all({ project });
  }

  async listByPool(pool: string): Promise<CatalogueEntry[]> {
    return this.onPool.all({ pool });
  }

  async get(project: Project, queue: string): Promise<CatalogueEntry> {
    const entry = this.byKey.get({ project, queue });
    if (entry === undefined) throw new QueueNotMapped(queue, project);
    return entry;
  }

  async exists(project: Project, queue: string): Promise<boolean> {
    return this.byKey.get({ project, queue }) !== undefined;
  }

  async insert(project: Project, queue: string, pool: string): Promise<void> {
    this.upsert.immediate({ project, queue, pool });
  }

  async delete(project: Project, queue: string): Promise<void> {
    this.remove.run({ project, queue });
  }

  async update(project: Project, queue: string, pool: string): Promise<void> {
    this.remap.immediate({ project, queue, pool });
  }

  async dropAll(): Promise<void> {
    this.removeAll.run();
  }

  /** The foreign key would refuse the row anyway; this names the problem. */
  private assertPoolExists(pool: string): void {
    if (this.poolExists.get({ pool }) === undefined) throw new PoolDoesNotExist(pool);
  }
}
