/**
 * Flavors of the SQL management store (`zaqar.storage.sqlalchemy.flavors`),
 * in Zaqar's `Flavors` table. Flavors are looked up per project (NULL =
 * global namespace), but Zaqar's table keys them by name alone, so a name can
 * belong to one project only: creating it in a second project throws
 * Conflict instead of silently touching the other project's flavor.
 */
import type Database from 'better-sqlite3';
import { Conflict, FlavorDoesNotExist } from '../../../zaqar/storage/errors';
import type { FlavorRecord, FlavorsController, Page, Project } from '../../../zaqar/storage/interfaces';
import { DEFAULT_PAGE_SIZE } from '../../../zaqar/storage/interfaces';
import { jsonText, parseJsonColumn } from './json-columns';

type Key = { name: string; project: Project };
type ListOptions = { marker?: string; limit?: number; detailed?: boolean };

interface FlavorRow {
  name: string;
  project: Project;
  capabilities: unknown;
}

export class SqlFlavorsController implements FlavorsController {
  private readonly listAfter: Database.Statement<{ project: Project; after: string; limit: number }, FlavorRow>;
  private readonly byKey: Database.Statement<Key, FlavorRow>;
  private readonly ownerOf: Database.Statement<{ name: string }, { project: Project }>;
  private readonly upsert: Database.Statement<Key & { capabilities: string | null }>;
  private readonly setCapabilities: Database.Statement<Key & { capabilities: string | null }>;
  private readonly remove: Database.Statement<Key>;
  private readonly removeAll: Database.Statement<[]>;
  private readonly createFlavor: Database.Transaction<(key: Key, capabilities: string | null) => void>;

  constructor(db: Database.Database) {
    const columns = 'name, project, capabilities';
    // LIMIT -1 = no limit (limit 0 lists everything, as in Zaqar).
    this.listAfter = db.prepare(`
      SELECT ${columns} FROM Flavors WHERE project IS @project AND name > @after ORDER BY name LIMIT @limit`);
    this.byKey = db.prepare(`SELECT ${columns} FROM Flavors WHERE name = @name AND project IS @project`);
    this.ownerOf = db.prepare('SELECT project FROM Flavors WHERE name = @name');
    this.upsert = db.prepare(`
      INSERT INTO Flavors (name, project, capabilities) VALUES (@name, @project, @capabilities)
      ON CONFLICT (name) DO UPDATE SET capabilities = excluded.capabilities`);
    this.setCapabilities = db.prepare(
      'UPDATE Flavors SET capabilities = @capabilities WHERE name = @name AND project IS @project',
    );
    this.remove = db.prepare('DELETE FROM Flavors WHERE name = @name AND project IS @project');
    this.removeAll = db.prepare('DELETE FROM Flavors');

    this.createFlavor = db.transaction((key: Key, capabilities: string | null) => {
      const owner = this.ownerOf.get({ name: key.name });
      if (owner !== undefined && owner.project !== key.project) {
        throw new Conflict(`Flavor ${key.name} already exists in another project`);
      }
      this.upsert.run({ ...key, capabilities });
    });
  }

  async list(project: Project, options: ListOptions = {}): Promise<Page<FlavorRecord>> {
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    const rows = this.listAfter.all({ project, after: options.marker ?? '', limit: limit > 0 ? limit : -1 });
    const items = rows.map((row) => toRecord(row, options.detailed ?? false));
    return items.length > 0 ? { items, next: items[items.length - 1].name } : { items };
  }

  /** Upsert: an existing flavor of the project gets the new capabilities. */
  async create(name: string, project: Project, capabilities?: unknown): Promise<void> {
    this.createFlavor.immediate({ name, project }, encodeCapabilities(capabilities));
  }

  async get(name: string, project: Project, detailed = false): Promise<FlavorRecord> {
    const row = this.byKey.get({ name, project });
    if (row === undefined) throw new FlavorDoesNotExist(name);
    return toRecord(row, detailed);
  }

  async exists(name: string, project: Project): Promise<boolean> {
    return this.byKey.get({ name, project }) !== undefined;
  }

  /** Capabilities left undefined are kept. */
  async update(name: string, project: Project, capabilities?: unknown): Promise<void> {
    if (capabilities === undefined) {
      if (!(await this.exists(name, project))) throw new FlavorDoesNotExist(name);
      return;
    }
    const { changes } = this.setCapabilities.run({ name, project, capabilities: encodeCapabilities(capabilities) });
    if (changes === 0) throw new FlavorDoesNotExist(name);
  }

  async delete(name: string, project: Project): Promise<void> {
    this.remove.run({ name, project });
  }

  async dropAll(): Promise<void> {
    this.removeAll.run();
  }
}

function encodeCapabilities(capabilities: unknown): string | null {
  return capabilities === undefined || capabilities === null ? null : jsonText(capabilities);
}

function toRecord(row: FlavorRow, detailed: boolean): FlavorRecord {
  const record: FlavorRecord = { name: row.name, project: row.project };
  // As in Zaqar: detailed records always carry capabilities, {} when unset.
  if (detailed) record.capabilities = parseJsonColumn(row.capabilities) ?? {};
  return record;
}
