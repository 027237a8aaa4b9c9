/**
 * Queue records of the SQL management store (`zaqar.storage.sqlalchemy.queues`),
 * in Zaqar's `Queues` table.
 *
 * Unlike the reference SQL store, listing honours the `name` substring and
 * metadata `filters` (as MongoDB does) and `count` returns the number of
 * queues, not a boolean (the reference's `calculate_resource_count` defect).
 */
import type Database from 'better-sqlite3';
import { dumpJson } from '../../../zaqar/common/json';
import { QueueDoesNotExist } from '../../../zaqar/storage/errors';
import type {
  Page,
  Project,
  QueueController,
  QueueListing,
  QueueListOptions,
  QueueMetadata,
} from '../../../zaqar/storage/interfaces';
import { DEFAULT_PAGE_SIZE } from '../../../zaqar/storage/interfaces';
import { jsonBytes, parseJsonObjectColumn } from './json-columns';

type Key = { project: string; name: string };

interface ListParams {
  project: string;
  after: string;
  nameContains: string | null;
}

export class SqlQueueController implements QueueController {
  private readonly insert: Database.Statement<Key & { metadata: Buffer }>;
  private readonly selectMetadata: Database.Statement<Key, { metadata: unknown }>;
  private readonly updateMetadata: Database.Statement<Key & { metadata: Buffer }>;
  private readonly remove: Database.Statement<Key>;
  private readonly listAfter: Database.Statement<ListParams, { name: string; metadata: unknown }>;
  private readonly countInProject: Database.Statement<{ project: string }, { count: number }>;

  constructor(db: Database.Database) {
    this.insert = db.prepare(`
      INSERT INTO Queues (project, name, metadata) VALUES (@project, @name, @metadata)
      ON CONFLICT (project, name) DO NOTHING`);
    this.selectMetadata = db.prepare('SELECT metadata FROM Queues WHERE project = @project AND name = @name');
    this.updateMetadata = db.prepare('UPDATE Queues SET metadata = @metadata WHERE project = @project AND name = @name');
    this.remove = db.prepare('DELETE FROM Queues WHERE project = @project AND name = @name');
    // instr() is a case-sensitive literal substring test (LIKE would be
    // case-insensitive and treat % and _ as wildcards).
    this.listAfter = db.prepare(`
      SELECT name, metadata FROM Queues
      WHERE project = @project AND name > @after
        AND (@nameContains IS NULL OR instr(name, @nameContains) > 0)
      ORDER BY name`);
    this.countInProject = db.prepare('SELECT COUNT(*) AS count FROM Queues WHERE project = @project');
  }

  async list(project: Project, options: QueueListOptions = {}): Promise<Page<QueueListing>> {
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    const filters = Object.entries(options.filters ?? {}).map(([key, value]) => [key, dumpJson(value)] as const);
    const items: QueueListing[] = [];
    if (limit <= 0) return { items };

    const rows = this.listAfter.iterate({
      project: storedProject(project),
      after: options.marker ?? '',
      nameContains: options.name ? options.name : null,
    });
    // Metadata filters are checked here, row by row in name order, so a page
    // is still full when enough queues match; leaving the loop early
    // finalises the statement.
    for (const row of rows) {
      const metadata = filters.length > 0 || options.detailed ? parseJsonObjectColumn(row.metadata) : undefined;
      // Exact match: same JSON value (so 1 matches 1 but neither "1" nor true).
      if (filters.some(([key, expected]) => metadata?.[key] === undefined || dumpJson(metadata[key]) !== expected)) {
        continue;
      }
      items.push(options.detailed ? { name: row.name, metadata } : { name: row.name });
      if (items.length === limit) break;
    }
    return items.length > 0 ? { items, next: items[items.length - 1].name } : { items };
  }

  async get(name: string, project: Project): Promise<QueueMetadata> {
    const row = this.selectMetadata.get({ project: storedProject(project), name });
    return row === undefined ? {} : parseJsonObjectColumn(row.metadata);
  }

  async getMetadata(name: string, project: Project): Promise<QueueMetadata> {
    const row = this.selectMetadata.get({ project: storedProject(project), name });
    if (row === undefined) throw new QueueDoesNotExist(name, project);
    return parseJsonObjectColumn(row.metadata);
  }

  async setMetadata(name: string, metadata: QueueMetadata, project: Project): Promise<void> {
    const { changes } = this.updateMetadata.run({ project: storedProject(project), name, metadata: jsonBytes(metadata) });
    if (changes === 0) throw new QueueDoesNotExist(name, project);
  }

  async create(name: string, metadata: QueueMetadata, project: Project): Promise<boolean> {
    // The UNIQUE (project, name) constraint makes exactly one creator win,
    // also across processes; an existing queue keeps its metadata.
    const { changes } = this.insert.run({ project: storedProject(project), name, metadata: jsonBytes(metadata ?? {}) });
    return changes === 1;
  }

  async exists(name: string, project: Project): Promise<boolean> {
    return this.selectMetadata.get({ project: storedProject(project), name }) !== undefined;
  }

  async delete(name: string, project: Project): Promise<void> {
    this.remove.run({ project: storedProject(project), name });
  }

  async count(project: Project): Promise<number> {
    return this.countInProject.get({ project: storedProject(project) })?.count ?? 0;
  }
}

/**
 * Zaqar stores the global namespace (null) as '' in `Queues.project`. The
 * transport rejects an empty X-Project-ID, so '' never arrives as a real
 * project; refusing it here keeps the two impossible to confuse.
 */
function storedProject(project: Project): string {
  if (project === '') throw new RangeError('project id must be null (global namespace) or non-empty');
  return project ?? '';
}
