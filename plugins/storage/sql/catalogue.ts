/**
 * The queue → pool catalogue of the SQL management store (architecture.md
 * §5.8), in Zaqar's `Catalogue` table (project NULL = global namespace).
 *
 * UNIQUE (project, queue) does not stop duplicate rows when project is
 * NULL (NULLs are distinct in SQL), so upserts update first and insert only
 * when nothing matched, inside one transaction that runs as if alone.
 */
import { PoolDoesNotExist, QueueNotMapped } from '../../../zaqar/storage/errors';
import type { CatalogueController, CatalogueEntry, Project } from '../../../zaqar/storage/interfaces';
import type { SqlClient, SqlRunner } from './client';

type Mapping = { project: Project; queue: string; pool: string };

export class SqlCatalogueController implements CatalogueController {
  private readonly inProject: string;
  private readonly byKey: string;
  private readonly updateMapping: string;
  private readonly remove: string;

  constructor(private readonly db: SqlClient) {
    const project = db.dialect.sameValue('project', '@project');
    this.inProject = `SELECT queue, project, pool FROM "Catalogue" WHERE ${project} ORDER BY queue`;
    this.byKey = `SELECT queue, project, pool FROM "Catalogue" WHERE ${project} AND queue = @queue`;
    this.updateMapping = `UPDATE "Catalogue" SET pool = @pool WHERE ${project} AND queue = @queue`;
    this.remove = `DELETE FROM "Catalogue" WHERE ${project} AND queue = @queue`;
  }

  async list(project: Project): Promise<CatalogueEntry[]> {
    return this.db.query<CatalogueEntry>(this.inProject, { project });
  }

  async get(project: Project, queue: string): Promise<CatalogueEntry> {
    const [entry] = await this.db.query<CatalogueEntry>(this.byKey, { project, queue });
    if (entry === undefined) throw new QueueNotMapped(queue, project);
    return entry;
  }

  async exists(project: Project, queue: string): Promise<boolean> {
    return (await this.db.query(this.byKey, { project, queue })).length > 0;
  }

  async insert(project: Project, queue: string, pool: string): Promise<void> {
    const mapping: Mapping = { project, queue, pool };
    await this.db.transaction(async (tx) => {
      await assertPoolExists(tx, pool);
      const { changes } = await tx.execute(this.updateMapping, mapping);
      if (changes === 0) await tx.execute('INSERT INTO "Catalogue" (pool, project, queue) VALUES (@pool, @project, @queue)', mapping);
    });
  }

  async delete(project: Project, queue: string): Promise<void> {
    await this.db.execute(this.remove, { project, queue });
  }

  async update(project: Project, queue: string, pool: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await assertPoolExists(tx, pool);
      const { changes } = await tx.execute(this.updateMapping, { project, queue, pool });
      if (changes === 0) throw new QueueNotMapped(queue, project);
    });
  }

  async dropAll(): Promise<void> {
    await this.db.execute('DELETE FROM "Catalogue"');
  }
}

/** The foreign key would refuse the row anyway; this names the problem. */
async function assertPoolExists(tx: SqlRunner, pool: string): Promise<void> {
  const rows = await tx.query('SELECT 1 AS found FROM "Pools" WHERE name = @pool', { pool });
  if (rows.length === 0) throw new PoolDoesNotExist(pool);
}
