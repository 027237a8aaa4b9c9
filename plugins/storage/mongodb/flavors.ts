/**
 * Flavors of the MongoDB management store (Zaqar's
 * `zaqar.storage.mongodb.flavors`): collection `<database>.flavors`,
 * documents `{n: name, p: project, c: capabilities}` with the unique index
 * `flavors_name` (p, n) — a name is unique per project (null = global
 * namespace) — and Zaqar's legacy index on `s`.
 */
import type { Collection } from 'mongodb';
import { FlavorDoesNotExist } from '../../../zaqar/storage/errors';
import type { FlavorRecord, FlavorsController, Page, Project } from '../../../zaqar/storage/interfaces';
import { DEFAULT_PAGE_SIZE } from '../../../zaqar/storage/interfaces';
import { fromBson, toBson } from './bson-json';
import { isDuplicateKey, type MongoCalls } from './calls';
import { RAW_NUMBERS } from './documents';

export interface FlavorDocument {
  n: string;
  p?: string | null;
  c?: unknown;
}

type ListOptions = { marker?: string; limit?: number; detailed?: boolean };

export class MongoFlavorsController implements FlavorsController {
  constructor(
    private readonly flavors: Collection<FlavorDocument>,
    private readonly calls: MongoCalls,
  ) {}

  async list(project: Project, options: ListOptions = {}): Promise<Page<FlavorRecord>> {
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    const filter: Record<string, unknown> = { p: project };
    if (options.marker !== undefined) filter.n = { $gt: options.marker };
    const docs = await this.calls.idempotent('list flavors', () =>
      this.flavors.find(filter, RAW_NUMBERS).sort({ n: 1 }).limit(Math.max(0, limit)).toArray(),
    );
    const items = docs.map((doc) => toRecord(doc, project, options.detailed ?? false));
    return items.length > 0 ? { items, next: items[items.length - 1].name } : { items };
  }

  /** Upsert: an existing flavor of the project gets the new capabilities ({} when none, as in Zaqar). */
  async create(name: string, project: Project, capabilities?: unknown): Promise<void> {
    const upsert = () =>
      this.flavors.updateOne({ n: name, p: project }, { $set: { c: toBson(capabilities ?? {}).value } }, { upsert: true });
    try {
      await this.calls.idempotent('create flavor', upsert);
    } catch (err) {
      // A concurrent first upsert of the same flavor: it exists now, update it.
      if (!isDuplicateKey(err)) throw err;
      await this.calls.idempotent('create flavor', upsert);
    }
  }

  async get(name: string, project: Project, detailed = false): Promise<FlavorRecord> {
    const doc = await this.find(name, project);
    if (doc === null) throw new FlavorDoesNotExist(name);
    return toRecord(doc, project, detailed);
  }

  async exists(name: string, project: Project): Promise<boolean> {
    return (await this.find(name, project)) !== null;
  }

  /** Capabilities left undefined are kept. */
  async update(name: string, project: Project, capabilities?: unknown): Promise<void> {
    if (capabilities === undefined) {
      if (!(await this.exists(name, project))) throw new FlavorDoesNotExist(name);
      return;
    }
    const { matchedCount } = await this.calls.idempotent('update flavor', () =>
      this.flavors.updateOne({ n: name, p: project }, { $set: { c: toBson(capabilities).value } }),
    );
    if (matchedCount === 0) throw new FlavorDoesNotExist(name);
  }

  async delete(name: string, project: Project): Promise<void> {
    await this.calls.idempotent('delete flavor', () => this.flavors.deleteOne({ n: name, p: project }));
  }

  async dropAll(): Promise<void> {
    await this.calls.idempotent('drop flavors', () => this.flavors.deleteMany({}));
  }

  private find(name: string, project: Project): Promise<FlavorDocument | null> {
    return this.calls.idempotent('find flavor', () => this.flavors.findOne({ n: name, p: project }, RAW_NUMBERS));
  }
}

function toRecord(doc: FlavorDocument, project: Project, detailed: boolean): FlavorRecord {
  const record: FlavorRecord = { name: doc.n, project: doc.p ?? project };
  // As in Zaqar: detailed records always carry capabilities, {} when unset.
  if (detailed) record.capabilities = doc.c === undefined || doc.c === null ? {} : fromBson(doc.c);
  return record;
}
