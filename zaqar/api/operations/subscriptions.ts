/**
 * Subscription operations: list, create, get, update, delete, confirm
 * (Zaqar's `zaqar.transport.wsgi.v2_0.subscriptions`, without its HTTP), on
 * queues and on topics (namespace.ts). Creating a subscription creates its
 * queue first, before validation, as Zaqar does.
 */
import { TrustNotOwned } from '../../auth/trusts';
import { isJsonObject, pyIntValue } from '../../common/json';
import { isTruthy, pythonRepr } from '../../common/python';
import type { SubscriptionNotices } from '../../notification/service';
import { SubscriptionAlreadyExists, SubscriptionDoesNotExist } from '../../storage/errors';
import type { Subscription, SubscriptionUpdate } from '../../storage/interfaces';
import type { RequestBody } from '../body';
import type { RequestContext } from '../context';
import { conflict, DomainError, invalidRequest, notFound } from '../errors';
import { subscriberScheme } from '../validation';
import { guarded, valid, type OperationDeps } from './deps';
import { QUEUES, type Namespace } from './namespace';

export interface SubscriptionListResult {
  subscriptions: Subscription[];
  next?: string;
}

export interface SubscriptionCreated {
  id: string;
}

/** The keys of a PATCH document that change a subscription (others are ignored, as in Zaqar). */
const UPDATABLE = ['subscriber', 'ttl', 'options'] as const;

export class SubscriptionOperations {
  constructor(
    private readonly deps: OperationDeps,
    private readonly namespace: Namespace = QUEUES,
  ) {}

  private get notices(): SubscriptionNotices | undefined {
    return this.deps.notices;
  }

  private source(name: string): { collection: 'queues' | 'topics'; name: string } {
    return { collection: this.namespace.kind === 'topic' ? 'topics' : 'queues', name };
  }

  list(ctx: RequestContext, queue: string, input: { marker?: string; limit?: number }): Promise<SubscriptionListResult> {
    valid(() => this.deps.validator.subscriptionListing(input.limit));
    return guarded(async () => {
      const page = await this.deps.storage.subscriptions.list(queue, ctx.projectId, input);
      return { subscriptions: page.items, next: page.next };
    });
  }

  get(ctx: RequestContext, queue: string, id: string): Promise<Subscription> {
    return guarded(() => notFoundIfNoSubscription(() => this.deps.storage.subscriptions.get(queue, id, ctx.projectId)));
  }

  /**
   * Subscribes `subscriber` to the queue. A subscriber already subscribed
   * but not confirmed gets its existing id back (and the confirmation
   * again); one already confirmed is a conflict.
   */
  async create(ctx: RequestContext, queue: string, body: RequestBody): Promise<SubscriptionCreated> {
    const { storage, validator, settings } = this.deps;
    const project = ctx.projectId;
    const document = body.size ? body.document() : {};
    const names = this.namespace.names(storage);
    await guarded(async () => {
      if (!(await names.exists(queue, project))) await names.create(queue, {}, project);
    });
    if (!isJsonObject(document)) throw invalidRequest('Subscriptions must be a dict.');
    valid(() => validator.subscriptionPosting(document));
    const subscriber = document.subscriber;
    // Zaqar lets an empty subscriber through to its store (and answers 503).
    if (typeof subscriber !== 'string' || subscriber === '') throw this.unsupportedType();
    const scheme = subscriberScheme(subscriber);
    if (this.notices && !this.notices.serves(scheme)) throw this.unsupportedType();
    const ttl = isTruthy(document.ttl) ? pyIntValue(document.ttl) : settings.limits.default_subscription_ttl;
    let options = isJsonObject(document.options) ? document.options : {};

    return guarded(async () => {
      if (this.notices) options = await this.register(ctx, subscriber, options, ttl);
      const created = await storage.subscriptions.create(queue, subscriber, ttl, options, project);
      const subscription = created !== null
        ? await storage.subscriptions.get(queue, created, project)
        : await storage.subscriptions.getWithSubscriber(queue, subscriber, project);
      if (subscription === null) throw new Error(`subscription of ${subscriber} vanished while it was created`);
      if (created === null && subscription.confirmed) {
        throw conflict('Such subscription already exists.Subscriptions are unique by project + queue + subscriber URI.');
      }
      await this.notices?.confirmation(this.source(queue), subscription, project, new Date(Date.now() + ttl * 1000), false);
      return { id: subscription.id };
    });
  }

