/**
 * Pools of the SQL management store (`zaqar.storage.sqlalchemy.pools`), in
 * Zaqar's `Pools` table. Pools are global (no project).
 *
 * Choices where the reference stores disagree:
 * - a URI belongs to one pool: create/update with another pool's URI throws
 *   PoolAlreadyExists (MongoDB; the reference SQL store fails obscurely);
 * - getPoolsByFlavor(null) returns the pools without a flavor (MongoDB; the
 *   SQL and Redis stores return all pools);
 * - deleting the last pool of an existing flavor throws PoolInUseByFlavor
 *   (Redis; the SQL store never refuses).
 */
import type Database from 'better-sqlite3';
import { PoolAlreadyExists, PoolDoesNotExist, PoolInUseByFlavor } from '../../../zaqar/storage/errors';
import type { Page, PoolRecord, PoolsController } from '../../../zaqar/storage/interfaces';
import { DEFAULT_PAGE_SIZE } from '../../../zaqar/storage/interfaces';
import { jsonText, parseJsonObjectColumn } from './json-columns';

interface PoolRow {
  name: string;
  uri: string;
  weight: number;
  flavor: string | null;
  options: unknown;
}

interface PoolParams {
  name: string;
  uri: string;
  weight: number;
  flavor: string | null;
  options: string;
}

type PoolFields = Partial<Omit<PoolRecord, 'name'>>;

const POOL_COLUMNS = 'name, uri, weight, flavor, options';

export class SqlPoolsController implements PoolsController {
  private readonly listAfter: Database.Statement<{ after: string; limit: number }, PoolRow>;
  private readonly byName: Database.Statement<{ name: string }, PoolRow>;
  private readonly byFlavor: Database.Statement<{ flavor: string | null }, PoolRow>;
  private readonly uriOwner: Database.Statement<{ uri: string; name: string }, { name: string }>;
  private readonly upsert: Database.Statement<PoolParams>;
  private readonly flavorExists: Database.Statement<{ flavor: string }, { found: number }>;
  private readonly remove: Database.Statement<{ name: string }>;
  private readonly removeAll: Database.Statement<[]>;

  private readonly createPool: Database.Transaction<(pool: PoolParams) => void>;
  private readonly updatePool: Database.Transaction<(name: string, fields: PoolFields) => void>;
  private readonly deletePool: Database.Transaction<(name: string) => void>;

  constructor(db: Database.Database) {
    // LIMIT -1 = no limit (limit 0 lists every pool, as in Zaqar).
    this.listAfter = db.prepare(`SELECT ${POOL_COLUMNS} FROM Pools WHERE name > @after ORDER BY name LIMIT @limit`);
    this.byName = db.prepare(`SELECT ${POOL_COLUMNS} FROM Pools WHERE name = @name`);
    this.byFlavor = db.prepare(`SELECT ${POOL_COLUMNS} FROM Pools WHERE flavor IS @flavor ORDER BY name`);
    this.uriOwner = db.prepare('SELECT name FROM Pools WHERE uri = @uri AND name <> @name');
    this.upsert = db.prepare(`
      INSERT INTO Pools (name, uri, weight, flavor, options) VALUES (@name, @uri, @weight, @flavor, @options)
      ON CONFLICT (name) DO UPDATE
      SET uri = excluded.uri, weight = excluded.weight, flavor = excluded.flavor, options = excluded.options`);
    this.flavorExists = db.prepare('SELECT 1 AS found FROM Flavors WHERE name = @flavor');
    this.remove = db.prepare('DELETE FROM Pools WHERE name = @name');
    this.removeAll = db.prepare('DELETE FROM Pools');

    this.createPool = db.transaction((pool: PoolParams) => {
      this.assertUriFree(pool.uri, pool.name);
      this.upsert.run(pool);
    });
    this.updatePool = db.transaction((name: string, fields: PoolFields) => {
      const current = this.byName.get({ name });
      if (current === undefined) throw new PoolDoesNotExist(name);
      if (fields.uri !== undefined) this.assertUriFree(fields.uri, name);
      this.upsert.run({
        name,
        uri: fields.uri ?? current.uri,
        weight: fields.weight ?? current.weight,
        flavor: fields.flavor === undefined ? current.flavor : noFlavor(fields.flavor),
        options: jsonText(fields.options ?? parseJsonObjectColumn(current.options)),
      });
    });
    this.deletePool = db.transaction((name: string) => {
      const pool = this.byName.get({ name });
      if (pool === undefined) return;
      const flavor = pool.flavor;
      if (flavor !== null && this.flavorExists.get({ flavor }) !== undefined && this.byFlavor.all({ flavor }).length === 1) {
        throw new PoolInUseByFlavor(name, flavor);
      }
      // Catalogue entries pointing at the pool go with it (ON DELETE CASCADE).
      this.remove.run({ name });
    });
  }

  async list(options: { marker?: string; limit?: number; detailed?: boolean } = {}): Promise<Page<PoolRecord>> {
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    const rows = this.listAfter.all({ after: options.marker ?? '', limit: limit > 0 ? limit : -1 });
    const items = rows.map((row) => toRecord(row, options.detailed ?? false));
    return items.length > 0 ? { items, next: items[items.length - 1].name } : { items };
  }

  async create(
    name: string,
    weight: number,
    uri: string,
    flavor: string | null,
    options: Record<string, unknown>,
  ): Promise<void> {
    // PUT overwrites the whole pool; missing options become {} (as Zaqar's PUT /v2/pools/{name}).
    this.createPool.immediate({ name, weight, uri, flavor: noFlavor(flavor), options: jsonText(options ?? {}) });
  }

  async get(name: string, detailed = false): Promise<PoolRecord> {
    const row = this.byName.get({ name });
    if (row === undefined) throw new PoolDoesNotExist(name);
    return toRecord(row, detailed);
  }

  async getPoolsByFlavor(flavor: string | null, detailed = false): Promise<PoolRecord[]> {
    return this.byFlavor.all({ flavor: noFlavor(flavor) }).map((row) => toRecord(row, detailed));
  }

  async exists(name: string): Promise<boolean> {
    return this.byName.get({ name }) !== undefined;
  }

  async update(name: string, fields: PoolFields): Promise<void> {
    this.updatePool.immediate(name, fields);
  }

  async delete(name: string): Promise<void> {
    this.deletePool.immediate(name);
  }

  async dropAll(): Promise<void> {
    this.removeAll.run();
  }

  private assertUriFree(uri: string, name: string): void {
    if (this.uriOwner.get({ uri, name }) !== undefined) throw new PoolAlreadyExists();
  }
}

/** An empty-string flavor means "no flavor" (as in Zaqar's pools controllers). */
function noFlavor(flavor: string | null | undefined): string | null {
  return flavor ? flavor : null;
}

function toRecord(row: PoolRow, detailed: boolean): PoolRecord {
  const record: PoolRecord = { name: row.name, uri: row.uri, weight: row.weight, flavor: row.flavor };
  if (detailed) record.options = parseJsonObjectColumn(row.options);
  return record;
}
