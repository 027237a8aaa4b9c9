/**
 * Queue records of the SQL management store (`zaqar.storage.sqlalchemy.queues`),
 * in Zaqar's `Queues` table; topic records alike in `Topics` (schema.ts).
 *
 * Unlike the reference SQL store, listing honours the `name` substring and
 * metadata `filters` (as MongoDB does) and `count` returns the number of
 * queues, not a boolean (the reference's `calculate_resource_count` defect).
 */
import { dumpJson } from '../../../zaqar/common/json';
import { type DoesNotExist, QueueDoesNotExist, TopicDoesNotExist } from '../../../zaqar/storage/errors';
import type { Page, Project, QueueController, QueueListing, QueueListOptions, QueueMetadata } from '../../../zaqar/storage/interfaces';
import { DEFAULT_PAGE_SIZE } from '../../../zaqar/storage/interfaces';
import { type SqlClient, UniqueViolation } from './client';
import { jsonBytes, parseJsonObjectColumn } from './json-columns';

/** Rows read per round trip while metadata filters skip queues. */
const FILTERED_BATCH = 100;

/** A table of named records with metadata: "Queues", or "Topics" beside it. */
export interface RecordTable {
  table: 'Queues' | 'Topics';
  /** What a missing record throws. */
  missing: new (name: string, project: Project) => DoesNotExist;
}

export const QUEUES: RecordTable = { table: 'Queues', missing: QueueDoesNotExist };
export const TOPICS: RecordTable = { table: 'Topics', missing: TopicDoesNotExist };

export class SqlQueueController implements QueueController {
  private readonly selectMetadata: string;

  constructor(
    private readonly db: SqlClient,
    private readonly records: RecordTable = QUEUES,
  ) {
    this.selectMetadata = `SELECT metadata FROM "${records.table}" WHERE project = @project AND name = @name`;
  }

  async list(project: Project, options: QueueListOptions = {}): Promise<Page<QueueListing>> {
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    const filters = Object.entries(options.filters ?? {}).map(([key, value]) => [key, dumpJson(value)] as const);
    const items: QueueListing[] = [];
    if (limit <= 0) return { items };

    const withMetadata = filters.length > 0 || options.detailed === true;
    const nameContains = options.name ? ` AND ${this.db.dialect.contains('name', '@nameContains')}` : '';
    const sql = `
      SELECT name${withMetadata ? ', metadata' : ''} FROM "${this.records.table}"
      WHERE project = @project AND name > @after${nameContains}
      ORDER BY name LIMIT @batch`;
    // Metadata filters are checked here, row by row in name order, so a page
    // is still full when enough queues match: batches are read until it is.
    const batch = filters.length > 0 ? Math.max(limit, FILTERED_BATCH) : limit;
    let after = options.marker ?? '';
    for (;;) {
      const rows = await this.db.query<{ name: string; metadata?: unknown }>(sql, {
        project: storedProject(project),
        after,
        batch,
        ...(options.name ? { nameContains: options.name } : {}),
      });
      for (const row of rows) {
        const metadata = withMetadata ? parseJsonObjectColumn(row.metadata) : undefined;
        // Exact match: same JSON value (so 1 matches 1 but neither "1" nor true).
        if (filters.some(([key, expected]) => metadata?.[key] === undefined || dumpJson(metadata[key]) !== expected)) {
          continue;
        }
        items.push(options.detailed ? { name: row.name, metadata } : { name: row.name });
        if (items.length === limit) return { items, next: row.name };
      }
      if (rows.length < batch) break;
      after = rows[rows.length - 1].name;
    }
    return items.length > 0 ? { items, next: items[items.length - 1].name } : { items };
  }

  async get(name: string, project: Project): Promise<QueueMetadata> {
    const [row] = await this.db.query<{ metadata: unknown }>(this.selectMetadata, { project: storedProject(project), name });
    return row === undefined ? {} : parseJsonObjectColumn(row.metadata);
  }

  async getMetadata(name: string, project: Project): Promise<QueueMetadata> {
    const [row] = await this.db.query<{ metadata: unknown }>(this.selectMetadata, { project: storedProject(project), name });
    if (row === undefined) throw new this.records.missing(name, project);
    return parseJsonObjectColumn(row.metadata);
  }

  async setMetadata(name: string, metadata: QueueMetadata, project: Project): Promise<void> {
    const { changes } = await this.db.execute(`UPDATE "${this.records.table}" SET metadata = @metadata WHERE project = @project AND name = @name`, {
      project: storedProject(project),
      name,
      metadata: jsonBytes(metadata),
    });
    if (changes === 0) throw new this.records.missing(name, project);
  }

  async create(name: string, metadata: QueueMetadata, project: Project): Promise<boolean> {
    // The UNIQUE (project, name) constraint makes exactly one creator win,
    // also across processes; an existing queue keeps its metadata (as Zaqar's create).
    try {
      await this.db.execute(`INSERT INTO "${this.records.table}" (project, name, metadata) VALUES (@project, @name, @metadata)`, {
        project: storedProject(project),
        name,
        metadata: jsonBytes(metadata ?? {}),
      });
      return true;
    } catch (err) {
      if (err instanceof UniqueViolation) return false;
      throw err;
    }
  }

  async exists(name: string, project: Project): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 AS found FROM "${this.records.table}" WHERE project = @project AND name = @name`, {
      project: storedProject(project),
      name,
    });
    return rows.length > 0;
  }

  async delete(name: string, project: Project): Promise<void> {
    await this.db.execute(`DELETE FROM "${this.records.table}" WHERE project = @project AND name = @name`, { project: storedProject(project), name });
  }

  async count(project: Project): Promise<number> {
    // COUNT(*) is a bigint: PostgreSQL's driver returns it as a string.
    const [row] = await this.db.query<{ count: number | string }>(`SELECT COUNT(*) AS count FROM "${this.records.table}" WHERE project = @project`, {
      project: storedProject(project),
    });
    return Number(row?.count ?? 0);
  }
}

/**
 * Zaqar stores the global namespace (null) as '' in `Queues.project` (and so do we in `Topics.project`). The
 * transport rejects an empty X-Project-ID, so '' never arrives as a real
 * project; refusing it here keeps the two impossible to confuse.
 */
function storedProject(project: Project): string {
  if (project === '') throw new RangeError('project id must be null (global namespace) or non-empty');
  return project ?? '';
}
