/**
 * Subscriptions (Zaqar's SubscriptionController) on Swift, in Zaqar 15's
 * layout: the subscription in `zaqar_subscription:<Q>:<P>/<id>` (JSON
 * `{id, source, subscriber, options, ttl, confirmed}`), and a marker per
 * subscriber in `zaqar_subscriber:<Q>:<P>/<quote_plus(subscriber)>` whose
 * body is the subscription id, created with `If-None-Match: *` so that a
 * subscriber is taken once.
 *
 * `If-None-Match: *` only refuses a PUT that starts after another one of
 * the same name has finished (locks.ts measures it); so creates and
 * subscriber changes of one subscriber are also serialised inside this
 * process, and a creator reads the marker back after writing its
 * subscription and withdraws when another one's id is there. What is left
 * is a window of a few milliseconds between API processes (README.md).
 *
 * Expiry is this server's clock (`X-Delete-At` and the expiry in the
 * Content-Type), and a ttl change moves it (Zaqar kept the old one).
 */
import { dumpJson, parseJsonText } from '../../../zaqar/common/json';
import { ConnectionError, SubscriptionAlreadyExists, SubscriptionDoesNotExist } from '../../../zaqar/storage/errors';
import { newId } from '../../../zaqar/storage/ids';
import type { Page, Project, Subscription, SubscriptionController, SubscriptionUpdate } from '../../../zaqar/storage/interfaces';
import { DEFAULT_PAGE_SIZE } from '../../../zaqar/storage/interfaces';
import type { SwiftClient, SwiftResponse } from './client';
import { WIDTH } from './claims';
import { deleteAtOf, quotePlus, subscriberContainer, subscriptionContainer } from './layout';
import { mapLimit, type MessageObjects, secondsSince } from './objects';

interface StoredSubscription {
  subscription: Subscription;
  /** ms */
  created: number;
  expires: number;
}

function param(contentType: string | undefined, name: string): number | undefined {
  const match = new RegExp(`;${name}=(\\d+)`).exec(contentType ?? '');
  return match ? Number(match[1]) : undefined;
}

/** Expiry (ms) of an object: ours in the Content-Type, else X-Delete-At. */
function expiryOf(response: SwiftResponse): number {
  const deleteAt = Number(response.headers['x-delete-at'] ?? 0) || 0;
  return param(response.headers['content-type'], 'e') ?? (deleteAt ? deleteAt * 1000 : Infinity);
}

