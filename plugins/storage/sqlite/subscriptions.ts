/**
 * SubscriptionController of the SQLite message store (table
 * `subscriptions`, schema.ts).
 *
 * Expired rows are invisible to every read and never block their
 * subscriber; gc deletes them (message-store.ts). Writes that check before
 * they write (uniqueness) run in the store's shared IMMEDIATE transaction
 * (group-commit.ts), so no other writer — in this process or another one on
 * the same file — comes between the check and the write.
 */
import type Database from 'better-sqlite3';
import { dumpJson, isJsonObject, parseJsonText } from '../../../zaqar/common/json';
import { SubscriptionAlreadyExists, SubscriptionDoesNotExist } from '../../../zaqar/storage/errors';
import { newId } from '../../../zaqar/storage/ids';
import type { Page, Project, Subscription, SubscriptionController, SubscriptionUpdate } from '../../../zaqar/storage/interfaces';
import { DEFAULT_PAGE_SIZE } from '../../../zaqar/storage/interfaces';
import type { GroupCommit } from './group-commit';
import { type QueueScope, secondsSince } from './message-rows';

type Now = { now: number };

interface SubscriptionRow {
  id: string;
  queue: string;
  subscriber: string;
  ttl: number;
  created: number;
  options: string;
  confirmed: number;
}

const COLUMNS = 'id, queue, subscriber, ttl, created, options, confirmed';
const LIVE = 'project IS @project AND queue = @queue AND expires > @now';

export class SqliteSubscriptionController implements SubscriptionController {
  private readonly listPage: Database.Statement<QueueScope & Now & { after: string; limit: number }, SubscriptionRow>;
  private readonly byId: Database.Statement<QueueScope & Now & { id: string }, SubscriptionRow>;
  private readonly bySubscriber: Database.Statement<QueueScope & Now & { subscriber: string }, SubscriptionRow>;
  private readonly insert: Database.Statement<QueueScope & { id: string; subscriber: string; ttl: number; created: number; expires: number; options: string }>;
  private readonly setConfirmed: Database.Statement<QueueScope & Now & { id: string; confirmed: number }>;
  private readonly deleteOne: Database.Statement<QueueScope & { id: string }>;
  private readonly deleteExpiredOf: Database.Statement<QueueScope & Now & { subscriber: string }>;
  private readonly updateFields: Database.Statement<
    QueueScope & Now & { id: string; subscriber: string | null; ttl: number | null; expires: number | null; options: string | null }
  >;

  constructor(
    db: Database.Database,
    private readonly commit: GroupCommit,
  ) {
    this.listPage = db.prepare(`SELECT ${COLUMNS} FROM subscriptions WHERE ${LIVE} AND id > @after ORDER BY id LIMIT @limit`);
    this.byId = db.prepare(`SELECT ${COLUMNS} FROM subscriptions WHERE id = @id AND ${LIVE}`);
    this.bySubscriber = db.prepare(`SELECT ${COLUMNS} FROM subscriptions WHERE subscriber = @subscriber AND ${LIVE}`);
    this.insert = db.prepare(`
      INSERT INTO subscriptions (id, project, queue, subscriber, ttl, created, expires, options, confirmed)
      VALUES (@id, @project, @queue, @subscriber, @ttl, @created, @expires, @options, 0)`);
    this.setConfirmed = db.prepare(`UPDATE subscriptions SET confirmed = @confirmed WHERE id = @id AND ${LIVE}`);
    this.deleteOne = db.prepare('DELETE FROM subscriptions WHERE id = @id AND project IS @project AND queue = @queue');
    // An expired row keeps its subscriber until gc; the writes below drop it first.
    this.deleteExpiredOf = db.prepare(`
      DELETE FROM subscriptions
      WHERE project IS @project AND queue = @queue AND subscriber = @subscriber AND expires <= @now`);
    this.updateFields = db.prepare(`
      UPDATE subscriptions SET
        subscriber = coalesce(@subscriber, subscriber),
        ttl = coalesce(@ttl, ttl),
        expires = coalesce(@expires, expires),
        options = coalesce(@options, options)
      WHERE id = @id AND ${LIVE}`);
  }

