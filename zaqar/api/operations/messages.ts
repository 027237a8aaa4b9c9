/**
 * Message operations: post, list, get by ids, get one, delete one, delete by
 * ids, pop (Zaqar's `zaqar.transport.wsgi.v2_0.messages`, without its HTTP),
 * on queues and on topics (namespace.ts).
 * Domain rules live here, once: the queue is created on first post, TTL and
 * delay default from the queue's metadata, bodies of encrypted queues are
 * encrypted before they are stored and decrypted after they are read.
 */
import { isJsonObject, pyIntValue } from '../../common/json';
import { isTruthy } from '../../common/python';
import {
  ClaimDoesNotExist,
  ClaimDoesNotMatch,
  DoesNotExist,
  MessageConflict,
  MessageNotClaimed,
  NotPermitted,
} from '../../storage/errors';
import type { NewMessage, Page, QueueMetadata, StoredMessage } from '../../storage/interfaces';
import type { QueueApi } from '../../storage/queue-api';
import type { RequestBody } from '../body';
import type { RequestContext } from '../context';
import { DomainError, documentTypeNotSupported, invalidRequest, notFound } from '../errors';
import { messageChecksum } from '../rules/checksum';
import { filterFields, type FieldSpec } from '../rules/fields';
import { isEncrypted } from '../rules/queue-settings';
import { longPoll } from '../long-poll';
import { normalizeClientId } from '../validation';
import { guarded, valid, type OperationDeps } from './deps';
import { QUEUES, type Namespace } from './namespace';
import { notFoundIfMissing } from './queues';
import { hotPathSettings, metadataOrUndefined } from './settings-cache';

export interface MessageListInput {
  marker?: string;
  limit?: number;
  echo?: boolean;
  includeClaimed?: boolean;
  includeDelayed?: boolean;
  /** Ours: long polling, seconds to wait for a message when the page is empty (0..20). */
  wait?: number;
  /** Aborts the wait (the client went away). */
  signal?: AbortSignal;
}

export interface MessageListResult extends Page<StoredMessage> {
  /**
   * `include_delayed` as applied: true on a queue without a default delay
   * (it cannot hold delayed messages, so there is nothing to filter), else
   * as asked. The next page must be asked for the same way.
   */
  includeDelayed: boolean | undefined;
}

export interface DeleteManyInput {
  ids?: string[];
  pop?: number;
  /** With `ids`: each listed message must be held by one of these claims. */
  claimIds?: string[];
}

export class MessageOperations {
  constructor(
    private readonly deps: OperationDeps,
    private readonly namespace: Namespace = QUEUES,
  ) {}

  private get names(): QueueApi {
    return this.namespace.names(this.deps.storage);
  }

  /** Queue metadata when the profile applies per-queue settings (v2); undefined otherwise or for a missing queue. */
  private async settingsOf(queue: string, project: string | null): Promise<QueueMetadata | undefined> {
    return this.deps.profile.queueSettings ? metadataOrUndefined(this.namespace, this.deps.storage, queue, project) : undefined;
  }

  /** The message as its reader sees it: decrypted on encrypted queues. */
  private visible(message: StoredMessage, encrypted: boolean): StoredMessage {
    return encrypted ? { ...message, body: this.deps.cipher.decrypt(message.body) } : message;
  }

  /** Posts the document's `messages`; returns their ids in order. */
  async post(ctx: RequestContext, queue: string, body: RequestBody): Promise<string[]> {
    const { storage, validator, settings, profile } = this.deps;
    const project = ctx.projectId;
    const clientId = normalizeClientId(ctx.clientId ?? '');

    // v2 creates the queue before validating; v1.1 after (below).
    const metadata: QueueMetadata = profile.queueSettings
      ? await guarded(async () => {
          const existing = await hotPathSettings(this.deps.settingsCache, this.namespace, storage, queue, project);
          if (existing !== undefined) return existing;
          await this.names.create(queue, {}, project);
          return {};
        })
      : {};

    const queueTtl = metadata._default_message_ttl;
    const queueDelay = metadata._default_message_delay;
    const spec: FieldSpec[] = [
      ['ttl', 'int', isTruthy(queueTtl) ? queueTtl : settings.limits.default_message_ttl],
      ['body', '*', undefined],
    ];
    // Only delayed queues honour a per-message delay; elsewhere it is dropped.
    if (isTruthy(queueDelay)) spec.push(['delay', 'int', queueDelay]);

    valid(() => validator.messageLength(body.size, metadata._max_messages_post_size));
    const document = body.document();
    if (!isJsonObject(document) || !('messages' in document)) throw invalidRequest('No messages were found in the request body.');
    if (!Array.isArray(document.messages)) throw documentTypeNotSupported();
    const sanitized = document.messages.map((m) => filterFields(m, spec));
    valid(() => validator.messagePosting(sanitized as { ttl: unknown; delay?: unknown }[]));

    const encrypted = isEncrypted(metadata);
    const messages: NewMessage[] = sanitized.map((m) => ({
      ttl: pyIntValue(m.ttl),
      delay: m.delay === undefined ? 0 : pyIntValue(m.delay),
      // Checksums cover the plaintext: a digest of ciphertext is useless to clients.
      checksum: settings.enableChecksum ? messageChecksum(m.body) : undefined,
      body: encrypted ? this.deps.cipher.encrypt(m.body) : m.body,
    }));

    return guarded(async () => {
      try {
        if (!profile.queueSettings && !(await this.names.exists(queue, project))) {
          await this.names.create(queue, {}, project);
        }
        const ids = await storage.messages.post(queue, messages, clientId, project);
        // Waiting claims and listings of this process try again at once (O(1) when nobody waits).
        if (this.namespace === QUEUES) this.deps.longPoll?.notify(project, queue, ids.length);
        return ids;
      } catch (err) {
        if (err instanceof DoesNotExist) throw notFound(err.message);
        if (err instanceof MessageConflict) throw new DomainError('message_conflict', err.message, err);
        throw err;
      }
    });
  }

