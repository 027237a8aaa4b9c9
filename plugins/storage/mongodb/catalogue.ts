/**
 * The queue → pool catalogue of the MongoDB management store
 * (Zaqar's `zaqar.storage.mongodb.catalogue`): collection
 * `<database>.catalogue`, documents `{p_q: "<project>/<queue>", s: pool}`
 * with a unique index on `p_q`.
 */
import type { Collection } from 'mongodb';
import { QueueNotMapped } from '../../../zaqar/storage/errors';
import type { CatalogueController, CatalogueEntry, Project } from '../../../zaqar/storage/interfaces';
import { isDuplicateKey, type MongoCalls } from './calls';
import { parseScope, projectScopeFilter, scopeOf } from './scope';

export interface CatalogueDocument {
  p_q: string;
  s: string;
  /** Ours: the pool a queue on the move leaves (Zaqar ignores the field). */
  m?: string;
}

export class MongoCatalogueController implements CatalogueController {
  constructor(
    private readonly catalogue: Collection<CatalogueDocument>,
    private readonly calls: MongoCalls,
  ) {}

  async list(project: Project): Promise<CatalogueEntry[]> {
    const docs = await this.calls.idempotent('list catalogue', () =>
      this.catalogue.find(projectScopeFilter(project)).sort({ p_q: 1 }).toArray(),
    );
    return docs.map(toEntry);
  }

  async listByPool(pool: string): Promise<CatalogueEntry[]> {
    const docs = await this.calls.idempotent('list catalogue by pool', () =>
      this.catalogue.find({ $or: [{ s: pool }, { m: pool }] }).sort({ p_q: 1 }).toArray(),
    );
    return docs.map(toEntry);
  }

  async get(project: Project, queue: string): Promise<CatalogueEntry> {
    const doc = await this.find(project, queue);
    if (doc === null) throw new QueueNotMapped(queue, project);
    return toEntry(doc);
  }

  async exists(project: Project, queue: string): Promise<boolean> {
    return (await this.find(project, queue)) !== null;
  }

  async insert(project: Project, queue: string, pool: string): Promise<void> {
    const upsert = () => this.catalogue.updateOne({ p_q: scopeOf(queue, project) }, { $set: { s: pool }, $unset: { m: '' } }, { upsert: true });
    try {
      await this.calls.idempotent('map queue', upsert);
    } catch (err) {
      // A concurrent first upsert: the entry exists now, update it.
      if (!isDuplicateKey(err)) throw err;
      await this.calls.idempotent('map queue', upsert);
    }
  }

  async delete(project: Project, queue: string): Promise<void> {
    await this.calls.idempotent('unmap queue', () => this.catalogue.deleteOne({ p_q: scopeOf(queue, project) }));
  }

  async update(project: Project, queue: string, pool: string, previous?: string | null): Promise<void> {
    const change = previous ? { $set: { s: pool, m: previous } } : { $set: { s: pool }, $unset: { m: '' as const } };
    const { matchedCount } = await this.calls.idempotent('remap queue', () => this.catalogue.updateOne({ p_q: scopeOf(queue, project) }, change));
    if (matchedCount === 0) throw new QueueNotMapped(queue, project);
  }

  async dropAll(): Promise<void> {
    await this.calls.idempotent('drop catalogue', () => this.catalogue.deleteMany({}));
  }

  private find(project: Project, queue: string): Promise<CatalogueDocument | null> {
    return this.calls.idempotent('find catalogue entry', () => this.catalogue.findOne({ p_q: scopeOf(queue, project) }));
  }
}

function toEntry(doc: CatalogueDocument): CatalogueEntry {
  const { project, queue } = parseScope(doc.p_q);
  const entry: CatalogueEntry = { queue, project, pool: doc.s };
  if (doc.m) entry.previous = doc.m;
  return entry;
}