  async list(queue: string, project: Project, options: { marker?: string; limit?: number } = {}): Promise<Page<Subscription>> {
    const now = Date.now();
    const rows = this.listPage.all({ project, queue, now, after: options.marker ?? '', limit: options.limit ?? DEFAULT_PAGE_SIZE });
    if (rows.length === 0) return { items: [] };
    return { items: rows.map((row) => toSubscription(row, now)), next: rows[rows.length - 1].id };
  }

  async get(queue: string, subscriptionId: string, project: Project): Promise<Subscription> {
    const now = Date.now();
    const row = this.byId.get({ project, queue, now, id: subscriptionId });
    if (row === undefined) throw new SubscriptionDoesNotExist(subscriptionId);
    return toSubscription(row, now);
  }

  async create(queue: string, subscriber: string, ttl: number, options: Record<string, unknown>, project: Project): Promise<string | null> {
    const now = Date.now();
    const scope = { project, queue };
    const id = newId();
    const row = { ...scope, id, subscriber, ttl, created: now, expires: now + ttl * 1000, options: dumpJson(options ?? {}) };
    return this.commit.run(() => {
      if (this.bySubscriber.get({ ...scope, now, subscriber }) !== undefined) return null;
      this.deleteExpiredOf.run({ ...scope, now, subscriber });
      this.insert.run(row);
      return id;
    });
  }

  async update(queue: string, subscriptionId: string, project: Project, fields: SubscriptionUpdate): Promise<void> {
    const now = Date.now();
    const scope = { project, queue };
    const params = {
      ...scope,
      now,
      id: subscriptionId,
      subscriber: fields.subscriber ?? null,
      ttl: fields.ttl ?? null,
      expires: fields.ttl === undefined ? null : now + fields.ttl * 1000,
      options: fields.options === undefined ? null : dumpJson(fields.options),
    };
    await this.commit.run(() => {
      const current = this.byId.get({ ...scope, now, id: subscriptionId });
      if (current === undefined) throw new SubscriptionDoesNotExist(subscriptionId);
      if (fields.subscriber !== undefined && fields.subscriber !== current.subscriber) {
        if (this.bySubscriber.get({ ...scope, now, subscriber: fields.subscriber }) !== undefined) throw new SubscriptionAlreadyExists();
        this.deleteExpiredOf.run({ ...scope, now, subscriber: fields.subscriber });
      }
      this.updateFields.run(params);
    });
  }

  async exists(queue: string, subscriptionId: string, project: Project): Promise<boolean> {
    return this.byId.get({ project, queue, now: Date.now(), id: subscriptionId }) !== undefined;
  }

  async delete(queue: string, subscriptionId: string, project: Project): Promise<void> {
    await this.commit.runStatement(() => this.deleteOne.run({ project, queue, id: subscriptionId }));
  }

  async getWithSubscriber(queue: string, subscriber: string, project: Project): Promise<Subscription | null> {
    const now = Date.now();
    const row = this.bySubscriber.get({ project, queue, now, subscriber });
    return row === undefined ? null : toSubscription(row, now);
  }

  async confirm(queue: string, subscriptionId: string, project: Project, confirmed: boolean): Promise<void> {
    const now = Date.now();
    const { changes } = await this.commit.runStatement(() =>
      this.setConfirmed.run({ project, queue, now, id: subscriptionId, confirmed: confirmed ? 1 : 0 }),
    );
    if (changes === 0) throw new SubscriptionDoesNotExist(subscriptionId);
  }
}

function toSubscription(row: SubscriptionRow, now: number): Subscription {
  const options = parseJsonText(row.options);
  return {
    id: row.id,
    source: row.queue,
    subscriber: row.subscriber,
    ttl: row.ttl,
    age: secondsSince(row.created, now),
    options: isJsonObject(options) ? options : {},
    confirmed: row.confirmed !== 0,
  };
}