  /** The notifier's `register` for the caller; a trust_id that is not the caller's is a 400. */
  private async register(ctx: RequestContext, subscriber: string, options: Record<string, unknown>, ttl: number): Promise<Record<string, unknown>> {
    try {
      return await this.notices!.register(subscriber, options, ttl, { project: ctx.projectId, userId: ctx.userId, roles: ctx.roles, authToken: ctx.authToken });
    } catch (err) {
      if (err instanceof TrustNotOwned) throw invalidRequest(err.message);
      throw err;
    }
  }

  /** Changes `subscriber`, `ttl` and/or `options` (a new ttl restarts the expiry clock). */
  async update(ctx: RequestContext, queue: string, id: string, body: RequestBody): Promise<void> {
    const { storage, validator } = this.deps;
    const document = body.size ? body.document() : {};
    valid(() => validator.subscriptionPatching(document));
    const fields: SubscriptionUpdate = {};
    const doc = document as Record<string, unknown>;
    for (const key of UPDATABLE) {
      const value = doc[key];
      // Zaqar passes falsy values on to the store; a falsy ttl or options changes nothing here.
      if (!isTruthy(value)) continue;
      if (key === 'subscriber') {
        if (typeof value !== 'string' || value === '' || (this.notices && !this.notices.serves(subscriberScheme(value)))) {
          throw this.unsupportedType();
        }
        fields.subscriber = value;
      } else if (key === 'ttl') {
        fields.ttl = pyIntValue(value);
      } else if (isJsonObject(value)) {
        fields.options = value;
      }
    }
    if (Object.keys(fields).length === 0) throw this.notUpdated(id);
    return guarded(async () => {
      // A trust_id must be the caller's once it is set or its subscriber changed (create checks the same).
      if (this.notices && (fields.subscriber !== undefined || fields.options !== undefined)) {
        const stored = fields.subscriber === undefined || fields.options === undefined ? await notFoundIfNoSubscription(() => storage.subscriptions.get(queue, id, ctx.projectId)) : null;
        const subscriber = fields.subscriber ?? stored?.subscriber;
        const options = fields.options ?? stored?.options;
        if (subscriber !== undefined && options !== undefined && 'trust_id' in options) await this.register(ctx, subscriber, options, fields.ttl ?? stored?.ttl ?? 0);
      }
      try {
        await storage.subscriptions.update(queue, id, ctx.projectId, fields);
      } catch (err) {
        if (err instanceof SubscriptionDoesNotExist) throw notFound(err.message);
        if (err instanceof SubscriptionAlreadyExists) throw conflict(err.message);
        throw err;
      }
    });
  }

  delete(ctx: RequestContext, queue: string, id: string): Promise<void> {
    return guarded(() => this.deps.storage.subscriptions.delete(queue, id, ctx.projectId));
  }

  /**
   * Sets the confirmed flag; setting it to false sends the unsubscribe
   * notice (its link valid for `default_subscription_ttl`).
   */
  async confirm(ctx: RequestContext, queue: string, id: string, body: RequestBody): Promise<void> {
    const { storage, validator, settings } = this.deps;
    const project = ctx.projectId;
    const document = body.size ? body.document() : {};
    const confirmed = valid(() => validator.subscriptionConfirming(document));
    return guarded(async () => {
      await notFoundIfNoSubscription(() => storage.subscriptions.confirm(queue, id, project, confirmed));
      if (!confirmed && this.notices) {
        const subscription = await notFoundIfNoSubscription(() => storage.subscriptions.get(queue, id, project));
        const expiresAt = new Date(Date.now() + settings.limits.default_subscription_ttl * 1000);
        await this.notices.confirmation(this.source(queue), subscription, project, expiresAt, true);
      }
    });
  }

  private unsupportedType(): DomainError {
    const types = this.deps.validator.limits.subscriber_types.filter((t) => !this.notices || this.notices.serves(t));
    return invalidRequest(`The subscriber type of subscription must be supported in the list ${pythonRepr(types)}.`);
  }

  private notUpdated(id: string): DomainError {
    return new DomainError('subscription_not_updated', `Subscription ${id} could not be updated.`);
  }
}

async function notFoundIfNoSubscription<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof SubscriptionDoesNotExist) throw notFound(err.message);
    throw err;
  }
}
