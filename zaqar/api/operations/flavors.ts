/**
 * Flavor operations (Zaqar's `zaqar.transport.wsgi.v2_0.flavors`, without
 * its HTTP): a flavor is a project's name for a set of pools; a pool
 * belongs to a flavor through its own `flavor` field. Capabilities are
 * those of the flavor's first pool's store, shown by name (`FIFO`, ...).
 */
import { FlavorDoesNotExist, PoolDoesNotExist } from '../../storage/errors';
import { Capability } from '../../storage/interfaces';
import type { RequestBody } from '../body';
import type { RequestContext } from '../context';
import { DomainError, invalidBody, notFound } from '../errors';
import { schemaCheck } from '../rules/schema';
import { guarded, valid, type OperationDeps } from './deps';

/** Zaqar's `zaqar.common.api.schemas.flavors`. */
const checkCreate = schemaCheck({
  type: 'object',
  properties: { pool_list: { type: 'array' }, capabilities: { type: 'object' } },
  oneOf: [{ required: ['pool_list'] }],
  additionalProperties: false,
});
const checkPoolList = schemaCheck({ type: 'object', properties: { pool_list: { type: 'array' } } });

export interface FlavorView {
  name: string;
  /** The flavor's pools (listings leave it out for a flavor without pools). */
  pool_list?: string[];
  capabilities?: string[];
}

export interface FlavorListInput {
  marker?: string;
  limit?: number;
  detailed?: boolean;
}

/** Capability names as clients see them. */
function names(capabilities: readonly Capability[]): string[] {
  return capabilities.map((c) => Capability[c]);
}

export class FlavorOperations {
  constructor(private readonly deps: OperationDeps) {}

  private get admin() {
    if (this.deps.pooling === undefined) throw new Error('flavor operations need pooling');
    return this.deps.pooling;
  }

  private async poolNames(flavor: string): Promise<string[]> {
    return (await this.deps.storage.pools.getPoolsByFlavor(flavor)).map((pool) => pool.name);
  }

  list(ctx: RequestContext, input: FlavorListInput): Promise<{ flavors: FlavorView[]; next?: string }> {
    valid(() => this.deps.validator.flavorListing(input.limit));
    return guarded(async () => {
      const page = await this.deps.storage.flavors.list(ctx.projectId, { marker: input.marker, limit: input.limit });
      const flavors: FlavorView[] = [];
      for (const { name } of page.items) {
        const view: FlavorView = { name };
        const pools = await this.poolNames(name);
        if (pools.length > 0) view.pool_list = pools;
        if (input.detailed) view.capabilities = names(await this.admin.capabilitiesOfFlavor(name));
        flavors.push(view);
      }
      return { flavors, next: page.next };
    });
  }

  get(ctx: RequestContext, name: string): Promise<Required<FlavorView>> {
    return guarded(async () => {
      await this.existing(ctx, name);
      return { name, capabilities: names(await this.admin.capabilitiesOfFlavor(name)), pool_list: await this.poolNames(name) };
    });
  }

  /** Creates (or overwrites) the flavor and puts the listed pools in it. */
  async create(ctx: RequestContext, name: string, body: RequestBody): Promise<void> {
    const document = body.document();
    checkCreate(document);
    const poolList = (document as { pool_list: unknown[] }).pool_list.map(String);
    if (poolList.length === 0) throw new DomainError('flavor_refused', 'Bad Request');
    await guarded(async () => {
      const missing = await this.missingPool(poolList);
      if (missing !== undefined) throw new DomainError('flavor_refused', `Flavor ${name} could not be created, error:${missing.message}`);
      const capabilities = await this.admin.capabilitiesOfPool(poolList[0]);
      await this.deps.storage.flavors.create(name, ctx.projectId, capabilities);
      for (const pool of poolList) await this.deps.storage.pools.update(pool, { flavor: name });
    });
  }

  /** Replaces the flavor's pools: listed pools join it, the others leave it. */
  async update(ctx: RequestContext, name: string, body: RequestBody): Promise<Required<FlavorView>> {
    const document = body.document();
    if (document === null || typeof document !== 'object' || !('pool_list' in document)) {
      throw invalidBody('`pool_list` needs to be specified');
    }
    checkPoolList(document);
    const poolList = ((document as { pool_list: unknown[] }).pool_list ?? []).map(String);
    if (poolList.length === 0) throw new DomainError('flavor_refused', 'Bad Request');
    return guarded(async () => {
      await this.existing(ctx, name);
      const before = await this.poolNames(name);
      const missing = await this.missingPool(poolList);
      if (missing !== undefined) throw new DomainError('flavor_update_refused', `Flavor ${name} cant be updated, error:${missing.message}`);
      const capabilities = await this.admin.capabilitiesOfPool(poolList[0]);
      await this.deps.storage.flavors.update(name, ctx.projectId, capabilities);
      for (const pool of poolList) await this.deps.storage.pools.update(pool, { flavor: name });
      for (const pool of before) if (!poolList.includes(pool)) await this.deps.storage.pools.update(pool, { flavor: null });
      return { name, capabilities: names(capabilities), pool_list: poolList };
    });
  }

  /** Takes every pool out of the flavor, then deletes it (idempotent). */
  delete(ctx: RequestContext, name: string): Promise<void> {
    return guarded(async () => {
      for (const pool of await this.poolNames(name)) await this.deps.storage.pools.update(pool, { flavor: null });
      await this.deps.storage.flavors.delete(name, ctx.projectId);
    });
  }

  /** Throws not found unless the project has flavor `name`. */
  private async existing(ctx: RequestContext, name: string): Promise<void> {
    try {
      await this.deps.storage.flavors.get(name, ctx.projectId);
    } catch (err) {
      if (err instanceof FlavorDoesNotExist) throw notFound(err.message);
      throw err;
    }
  }

  private async missingPool(pools: string[]): Promise<PoolDoesNotExist | undefined> {
    for (const pool of pools) if (!(await this.deps.storage.pools.exists(pool))) return new PoolDoesNotExist(pool);
    return undefined;
  }
}
