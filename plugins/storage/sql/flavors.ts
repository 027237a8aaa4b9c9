/**
 * Flavors of the SQL management store (`zaqar.storage.sqlalchemy.flavors`),
 * in Zaqar's `Flavors` table. Flavors are looked up per project (NULL =
 * global namespace), but Zaqar's table keys them by name alone, so a name can
 * belong to one project only: creating it in a second project throws
 * Conflict instead of silently touching the other project's flavor.
 */
import { Conflict, FlavorDoesNotExist } from '../../../zaqar/storage/errors';
import type { FlavorRecord, FlavorsController, Page, Project } from '../../../zaqar/storage/interfaces';
import { DEFAULT_PAGE_SIZE } from '../../../zaqar/storage/interfaces';
import type { SqlClient } from './client';
import { jsonText, parseJsonColumn } from './json-columns';

type ListOptions = { marker?: string; limit?: number; detailed?: boolean };

interface FlavorRow {
  name: string;
  project: Project;
  capabilities: unknown;
}

export class SqlFlavorsController implements FlavorsController {
  private readonly inProject: string;
  private readonly byKey: string;
  private readonly setCapabilities: string;
  private readonly remove: string;

  constructor(private readonly db: SqlClient) {
    const project = db.dialect.sameValue('project', '@project');
    this.inProject = `SELECT name, project, capabilities FROM "Flavors" WHERE ${project} AND name > @after ORDER BY name`;
    this.byKey = `SELECT name, project, capabilities FROM "Flavors" WHERE name = @name AND ${project}`;
    this.setCapabilities = `UPDATE "Flavors" SET capabilities = @capabilities WHERE name = @name AND ${project}`;
    this.remove = `DELETE FROM "Flavors" WHERE name = @name AND ${project}`;
  }

  async list(project: Project, options: ListOptions = {}): Promise<Page<FlavorRecord>> {
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    // Limit 0 lists every flavor, as in Zaqar.
    const rows = await this.db.query<FlavorRow>(limit > 0 ? `${this.inProject} LIMIT @limit` : this.inProject, {
      project,
      after: options.marker ?? '',
      ...(limit > 0 ? { limit } : {}),
    });
    const items = rows.map((row) => toRecord(row, options.detailed ?? false));
    return items.length > 0 ? { items, next: items[items.length - 1].name } : { items };
  }

  /** Upsert: an existing flavor of the project gets the new capabilities. */
  async create(name: string, project: Project, capabilities?: unknown): Promise<void> {
    const encoded = encodeCapabilities(capabilities);
    await this.db.transaction(async (tx) => {
      const [owner] = await tx.query<{ project: Project }>('SELECT project FROM "Flavors" WHERE name = @name', { name });
      if (owner === undefined) {
        await tx.execute('INSERT INTO "Flavors" (name, project, capabilities) VALUES (@name, @project, @capabilities)', {
          name,
          project,
          capabilities: encoded,
        });
      } else if (owner.project === project) {
        await tx.execute(this.setCapabilities, { name, project, capabilities: encoded });
      } else {
        throw new Conflict(`Flavor ${name} already exists in another project`);
      }
    });
  }

  async get(name: string, project: Project, detailed = false): Promise<FlavorRecord> {
    const [row] = await this.db.query<FlavorRow>(this.byKey, { name, project });
    if (row === undefined) throw new FlavorDoesNotExist(name);
    return toRecord(row, detailed);
  }

  async exists(name: string, project: Project): Promise<boolean> {
    return (await this.db.query(this.byKey, { name, project })).length > 0;
  }

  /** Capabilities left undefined are kept. */
  async update(name: string, project: Project, capabilities?: unknown): Promise<void> {
    if (capabilities === undefined) {
      if (!(await this.exists(name, project))) throw new FlavorDoesNotExist(name);
      return;
    }
    const { changes } = await this.db.execute(this.setCapabilities, { name, project, capabilities: encodeCapabilities(capabilities) });
    if (changes === 0) throw new FlavorDoesNotExist(name);
  }

  async delete(name: string, project: Project): Promise<void> {
    await this.db.execute(this.remove, { name, project });
  }

  async dropAll(): Promise<void> {
    await this.db.execute('DELETE FROM "Flavors"');
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
