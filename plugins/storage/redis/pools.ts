/**
 * Pools of the Redis management store (Zaqar's `zaqar.storage.redis.pools`):
 * the `pools` set and `<pool>.pools` hashes of Zaqar's layout.
 *
 * Same contract as the SQL store: a URI belongs to one pool
 * (PoolAlreadyExists), getPoolsByFlavor(null) returns the pools without a
 * flavor, and the last pool of an existing flavor cannot be deleted.
 * Listing sorts by name in code: the members (`<name>.pools`) do not sort
 * like the names (`a-b.pools` < `a.pools`, but `a` < `a-b`).
 */
import { PoolAlreadyExists, PoolDoesNotExist, PoolInUseByFlavor, StorageError } from '../../../zaqar/storage/errors';
import type { Page, PoolRecord, PoolsController } from '../../../zaqar/storage/interfaces';
import { DEFAULT_PAGE_SIZE } from '../../../zaqar/storage/interfaces';
import type { RedisConnection } from './connection';
import { decodeJsonObjectField, encodeJsonField } from './json-fields';
import { POOLS_SET, poolKey } from './keys';
import { asArray, asBuffer, asNumber, asRequiredText, asText, type Arg, type Reply } from './lua';
import { DELETE_POOL, DROP_SET, LIST_POOLS, PUT_POOL, UPDATE_POOL } from './scripts/pooling';

const POOL_FIELDS = 6;

type PoolFields = Partial<Omit<PoolRecord, 'name'>>;

export class RedisPoolsController implements PoolsController {
  constructor(private readonly redis: RedisConnection) {}

  async list(options: { marker?: string; limit?: number; detailed?: boolean } = {}): Promise<Page<PoolRecord>> {
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    const after = options.marker ?? '';
    const pools = (await this.all(options.detailed ?? false)).filter((pool) => pool.name > after);
    // limit 0 lists every pool, as in Zaqar.
    const items = limit > 0 ? pools.slice(0, limit) : pools;
    return items.length > 0 ? { items, next: items[items.length - 1].name } : { items };
  }

  async create(name: string, weight: number, uri: string, flavor: string | null, options: Record<string, unknown>): Promise<void> {
    // PUT overwrites the whole pool; missing options become {} (as Zaqar's PUT /v2/pools/{name}).
    const [packed, exact] = encodeJsonField(options ?? {});
    const reply = asText(await this.redis.write(PUT_POOL, [POOLS_SET, poolKey(name)], [name, uri, weight, flavor ?? '', packed, exact]));
    if (reply === 'URI_TAKEN') throw new PoolAlreadyExists();
    if (reply === 'KEY_TAKEN') throw new StorageError(`Redis key ${poolKey(name)} already holds another record; pool ${name} not created`);
  }

  async get(name: string, detailed = false): Promise<PoolRecord> {
    const reply = asArray(await this.redis.command(['HMGET', poolKey(name), 'pl', 'u', 'w', 'f', 'o', 'o.j'], true));
    if (reply[0] === null) throw new PoolDoesNotExist(name);
    return toRecord(reply, 0, detailed);
  }

  async getPoolsByFlavor(flavor: string | null, detailed = false): Promise<PoolRecord[]> {
    const wanted = flavor ? flavor : null;
    return (await this.all(detailed)).filter((pool) => pool.flavor === wanted);
  }

  async exists(name: string): Promise<boolean> {
    return (await this.redis.command(['HEXISTS', poolKey(name), 'pl'])) === 1;
  }

  async update(name: string, fields: PoolFields): Promise<void> {
    const changes: Arg[] = [];
    if (fields.uri !== undefined) changes.push('uri', fields.uri);
    if (fields.weight !== undefined) changes.push('weight', fields.weight);
    // An empty-string flavor means "no flavor" (as in Zaqar's pools controllers).
    if (fields.flavor !== undefined) changes.push('flavor', fields.flavor ?? '');
    if (fields.options !== undefined) {
      const [packed, exact] = encodeJsonField(fields.options ?? {});
      changes.push('options', packed, 'options_json', exact);
    }
    const reply = asText(await this.redis.write(UPDATE_POOL, [POOLS_SET, poolKey(name)], [name, ...changes]));
    if (reply === 'NO_POOL') throw new PoolDoesNotExist(name);
    if (reply === 'URI_TAKEN') throw new PoolAlreadyExists();
  }

  async delete(name: string): Promise<void> {
    const reply = await this.redis.write(DELETE_POOL, [POOLS_SET, poolKey(name)], []);
    if (Array.isArray(reply)) throw new PoolInUseByFlavor(name, asRequiredText(reply[1]));
  }

  async dropAll(): Promise<void> {
    await this.redis.write(DROP_SET, [POOLS_SET], []);
  }

  /** Every pool, sorted by name. */
  private async all(detailed: boolean): Promise<PoolRecord[]> {
    const reply = asArray(await this.redis.read(LIST_POOLS, [POOLS_SET], []));
    const pools: PoolRecord[] = [];
    for (let i = 0; i + POOL_FIELDS <= reply.length; i += POOL_FIELDS) pools.push(toRecord(reply, i, detailed));
    return pools.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

/** {pl, u, w, f, o, o.j} at `offset` as a PoolRecord. */
function toRecord(values: Reply[], offset: number, detailed: boolean): PoolRecord {
  const flavor = asText(values[offset + 3]);
  const record: PoolRecord = {
    name: asRequiredText(values[offset]),
    uri: asRequiredText(values[offset + 1]),
    weight: asNumber(values[offset + 2]),
    flavor: flavor ? flavor : null,
  };
  if (detailed) record.options = decodeJsonObjectField(asBuffer(values[offset + 4]), asText(values[offset + 5]));
  return record;
}
