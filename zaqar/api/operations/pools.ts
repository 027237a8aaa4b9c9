/**
 * Pool operations (admin; Zaqar's `zaqar.transport.wsgi.v2_0.pools`,
 * without its HTTP): list, get, create or overwrite, update, delete.
 *
 * Beyond Zaqar: a pool that still serves queues is not deleted (Zaqar
 * deletes it and strands their messages): the caller drains it first
 * (`zaqar-manage pools drain`).
 */
import { PoolAlreadyExists, PoolCapabilitiesMismatch, PoolDoesNotExist, PoolInUseByFlavor } from '../../storage/errors';
import type { PoolRecord } from '../../storage/interfaces';
import type { RequestBody } from '../body';
import { DomainError, invalidBody, notFound } from '../errors';
import { schemaCheck } from '../rules/schema';
import { guarded, valid, type OperationDeps } from './deps';

/** Zaqar's `zaqar.common.api.schemas.pools`. */
const WEIGHT = { type: 'integer', minimum: 0, maximum: 2 ** 32 - 1 };
const URI = { type: 'string', minLength: 0, maxLength: 255 };
const FLAVOR = { type: 'string', minLength: 0, maxLength: 255 };
const OPTIONS = { type: 'object' };
const checkCreate = schemaCheck({
  type: 'object',
  properties: { weight: WEIGHT, flavor: FLAVOR, uri: URI, options: OPTIONS },
  required: ['uri', 'weight'],
  additionalProperties: false,
});
const checkField = {
  weight: schemaCheck({ type: 'object', properties: { weight: WEIGHT } }),
  uri: schemaCheck({ type: 'object', properties: { uri: URI } }),
  flavor: schemaCheck({ type: 'object', properties: { flavor: FLAVOR } }),
  options: schemaCheck({ type: 'object', properties: { options: OPTIONS } }),
};

export interface PoolListInput {
  marker?: string;
  limit?: number;
  detailed?: boolean;
}

/** The fields a PATCH may change (v1.1 cannot change the flavor). */
export type PoolField = 'weight' | 'uri' | 'flavor' | 'options';

export class PoolOperations {
  constructor(private readonly deps: OperationDeps) {}

  private get admin() {
    if (this.deps.pooling === undefined) throw new Error('pool operations need pooling');
    return this.deps.pooling;
  }

  list(input: PoolListInput, validateLimit = true): Promise<{ pools: PoolRecord[]; next?: string }> {
    if (validateLimit) valid(() => this.deps.validator.poolListing(input.limit));
    return guarded(async () => {
      const page = await this.deps.storage.pools.list({ marker: input.marker, limit: input.limit, detailed: input.detailed ?? false });
      return { pools: page.items, next: page.next };
    });
  }

  get(name: string, detailed: boolean): Promise<PoolRecord> {
    return guarded(async () => {
      try {
        return await this.deps.storage.pools.get(name, detailed);
      } catch (err) {
        if (err instanceof PoolDoesNotExist) throw notFound(err.message);
        throw err;
      }
    });
  }

  /** Creates the pool, or overwrites the one of that name. `withFlavor` false ignores `flavor` (v1.1). */
  async create(name: string, body: RequestBody, withFlavor = true): Promise<void> {
    const document = body.document() as Record<string, unknown>;
    checkCreate(document);
    const uri = document.uri as string;
    const options = (document.options ?? {}) as Record<string, unknown>;
    const flavor = withFlavor && typeof document.flavor === 'string' && document.flavor !== '' ? document.flavor : null;
    const admin = this.admin;
    await guarded(async () => {
      if (!(await admin.canConnect(uri, options))) throw invalidBody(`cannot connect to ${uri}`);
      try {
        await admin.checkCapabilities(uri, flavor);
        await this.deps.storage.pools.create(name, document.weight as number, uri, flavor, options);
      } catch (err) {
        if (err instanceof PoolCapabilitiesMismatch) throw new DomainError('pool_incompatible', err.message);
        if (err instanceof PoolAlreadyExists) throw new DomainError('conflict', err.message);
        throw err;
      }
    });
  }

  /**
   * Changes the given fields (those of `fields` the document has); returns
   * the pool (not detailed). `nothingToDo` is the text when it has none.
   */
  async update(name: string, body: RequestBody, fields: readonly PoolField[], nothingToDo: string): Promise<PoolRecord> {
    const document = body.document() as Record<string, unknown>;
    if (document === null || typeof document !== 'object' || !fields.some((field) => field in document)) {
      throw invalidBody(nothingToDo);
    }
    for (const field of fields) checkField[field](document);
    const changes: Partial<Omit<PoolRecord, 'name'>> = {};
    for (const field of fields) {
      const value = document[field];
      if (value === null || value === undefined) continue;
      if (field === 'flavor') changes.flavor = value === '' ? null : (value as string);
      else (changes as Record<string, unknown>)[field] = value;
    }
    const admin = this.admin;
    return guarded(async () => {
      if (changes.uri !== undefined && !(await admin.canConnect(changes.uri, changes.options))) {
        throw invalidBody(`cannot connect to ${changes.uri}`);
      }
      try {
        if (changes.uri !== undefined || changes.flavor !== undefined) {
          const current = await this.deps.storage.pools.get(name);
          const flavor = changes.flavor !== undefined ? changes.flavor : current.flavor;
          await admin.checkCapabilities(changes.uri ?? current.uri, flavor, name);
        }
        await this.deps.storage.pools.update(name, changes);
        return await this.deps.storage.pools.get(name, false);
      } catch (err) {
        if (err instanceof PoolDoesNotExist) throw notFound(err.message);
        if (err instanceof PoolCapabilitiesMismatch) throw new DomainError('pool_incompatible', err.message);
        throw err;
      }
    });
  }

  /** Deletes the pool (idempotent); refused while queues are placed on it, or when it is the last pool of a flavor. */
  delete(name: string): Promise<void> {
    const admin = this.admin;
    return guarded(async () => {
      const queues = await admin.queuesOn(name);
      if (queues.length > 0) {
        throw new DomainError(
          'pool_has_queues',
          `Pool ${name} still serves ${queues.length === 1 ? '1 queue; move it' : `${queues.length} queues; move them`} ` +
            `to other pools first (zaqar-manage pools drain ${name}).`,
        );
      }
      try {
        await this.deps.storage.pools.delete(name);
      } catch (err) {
        if (err instanceof PoolInUseByFlavor) {
          throw new DomainError('pool_in_use_by_flavor', `This pool is used by flavors ${err.flavor}; It cannot be deleted.`);
        }
        throw err;
      }
    });
  }
}
