/**
 * The queue → pool catalogue of the SQL management store (Zaqar's
 * `zaqar.storage.sqlalchemy.catalogue`), in Zaqar's `Catalogue` table
 * (project NULL = global namespace), plus our nullable `moving_from`: the
 * pool a queue on the move leaves.
 *
 * UNIQUE (project, queue) does not stop duplicate rows when project is
 * NULL (NULLs are distinct in SQL), so upserts update first and insert only
 * when nothing matched, inside one transaction that runs as if alone.
 */
import { PoolDoesNotExist, QueueNotMapped } from '../../../zaqar/storage/errors';
import type { CatalogueController, CatalogueEntry, Project } from '../../../zaqar/storage/interfaces';
import type { SqlClient, SqlRunner } from './client';

type Mapping = { project: Project; queue: string; pool: string; moving_from?: string | null };
type Row = { queue: string; project: Project; pool: string; moving_from: string | null };

const COLUMNS = 'queue, project, pool, moving_from';

function toEntry(row: Row): CatalogueEntry {
  const entry: CatalogueEntry = { queue: row.queue, project: row.project, pool: row.pool };
  if (row.moving_from) entry.previous = row.moving_from;
  return entry;
}

export class SqlCatalogueController implements CatalogueController {
  private readonly inProject: string;
  private readonly onPool: string;
  private readonly byKey: string;
  private readonly updateMapping: string;
  private readonly moveMapping: string;
  private readonly remove: string;

  constructor(private readonly db: SqlClient) {
    const project = db.dialect.sameValue('project', '@project');
    this.inProject = `SELECT ${COLUMNS} FROM "Catalogue" WHERE ${project} ORDER BY queue`;
    this.onPool = `SELECT ${COLUMNS} FROM "Catalogue" WHERE pool = @pool OR moving_from = @pool ORDER BY project, queue`;
    this.byKey = `SELECT ${COLUMNS} FROM "Catalogue" WHERE ${project} AND queue = @queue`;
    this.updateMapping = `UPDATE "Catalogue" SET pool = @pool, moving_from = NULL WHERE ${project} AND queue = @queue`;
    this.moveMapping = `UPDATE "Catalogue" SET pool = @pool, moving_from = @moving_from WHERE ${project} AND queue = @queue`;
    this.remove = `DELETE FROM "Catalogue" WHERE ${project} AND queue = @queue`;
  }

  async list(project: Project): Promise<CatalogueEntry[]> {
    return (await this.db.query<Row>(this.inProject, { project })).map(toEntry);
  }

  async listByPool(pool: string): Promise<CatalogueEntry[]> {
    return (await this.db.query<Row>(this.onPool, { pool })).map(toEntry);
  }

  async get(project: Project, queue: string): Promise<CatalogueEntry> {
    const [row] = await this.db.query<Row>(this.byKey, { project, queue });
    if (row === undefined) throw new QueueNotMapped(queue, project);
    return toEntry(row);
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

  async update(project: Project, queue: string, pool: string, previous?: string | null): Promise<void> {
    await this.db.transaction(async (tx) => {
      await assertPoolExists(tx, pool);
      const { changes } = await tx.execute(this.moveMapping, { project, queue, pool, moving_from: previous ?? null });
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