export class SwiftSubscriptionController implements SubscriptionController {
  private readonly client: SwiftClient;
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly objects: MessageObjects) {
    this.client = objects.client;
  }

  /** Runs `task` after every earlier task of `key` (per-subscriber serialisation in this process). */
  private serialised<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.catch(() => undefined);
    this.queues.set(key, tail);
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return run;
  }

  private async read(queue: string, project: Project, id: string, now: number): Promise<StoredSubscription | undefined> {
    // An empty name would address the container itself.
    if (!id) return undefined;
    const response = await this.client.send({ method: 'GET', container: subscriptionContainer(queue, project), object: id });
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw new ConnectionError(`GET subscription ${id}: Swift answered ${response.status}`);
    const expires = expiryOf(response);
    if (expires <= now) return undefined;
    let json: Record<string, unknown>;
    try {
      json = parseJsonText(response.text) as Record<string, unknown>;
    } catch {
      return undefined;
    }
    const created = param(response.headers['content-type'], 'cr') ?? Math.round(Number(response.headers['x-timestamp'] ?? 0) * 1000);
    const options = json.options && typeof json.options === 'object' ? (json.options as Record<string, unknown>) : {};
    return {
      created,
      expires,
      subscription: {
        id,
        source: typeof json.source === 'string' ? json.source : queue,
        subscriber: String(json.subscriber ?? ''),
        ttl: Number(json.ttl ?? 0),
        age: secondsSince(created, now),
        options,
        // Records written without the flag read as confirmed.
        confirmed: json.confirmed === undefined ? true : json.confirmed === true,
      },
    };
  }

  private async write(queue: string, project: Project, stored: StoredSubscription): Promise<void> {
    const { subscription: s } = stored;
    const json = { id: s.id, source: s.source, subscriber: s.subscriber, options: s.options, ttl: s.ttl, confirmed: s.confirmed };
    await this.objects.putCreatingContainer(subscriptionContainer(queue, project), s.id, dumpJson(json), {
      'content-type': `application/json;zaqar=1;cr=${stored.created};e=${stored.expires}`,
      'x-delete-at': String(deleteAtOf(stored.expires)),
    });
  }

  /** The subscription id the subscriber's marker names, when the marker is live and so is that subscription. */
  private async markerOwner(queue: string, project: Project, subscriber: string, now: number): Promise<string | undefined> {
    const response = await this.client.send({ method: 'GET', container: subscriberContainer(queue, project), object: quotePlus(subscriber) });
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw new ConnectionError(`GET subscriber marker: Swift answered ${response.status}`);
    if (expiryOf(response) <= now) return undefined;
    const id = response.text.trim();
    const owner = await this.read(queue, project, id, now);
    return owner && owner.subscription.subscriber === subscriber ? id : undefined;
  }

  /**
   * Takes the subscriber's marker for `id`: true when taken, false when a
   * live subscription has it. A marker left by an expired or deleted
   * subscription is taken over.
   */
  private async takeMarker(queue: string, project: Project, subscriber: string, id: string, expires: number, now: number): Promise<boolean> {
    const container = subscriberContainer(queue, project);
    const headers = { 'content-type': `application/octet-stream;zaqar=1;e=${expires}`, 'x-delete-at': String(deleteAtOf(expires)) };
    for (let attempt = 0; attempt < 6; attempt++) {
      const response = await this.client.send({
        method: 'PUT',
        container,
        object: quotePlus(subscriber),
        body: id,
        headers: { ...headers, 'if-none-match': '*' },
        idempotent: false,
      });
      if (response.status === 201) return true;
      if (response.status === 404) {
        const created = await this.client.send({ method: 'PUT', container });
        if (created.status >= 300) throw new ConnectionError(`PUT container ${container}: Swift answered ${created.status}`);
        continue;
      }
      if (response.status !== 412) throw new ConnectionError(`PUT subscriber marker: Swift answered ${response.status}`);
      const owner = await this.markerOwner(queue, project, subscriber, now);
      if (owner !== undefined && owner !== id) return false;
      // Stale (its subscription expired or is gone): overwrite it.
      const replaced = await this.client.send({ method: 'PUT', container, object: quotePlus(subscriber), body: id, headers });
      if (replaced.status === 201) return true;
      throw new ConnectionError(`PUT subscriber marker: Swift answered ${replaced.status}`);
    }
    throw new ConnectionError('PUT subscriber marker: the container could not be created');
  }

  /** Deletes the subscriber's marker if it still names `id`. */
  private async releaseMarker(queue: string, project: Project, subscriber: string, id: string): Promise<void> {
    const container = subscriberContainer(queue, project);
    const response = await this.client.send({ method: 'GET', container, object: quotePlus(subscriber) });
    if (response.status === 200 && response.text.trim() === id) {
      await this.client.send({ method: 'DELETE', container, object: quotePlus(subscriber) });
    }
  }

  async list(queue: string, project: Project, options: { marker?: string; limit?: number } = {}): Promise<Page<Subscription>> {
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    const now = Date.now();
    const items: Subscription[] = [];
    await this.objects.walk(
      subscriptionContainer(queue, project),
      async (page) => {
        const names = page.filter((e) => (param(e.content_type, 'e') ?? Infinity) > now).map((e) => e.name);
        for (let i = 0; i < names.length && items.length < limit; ) {
          const batch = names.slice(i, i + limit - items.length);
          i += batch.length;
          for (const s of await mapLimit(batch, WIDTH, (id) => this.read(queue, project, id, now))) if (s) items.push(s.subscription);
        }
        return items.length < limit;
      },
      { marker: options.marker, pageSize: Math.max(limit * 2, 20) },
    );
    return items.length ? { items, next: items[items.length - 1].id } : { items };
  }

  async get(queue: string, subscriptionId: string, project: Project): Promise<Subscription> {
    const stored = await this.read(queue, project, subscriptionId, Date.now());
    if (!stored) throw new SubscriptionDoesNotExist(subscriptionId);
    return stored.subscription;
  }

  create(queue: string, subscriber: string, ttl: number, options: Record<string, unknown>, project: Project): Promise<string | null> {
    return this.serialised(`${subscriberContainer(queue, project)}/${subscriber}`, async () => {
      const now = Date.now();
      const id = newId();
      const expires = now + ttl * 1000;
      if (!(await this.takeMarker(queue, project, subscriber, id, expires, now))) return null;
      await this.write(queue, project, {
        created: now,
        expires,
        subscription: { id, source: queue, subscriber, ttl, age: 0, options, confirmed: false },
      });
      // Another API process may have taken the marker at the same moment: the marker says who won.
      if ((await this.markerOwner(queue, project, subscriber, now)) !== id) {
        await this.client.send({ method: 'DELETE', container: subscriptionContainer(queue, project), object: id });
        return null;
      }
      return id;
    });
  }

  async update(queue: string, subscriptionId: string, project: Project, fields: SubscriptionUpdate): Promise<void> {
    const now = Date.now();
    const stored = await this.read(queue, project, subscriptionId, now);
    if (!stored) throw new SubscriptionDoesNotExist(subscriptionId);
    const next: StoredSubscription = { ...stored, subscription: { ...stored.subscription } };
    if (fields.ttl !== undefined) {
      next.subscription.ttl = fields.ttl;
      next.expires = now + fields.ttl * 1000;
    }
    if (fields.options !== undefined) next.subscription.options = fields.options;
    const old = stored.subscription.subscriber;
    if (fields.subscriber !== undefined && fields.subscriber !== old) {
      const subscriber = fields.subscriber;
      await this.serialised(`${subscriberContainer(queue, project)}/${subscriber}`, async () => {
        if (!(await this.takeMarker(queue, project, subscriber, subscriptionId, next.expires, now))) throw new SubscriptionAlreadyExists();
      });
      next.subscription.subscriber = subscriber;
      await this.write(queue, project, next);
      await this.releaseMarker(queue, project, old, subscriptionId);
      return;
    }
    if (next.expires !== stored.expires) {
      // The marker lives as long as its subscription.
      await this.client.send({
        method: 'POST',
        container: subscriberContainer(queue, project),
        object: quotePlus(old),
        headers: { 'content-type': `application/octet-stream;zaqar=1;e=${next.expires}`, 'x-delete-at': String(deleteAtOf(next.expires)) },
      });
    }
    await this.write(queue, project, next);
  }

  async exists(queue: string, subscriptionId: string, project: Project): Promise<boolean> {
    return (await this.read(queue, project, subscriptionId, Date.now())) !== undefined;
  }

  async delete(queue: string, subscriptionId: string, project: Project): Promise<void> {
    const stored = await this.read(queue, project, subscriptionId, Date.now());
    if (!stored) return;
    await this.releaseMarker(queue, project, stored.subscription.subscriber, subscriptionId);
    const response = await this.client.send({ method: 'DELETE', container: subscriptionContainer(queue, project), object: subscriptionId });
    if (response.status >= 300 && response.status !== 404) throw new ConnectionError(`DELETE subscription: Swift answered ${response.status}`);
  }

  async getWithSubscriber(queue: string, subscriber: string, project: Project): Promise<Subscription | null> {
    const now = Date.now();
    const id = await this.markerOwner(queue, project, subscriber, now);
    if (id === undefined) return null;
    return (await this.read(queue, project, id, now))?.subscription ?? null;
  }

  async confirm(queue: string, subscriptionId: string, project: Project, confirmed: boolean): Promise<void> {
    const stored = await this.read(queue, project, subscriptionId, Date.now());
    if (!stored) throw new SubscriptionDoesNotExist(subscriptionId);
    await this.write(queue, project, { ...stored, subscription: { ...stored.subscription, confirmed } });
  }
}
