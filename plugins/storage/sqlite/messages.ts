/**
 * MessageController of the SQLite message store.
 *
 * Every statement is prepared once and scoped by (project, queue). Every
 * write is one savepoint (or one statement) of the group commit's shared
 * IMMEDIATE transaction (group-commit.ts), so another process sharing the
 * file cannot change the rows between a write's checks and its changes.
 */
import type Database from 'better-sqlite3';
import { dumpJson } from '../../../zaqar/common/json';
import { decideBulkDelete, decideDelete, throwIfBulkRefused, throwIfRefused } from '../../../zaqar/storage/delete-rules';
import { MessageDoesNotExist, QueueIsEmpty } from '../../../zaqar/storage/errors';
import type { MessageController, MessageListOptions, NewMessage, Page, Project, StoredMessage } from '../../../zaqar/storage/interfaces';
import { DEFAULT_PAGE_SIZE } from '../../../zaqar/storage/interfaces';
import { CLAIMABLE_HEAD_SQL, ClaimableHead } from './claimable';
import type { GroupCommit } from './group-commit';
import { isWellFormedId, newOrderedId } from '../../../zaqar/storage/ids';
import { byMarker, MESSAGE_COLUMNS, type MessageRow, type QueueScope, toStoredMessage } from './message-rows';

type Now = { now: number };

interface InsertParams extends QueueScope {
  id: string;
  clientId: string;
  ttl: number;
  created: number;
  expires: number;
  delayExpires: number;
  body: string;
  checksum: string | null;
}

interface ListParams extends QueueScope, Now {
  after: number;
  limit: number;
  includeClaimed: number;
  includeDelayed: number;
  excludeClient: string | null;
}

/** What delete needs to know about a message. */
interface ClaimState {
  marker: number;
  id: string;
  claim_id: string | null;
  claim_expires: number;
}

export class SqliteMessageController implements MessageController {
  private readonly insert: Database.Statement<InsertParams>;
  private readonly listPage: Database.Statement<ListParams, MessageRow>;
  private readonly oldest: Database.Statement<QueueScope & Now, MessageRow>;
  private readonly newest: Database.Statement<QueueScope & Now, MessageRow>;
  private readonly byId: Database.Statement<QueueScope & Now & { id: string }, MessageRow>;
  private readonly byIds: Database.Statement<QueueScope & Now & { ids: string }, MessageRow>;
  private readonly claimStateById: Database.Statement<QueueScope & Now & { id: string }, ClaimState>;
  private readonly claimStateByIds: Database.Statement<QueueScope & Now & { ids: string }, ClaimState>;
  private readonly liveClaim: Database.Statement<QueueScope & Now & { id: string }, { id: string }>;
  private readonly deleteByMarker: Database.Statement<{ marker: number }>;
  private readonly deleteByIds: Database.Statement<QueueScope & { ids: string }>;
  private readonly popHead: Database.Statement<QueueScope & Now & { limit: number }, MessageRow>;
  private readonly claimable: ClaimableHead;

  constructor(
    db: Database.Database,
    private readonly commit: GroupCommit,
  ) {
    this.insert = db.prepare(`
      INSERT INTO messages (id, project, queue, client_id, ttl, created, expires, delay_expires, body, checksum)
      VALUES (@id, @project, @queue, @clientId, @ttl, @created, @expires, @delayExpires, @body, @checksum)`);

    // Filters run inside the query, so a page is full whenever enough
    // matching messages exist. The 0/1 flags keep this one
    // prepared statement for every filter combination.
    this.listPage = db.prepare(`
      SELECT ${MESSAGE_COLUMNS} FROM messages
      WHERE project IS @project AND queue = @queue AND marker > @after AND expires > @now
        AND (@includeClaimed OR claim_id IS NULL OR claim_expires <= @now)
        AND (@includeDelayed OR delay_expires <= @now)
        AND (@excludeClient IS NULL OR client_id <> @excludeClient)
      ORDER BY marker
      LIMIT @limit`);

    // first(): claimed and delayed messages included, expired ones not.
    const live = 'project IS @project AND queue = @queue AND expires > @now';
    this.oldest = db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE ${live} ORDER BY marker LIMIT 1`);
    this.newest = db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE ${live} ORDER BY marker DESC LIMIT 1`);

