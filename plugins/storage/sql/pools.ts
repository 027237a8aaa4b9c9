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
import { PoolAlreadyExists, PoolDoesNotExist, PoolInUseByFlavor } from '../../../zaqar/storage/errors';
import type { Page, PoolRecord, PoolsController } from '../../../zaqar/storage/interfaces';
import { DEFAULT_PAGE_SIZE } from '../../../zaqar/storage/interfaces';
import { type SqlClient, type SqlRunner, UniqueViolation } from './client';
import { jsonText, parseJsonObjectColumn } from './json-columns';

interface PoolRow {
  name: string;
  uri: string;
  weight: number;
  flavor: string | null;
  options: unknown;
}

type PoolParams = {
  name: string;
  uri: string;
  weight: number;
  flavor: string | null;
  options: string;
};

type PoolFields = Partial<Omit<PoolRecord, 'name'>>;

const SELECT_POOLS = 'SELECT name, uri, weight, flavor, options FROM "Pools"';
const BY_NAME = `${SELECT_POOLS} WHERE name = @name`;
const INSERT = 'INSERT INTO "Pools" (name, uri, weight, flavor, options) VALUES (@name, @uri, @weight, @flavor, @options)';
const UPDATE = 'UPDATE "Pools" SET uri = @uri, weight = @weight, flavor = @flavor, options = @options WHERE name = @name';

export class SqlPoolsController implements PoolsController {
  private readonly byFlavor: string;

  constructor(private readonly db: SqlClient) {
    this.byFlavor = `${SELECT_POOLS} WHERE ${db.dialect.sameValue('flavor', '@flavor')} ORDER BY name`;
  }

  async list(options: { marker?: string; limit?: number; detailed?: boolean } = {}): Promise<Page<PoolRecord>> {
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    // Limit 0 lists every pool, as in Zaqar.
    const rows = await this.db.query<PoolRow>(`${SELECT_POOLS} WHERE name > @after ORDER BY name${limit > 0 ? ' LIMIT @limit' : ''}`, {
      after: options.marker ?? '',
      ...(limit > 0 ? { limit } : {}),
    });
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
    const pool: PoolParams = { name, weight, uri, flavor: noFlavor(flavor), options: jsonText(options ?? {}) };
    await this.db.transaction(async (tx) => {
      await assertUriFree(tx, uri, name);
      const [current] = await tx.query<PoolRow>(BY_NAME, { name });
      await write(tx, current === undefined ? INSERT : UPDATE, pool);
    });
  }

  async get(name: string, detailed = false): Promise<PoolRecord> {
    const [row] = await this.db.query<PoolRow>(BY_NAME, { name });
    if (row === undefined) throw new PoolDoesNotExist(name);
    return toRecord(row, detailed);
  }

  async getPoolsByFlavor(flavor: string | null, detailed = false): Promise<PoolRecord[]> {
    const rows = await this.db.query<PoolRow>(this.byFlavor, { flavor: noFlavor(flavor) });
    return rows.map((row) => toRecord(row, detailed));
  }

  async exists(name: string): Promise<boolean> {
    return (await this.db.query('SELECT 1 AS found FROM "Pools" WHERE name = @name', { name })).length > 0;
  }

  async update(name: string, fields: PoolFields): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [current] = await tx.query<PoolRow>(BY_NAME, { name });
      if (current === undefined) throw new PoolDoesNotExist(name);
      if (fields.uri !== undefined) await assertUriFree(tx, fields.uri, name);
      await write(tx, UPDATE, {
        name,
        uri: fields.uri ?? current.uri,
        weight: fields.weight ?? current.weight,
        flavor: fields.flavor === undefined ? current.flavor : noFlavor(fields.flavor),
        options: jsonText(fields.options ?? parseJsonObjectColumn(current.options)),
      });
    });
  }

  async delete(name: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [pool] = await tx.query<PoolRow>(BY_NAME, { name });
      if (pool === undefined) return;
      const flavor = pool.flavor;
      if (flavor !== null) {
        const [flavorRow] = await tx.query('SELECT 1 AS found FROM "Flavors" WHERE name = @flavor', { flavor });
        const [{ count }] = await tx.query<{ count: number | string }>('SELECT COUNT(*) AS count FROM "Pools" WHERE flavor = @flavor', {
          flavor,
        });
        if (flavorRow !== undefined && Number(count) === 1) throw new PoolInUseByFlavor(name, flavor);
      }
      // Catalogue entries pointing at the pool go with it (ON DELETE CASCADE).
      await tx.execute('DELETE FROM "Pools" WHERE name = @name', { name });
    });
  }

  async dropAll(): Promise<void> {
    await this.db.execute('DELETE FROM "Pools"');
  }
}

async function assertUriFree(tx: SqlRunner, uri: string, name: string): Promise<void> {
  const owners = await tx.query('SELECT name FROM "Pools" WHERE uri = @uri AND name <> @name', { uri, name });
  if (owners.length > 0) throw new PoolAlreadyExists();
}

/** INSERT or UPDATE a whole pool; the URI's unique key has the last word. */
async function write(tx: SqlRunner, statement: string, pool: PoolParams): Promise<void> {
  try {
    await tx.execute(statement, pool);
  } catch (err) {
    throw err instanceof UniqueViolation ? new PoolAlreadyExists() : err;
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
