/**
 * The queue → pool catalogue of the Redis management store (Zaqar's
 * `zaqar.storage.redis.catalogue`), in Zaqar's layout: per project the set
 * `catalogue.P` of `P.Q` members, and a hash `catalogue.P.Q` {p, p_q, p_p}
 * per mapping (keys.ts).
 *
 * The reference's version is unusable: insert checked existence with
 * swapped arguments, update wrote `pl` instead of `p_p`, reads expected text
 * where the client returns bytes. Here every
 * operation is one script, and a mapping must name an existing pool (as in
 * the SQL store, whose foreign key refuses it). A queue on the move between
 * pools also has `p_prev`, the pool it leaves (Zaqar ignores the field).
 */
import { PoolDoesNotExist, QueueNotMapped, StorageError } from '../../../zaqar/storage/errors';
import type { CatalogueController, CatalogueEntry, Project } from '../../../zaqar/storage/interfaces';
import type { RedisConnection } from './connection';
import { CATALOGUE_PREFIX, catalogueSetKey, POOLS_SET, poolKey, QueueKeys } from './keys';
import { asArray, asRequiredText, asText } from './lua';
import { DROP_CATALOGUE_SET, MAP_QUEUE, READ_CATALOGUE, UNMAP_QUEUE } from './scripts/pooling';

export class RedisCatalogueController implements CatalogueController {
  constructor(private readonly redis: RedisConnection) {}

  async list(project: Project): Promise<CatalogueEntry[]> {
    const entries = await this.read(project, '');
    return entries.sort((a, b) => (a.queue < b.queue ? -1 : a.queue > b.queue ? 1 : 0));
  }

  async listByPool(pool: string): Promise<CatalogueEntry[]> {
    // Zaqar's layout has no index by pool: read every mapping (an admin operation, not a hot path).
    const entries: CatalogueEntry[] = [];
    let cursor = '0';
    do {
      const [next, keys] = asArray(await this.redis.command(['SCAN', cursor, 'MATCH', `${CATALOGUE_PREFIX}*`, 'TYPE', 'hash', 'COUNT', '1000']));
      for (const key of asArray(keys)) {
        const [project, queue, mappedTo, previous] = asArray(await this.redis.command(['HMGET', asRequiredText(key), 'p', 'p_q', 'p_p', 'p_prev']));
        if ((asText(mappedTo) === pool || asText(previous) === pool) && asText(queue) !== undefined) {
          const entry: CatalogueEntry = { queue: asRequiredText(queue), project: asText(project) ?? null, pool: asRequiredText(mappedTo) };
          if (asText(previous)) entry.previous = asRequiredText(previous);
          entries.push(entry);
        }
      }
      cursor = asRequiredText(next);
    } while (cursor !== '0');
    return entries.sort((a, b) => `${a.project}/${a.queue}`.localeCompare(`${b.project}/${b.queue}`));
  }

  async get(project: Project, queue: string): Promise<CatalogueEntry> {
    const [entry] = await this.read(project, new QueueKeys(queue, project).queue);
    if (entry === undefined) throw new QueueNotMapped(queue, project);
    return entry;
  }

  async exists(project: Project, queue: string): Promise<boolean> {
    return (await this.read(project, new QueueKeys(queue, project).queue)).length > 0;
  }

  async insert(project: Project, queue: string, pool: string): Promise<void> {
    await this.map(project, queue, pool, 'insert');
  }

  async update(project: Project, queue: string, pool: string, previous?: string | null): Promise<void> {
    await this.map(project, queue, pool, 'update', previous ?? '');
  }

  async delete(project: Project, queue: string): Promise<void> {
    const keys = new QueueKeys(queue, project);
    await this.redis.write(UNMAP_QUEUE, [keys.catalogueSet, keys.catalogueEntry], [keys.queue]);
  }

  async dropAll(): Promise<void> {
    // Zaqar's layout has no index of projects: find their catalogue sets.
    let cursor = '0';
    do {
      const [next, keys] = asArray(await this.redis.command(['SCAN', cursor, 'MATCH', `${CATALOGUE_PREFIX}*`, 'COUNT', '1000']));
      for (const key of asArray(keys)) await this.redis.write(DROP_CATALOGUE_SET, [asRequiredText(key)], []);
      cursor = asRequiredText(next);
    } while (cursor !== '0');
  }

  private async map(project: Project, queue: string, pool: string, mode: 'insert' | 'update', previous = ''): Promise<void> {
    const keys = new QueueKeys(queue, project);
    const reply = asText(
      await this.redis.write(
        MAP_QUEUE,
        [keys.catalogueSet, keys.catalogueEntry, POOLS_SET, poolKey(pool)],
        [keys.queue, queue, project ?? '', project === null ? 0 : 1, pool, mode, previous],
      ),
    );
    if (reply === 'NO_POOL') throw new PoolDoesNotExist(pool);
    if (reply === 'NOT_MAPPED') throw new QueueNotMapped(queue, project);
    if (reply === 'KEY_TAKEN') {
      throw new StorageError(`Redis key ${keys.catalogueEntry} already holds another record; queue ${queue} not mapped`);
    }
  }

  /** Mappings of the project: all of them (`member` '') or the one of member `P.Q`. */
  private async read(project: Project, member: string): Promise<CatalogueEntry[]> {
    const reply = asArray(await this.redis.read(READ_CATALOGUE, [catalogueSetKey(project)], [member]));
    const entries: CatalogueEntry[] = [];
    for (let i = 0; i + 2 < reply.length; i += 3) {
      const entry: CatalogueEntry = { queue: asRequiredText(reply[i]), project, pool: asRequiredText(reply[i + 1]) };
      const previous = asText(reply[i + 2]);
      if (previous) entry.previous = previous;
      entries.push(entry);
    }
    return entries;
  }
}