  list(ctx: RequestContext, queue: string, input: MessageListInput): Promise<MessageListResult> {
    const { storage, validator } = this.deps;
    const project = ctx.projectId;
    return guarded(async () => {
      const metadata = await this.settingsOf(queue, project);
      const includeDelayed = metadata !== undefined && !isTruthy(metadata._default_message_delay) ? true : input.includeDelayed;
      valid(() => validator.messageListing(input.limit));
      valid(() => validator.longPollWait(input.wait));
      const listOnce = () =>
        storage.messages.list(queue, project, {
          marker: input.marker,
          limit: input.limit,
          echo: input.echo ?? false,
          clientId: normalizeClientId(ctx.clientId ?? ''),
          includeClaimed: input.includeClaimed ?? false,
          includeDelayed: includeDelayed ?? false,
        });
      // Topics are not long-polled (nothing claims them; their subscribers are pushed to).
      const hub = this.namespace === QUEUES ? this.deps.longPoll : undefined;
      const page = await longPoll(hub, { project, queue, wait: input.wait, signal: input.signal }, listOnce, (p) => p.items.length === 0);
      const encrypted = isEncrypted(metadata);
      return { items: page.items.map((m) => this.visible(m, encrypted)), next: page.next, includeDelayed };
    });
  }

  /** The listed messages that exist, in the order asked for (none found: an empty list). */
  getMany(ctx: RequestContext, queue: string, ids: string[]): Promise<StoredMessage[]> {
    const { storage, validator } = this.deps;
    return guarded(async () => {
      valid(() => validator.messageListing(ids.length));
      const messages = await storage.messages.bulkGet(queue, ids, ctx.projectId);
      const encrypted = isEncrypted(await this.settingsOf(queue, ctx.projectId));
      return messages.map((m) => this.visible(m, encrypted));
    });
  }

  get(ctx: RequestContext, queue: string, messageId: string): Promise<StoredMessage> {
    const { storage, profile } = this.deps;
    return guarded(() =>
      notFoundIfMissing(async () => {
        const message = await storage.messages.get(queue, messageId, ctx.projectId);
        const metadata = profile.queueSettings ? await this.names.getMetadata(queue, ctx.projectId) : undefined;
        return this.visible(message, isEncrypted(metadata));
      }),
    );
  }

  /** Deletes by ids (nothing returned) or pops (the popped messages). */
  async deleteMany(ctx: RequestContext, queue: string, input: DeleteManyInput): Promise<StoredMessage[] | undefined> {
    const { storage, validator } = this.deps;
    const project = ctx.projectId;
    valid(() => validator.messageDeletion(input.ids, input.pop, input.claimIds));
    if (input.ids !== undefined) {
      const ids = input.ids;
      await guarded(async () => {
        try {
          await storage.messages.bulkDelete(queue, ids, project, input.claimIds);
        } catch (err) {
          throw claimRefusal(err) ?? err;
        }
      });
      return undefined;
    }
    return guarded(async () => {
      const messages = await storage.messages.pop(queue, input.pop as number, project);
      const encrypted = messages.length > 0 && isEncrypted(await this.settingsOf(queue, project));
      return messages.map((m) => this.visible(m, encrypted));
    });
  }

  /** Deletes one message; with `claimId`, only while that claim holds it. Unknown message: success. */
  delete(ctx: RequestContext, queue: string, messageId: string, claimId: string | undefined): Promise<void> {
    return guarded(async () => {
      try {
        await this.deps.storage.messages.delete(queue, messageId, ctx.projectId, claimId);
      } catch (err) {
        throw claimRefusal(err) ?? err;
      }
    });
  }
}

/** A claim-related refusal of a delete as a domain error (storage errors keep their text); undefined for other failures. */
function claimRefusal(err: unknown): DomainError | undefined {
  if (err instanceof MessageNotClaimed) return new DomainError('message_not_claimed', err.message);
  if (err instanceof ClaimDoesNotExist || err instanceof ClaimDoesNotMatch) return new DomainError('claim_invalid', err.message);
  if (err instanceof NotPermitted) return new DomainError('message_claimed', err.message);
  return undefined;
}