    this.byId = db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = @id AND ${live}`);
    // INDEXED BY: without statistics SQLite may prefer scanning the whole
    // queue over one index probe per requested id.
    this.byIds = db.prepare(`
      SELECT ${MESSAGE_COLUMNS} FROM messages INDEXED BY messages_by_id
      WHERE id IN (SELECT value FROM json_each(@ids)) AND ${live}`);

    const claimState = 'marker, id, claim_id, claim_expires';
    this.claimStateById = db.prepare(`SELECT ${claimState} FROM messages WHERE id = @id AND ${live}`);
    this.claimStateByIds = db.prepare(`
      SELECT ${claimState} FROM messages INDEXED BY messages_by_id
      WHERE id IN (SELECT value FROM json_each(@ids)) AND ${live}`);
    this.liveClaim = db.prepare(`
      SELECT id FROM claims
      WHERE id = @id AND project IS @project AND queue = @queue AND expires > @now`);

    this.deleteByMarker = db.prepare('DELETE FROM messages WHERE marker = @marker');
    this.deleteByIds = db.prepare(`
      DELETE FROM messages INDEXED BY messages_by_id
      WHERE id IN (SELECT value FROM json_each(@ids)) AND project IS @project AND queue = @queue`);
    this.popHead = db.prepare(`DELETE FROM messages WHERE marker IN (${CLAIMABLE_HEAD_SQL}) RETURNING ${MESSAGE_COLUMNS}`);
    this.claimable = new ClaimableHead(db);
  }

  async list(queue: string, project: Project, options: MessageListOptions = {}): Promise<Page<StoredMessage>> {
    const after = parseMarker(options.marker);
    if (after === null) return { items: [] };
    const now = Date.now();
    const rows = this.listPage.all({
      project,
      queue,
      now,
      after,
      limit: options.limit ?? DEFAULT_PAGE_SIZE,
      includeClaimed: options.includeClaimed ? 1 : 0,
      includeDelayed: options.includeDelayed ? 1 : 0,
      excludeClient: options.echo ? null : (options.clientId ?? null),
    });
    if (rows.length === 0) return { items: [] };
    return { items: rows.map((row) => toStoredMessage(row, now)), next: String(rows[rows.length - 1].marker) };
  }

  async first(queue: string, project: Project, sort: 1 | -1 = 1): Promise<StoredMessage> {
    if (sort !== 1 && sort !== -1) throw new RangeError('sort must be either 1 (ascending) or -1 (descending)');
    const now = Date.now();
    const row = (sort === 1 ? this.oldest : this.newest).get({ project, queue, now });
    if (row === undefined) throw new QueueIsEmpty(queue, project);
    return toStoredMessage(row, now);
  }

  async get(queue: string, messageId: string, project: Project): Promise<StoredMessage> {
    const now = Date.now();
    const row = this.byId.get({ project, queue, now, id: messageId });
    if (row === undefined) throw new MessageDoesNotExist(messageId, queue, project);
    return toStoredMessage(row, now);
  }

  async bulkGet(queue: string, messageIds: string[], project: Project): Promise<StoredMessage[]> {
    if (messageIds.length === 0) return [];
    const now = Date.now();
    const found = new Map<string, MessageRow>();
    for (const row of this.byIds.all({ project, queue, now, ids: JSON.stringify(messageIds) })) found.set(row.id, row);
    // Requested order; each message once, however often it was asked for.
    const result: StoredMessage[] = [];
    for (const id of new Set(messageIds)) {
      const row = found.get(id);
      if (row !== undefined) result.push(toStoredMessage(row, now));
    }
    return result;
  }

  async post(queue: string, messages: NewMessage[], clientId: string, project: Project): Promise<string[]> {
    const created = Date.now();
    const rows = messages.map(
      (message): InsertParams => ({
        id: newOrderedId(),
        project,
        queue,
        clientId,
        ttl: message.ttl,
        created,
        expires: created + message.ttl * 1000,
        delayExpires: created + message.delay * 1000,
        // Zaqar stores {} for a message without body.
        body: message.body === undefined ? '{}' : dumpJson(message.body),
        checksum: message.checksum ?? null,
      }),
    );
    // One statement, or one savepoint of the shared commit for a batch: it
    // becomes visible all at once, its AUTOINCREMENT markers consecutive and
    // in input order.
    if (rows.length === 1) await this.commit.runStatement(() => this.insert.run(rows[0]));
    else await this.commit.run(() => rows.forEach((row) => this.insert.run(row)));
    return rows.map((row) => row.id);
  }

  async delete(queue: string, messageId: string, project: Project, claimId?: string): Promise<void> {
    // `?? undefined`: a null claim id from a JavaScript caller means "no claim id".
    const now = Date.now();
    await this.commit.runStatement(() => this.deleteOneChecked({ project, queue }, messageId, claimId ?? undefined, now));
  }

  async bulkDelete(queue: string, messageIds: string[], project: Project, claimIds?: string[]): Promise<void> {
    if (messageIds.length === 0) return;
    if (claimIds === undefined) {
      // Without claim ids, listed messages go regardless of claims (as in Zaqar).
      const ids = JSON.stringify(messageIds);
      await this.commit.runStatement(() => this.deleteByIds.run({ project, queue, ids }));
      return;
    }
    const now = Date.now();
    // The checks only read; the one DELETE comes last.
    await this.commit.runStatement(() => this.deleteListedChecked({ project, queue }, messageIds, claimIds, now));
  }

  async pop(queue: string, limit: number, project: Project): Promise<StoredMessage[]> {
    const now = Date.now();
    const rows = await this.commit.run(() => {
      this.claimable.clearExpiredClaims({ project, queue }, now);
      return byMarker(this.popHead.all({ project, queue, now, limit }));
    });
    return rows.map((row) => toStoredMessage(row, now));
  }

  /** Zaqar's decision for deleting one message (zaqar/storage/delete-rules.ts), checked and applied in one transaction. */
  private deleteOneChecked(scope: QueueScope, messageId: string, claimId: string | undefined, now: number): void {
    const message = this.claimStateById.get({ ...scope, now, id: messageId });
    // Unknown, malformed, expired or another queue's/project's id: already gone.
    if (message === undefined) return;
    const outcome = decideDelete(liveClaimOf(message, now), claimId, claimId === undefined || isWellFormedId(claimId), () =>
      this.liveClaim.get({ ...scope, now, id: claimId as string }) !== undefined,
    );
    throwIfRefused(outcome, messageId, claimId, scope.queue, scope.project);
    // Claims find their messages by claim id, so this also drops the
    // message from its claim's bookkeeping.
    this.deleteByMarker.run({ marker: message.marker });
  }

  /** Bulk delete with claim ids (zaqar/storage/delete-rules.ts): all checks pass before anything is deleted. */
  private deleteListedChecked(scope: QueueScope, messageIds: string[], claimIds: string[], now: number): void {
    const ids = JSON.stringify(messageIds);
    const found = new Map<string, ClaimState>();
    for (const row of this.claimStateByIds.all({ ...scope, now, ids })) found.set(row.id, row);
    const listed = messageIds.flatMap((id) => {
      const message = found.get(id);
      return message === undefined ? [] : [{ id, heldBy: liveClaimOf(message, now) }];
    });
    const decision = decideBulkDelete(listed, claimIds);
    if (decision.outcome !== 'OK') throwIfBulkRefused(decision.outcome, decision.subject, scope.queue, scope.project);
    this.deleteByIds.run({ ...scope, ids });
  }
}

/** The id of the live claim holding the message, or null. */
function liveClaimOf(message: ClaimState, now: number): string | null {
  return message.claim_id !== null && message.claim_expires > now ? message.claim_id : null;
}

/**
 * Decodes a paging marker: the decimal marker of the last message seen.
 * No marker (or '', which Zaqar treats as none) → start at the head.
 * Anything that is not a decimal integer → null: an empty page, as in Zaqar;
 * so is a number too long to be one of ours (nothing can follow it anyway).
 */
function parseMarker(marker: string | undefined): number | null {
  if (marker === undefined || marker === '') return 0;
  return /^\d{1,16}$/.test(marker) ? Number(marker) : null;
}
