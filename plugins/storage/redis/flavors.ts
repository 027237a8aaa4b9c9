/**
 * Flavors of the Redis management store (Zaqar's
 * `zaqar.storage.redis.flavors`): the `flavors` set and `<flavor>.flavors`
 * hashes of Zaqar's layout.
 *
 * Flavors are looked up per project (the reference ignored the project on
 * `get`); a name belongs to one project, as in Zaqar's SQL schema (one hash
 * per name), so creating it in a second project throws Conflict. The
 * project is the hash's `p` field, absent for the global namespace.
 */
import { Conflict, FlavorDoesNotExist, StorageError } from '../../../zaqar/storage/errors';
import type { FlavorRecord, FlavorsController, Page, Project } from '../../../zaqar/storage/interfaces';
import { DEFAULT_PAGE_SIZE } from '../../../zaqar/storage/interfaces';
import type { RedisConnection } from './connection';
import { decodeJsonField, encodeJsonField } from './json-fields';
import { FLAVORS_SET, flavorKey } from './keys';
import { asArray, asBuffer, asRequiredText, asText, type Reply } from './lua';
import { DELETE_FLAVOR, DROP_SET, LIST_FLAVORS, PUT_FLAVOR, UPDATE_FLAVOR } from './scripts/pooling';

const FLAVOR_FIELDS = 4;

type ListOptions = { marker?: string; limit?: number; detailed?: boolean };

export class RedisFlavorsController implements FlavorsController {
  constructor(private readonly redis: RedisConnection) {}

  async list(project: Project, options: ListOptions = {}): Promise<Page<FlavorRecord>> {
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    const after = options.marker ?? '';
    const reply = asArray(await this.redis.read(LIST_FLAVORS, [FLAVORS_SET], []));
    const flavors: FlavorRecord[] = [];
    for (let i = 0; i + FLAVOR_FIELDS <= reply.length; i += FLAVOR_FIELDS) {
      const record = toRecord(reply, i, options.detailed ?? false);
      if (record.project === project && record.name > after) flavors.push(record);
    }
    flavors.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    // limit 0 lists everything, as in Zaqar.
    const items = limit > 0 ? flavors.slice(0, limit) : flavors;
    return items.length > 0 ? { items, next: items[items.length - 1].name } : { items };
  }

  /** Upsert: an existing flavor of the project gets the new capabilities. */
  async create(name: string, project: Project, capabilities?: unknown): Promise<void> {
    const [packed, exact] = capabilities === undefined || capabilities === null ? ['', ''] : encodeJsonField(capabilities);
    const reply = asText(
      await this.redis.write(PUT_FLAVOR, [FLAVORS_SET, flavorKey(name)], [name, project ?? '', project === null ? 0 : 1, packed, exact]),
    );
    if (reply === 'OTHER_PROJECT') throw new Conflict(`Flavor ${name} already exists in another project`);
    if (reply === 'KEY_TAKEN') throw new StorageError(`Redis key ${flavorKey(name)} already holds another record; flavor ${name} not created`);
  }

  async get(name: string, project: Project, detailed = false): Promise<FlavorRecord> {
    const reply = asArray(await this.redis.command(['HMGET', flavorKey(name), 'f', 'p', 'c', 'c.j'], true));
    if (reply[0] === null) throw new FlavorDoesNotExist(name);
    const record = toRecord(reply, 0, detailed);
    if (record.project !== project) throw new FlavorDoesNotExist(name);
    return record;
  }

  async exists(name: string, project: Project): Promise<boolean> {
    const [flavor, owner] = asArray(await this.redis.command(['HMGET', flavorKey(name), 'f', 'p']));
    return flavor !== null && asText(owner) === project;
  }

  /** Capabilities left undefined are kept. */
  async update(name: string, project: Project, capabilities?: unknown): Promise<void> {
    if (capabilities === undefined) {
      if (!(await this.exists(name, project))) throw new FlavorDoesNotExist(name);
      return;
    }
    const [packed, exact] = encodeJsonField(capabilities);
    const reply = await this.redis.write(UPDATE_FLAVOR, [FLAVORS_SET, flavorKey(name)], [project ?? '', project === null ? 0 : 1, packed, exact]);
    if (reply !== 1) throw new FlavorDoesNotExist(name);
  }

  async delete(name: string, project: Project): Promise<void> {
    await this.redis.write(DELETE_FLAVOR, [FLAVORS_SET, flavorKey(name)], [project ?? '', project === null ? 0 : 1]);
  }

  async dropAll(): Promise<void> {
    await this.redis.write(DROP_SET, [FLAVORS_SET], []);
  }
}

/** {f, p, c, c.j} at `offset` as a FlavorRecord. */
function toRecord(values: Reply[], offset: number, detailed: boolean): FlavorRecord {
  const record: FlavorRecord = { name: asRequiredText(values[offset]), project: asText(values[offset + 1]) };
  // As in Zaqar: detailed records always carry capabilities, {} when unset.
  if (detailed) record.capabilities = decodeJsonField(asBuffer(values[offset + 2]), asText(values[offset + 3])) ?? {};
  return record;
}
