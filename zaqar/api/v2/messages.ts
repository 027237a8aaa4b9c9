/**
 * Messages: post, list, get by ids, delete by ids, pop, get one, delete one
 * (api-v2.md §6; reference: zaqar.transport.wsgi.v2_0.messages).
 */
import { createHash } from 'node:crypto';
import { dumpJsonAscii, isJsonObject, isTruthy, pyIntValue } from '../../common/json';
import {
  ClaimDoesNotExist,
  ClaimDoesNotMatch,
  DoesNotExist,
  MessageConflict,
  MessageNotClaimed,
  NotPermitted,
  QueueDoesNotExist,
} from '../../storage/errors';
import type { NewMessage, QueueMetadata, StoredMessage } from '../../storage/interfaces';
import { badRequestApi, documentTypeNotSupported, HttpError, notFound, serviceUnavailable } from '../errors';
import { toQueryString } from '../query';
import type { ApiRequest, ApiResponse } from '../request';
import { normalizeClientId } from '../validation';
import { filterFields, orUnavailable, pyList, readJsonBody, validated, type FieldSpec, type ResourceContext } from './common';
import { formatMessage, formatPoppedMessage, queuePathOf } from './format';
import type { ApiVersion } from './versions';

/** `MD5:<hex>` of the body as Python's `json.dumps` renders it (api-v2.md §6.10). */
export function messageChecksum(body: unknown): string | undefined {
  if (body === null) return undefined;
  return 'MD5:' + createHash('md5').update(dumpJsonAscii(body), 'utf8').digest('hex');
}

function isEncrypted(metadata: QueueMetadata | undefined): boolean {
  return isTruthy(metadata?._enable_encrypt_messages);
}

export class MessagesResource {
  constructor(
    private readonly ctx: ResourceContext,
    private readonly version: ApiVersion,
  ) {}

  /**
   * Queue metadata when this API version applies per-queue settings (v2);
   * v1.1 ignores them (api-v1_1-delta.md §1.4) and skips the lookup.
   */
  private async settingsOf(queue: string, project: string | null): Promise<QueueMetadata | undefined> {
    return this.version.queueSettings ? this.metadataOrUndefined(queue, project) : undefined;
  }

  /** Metadata of the queue, or undefined when it does not exist. */
  private async metadataOrUndefined(queue: string, project: string | null): Promise<QueueMetadata | undefined> {
    try {
      return await this.ctx.storage.queues.getMetadata(queue, project);
    } catch (err) {
      if (err instanceof QueueDoesNotExist) return undefined;
      throw err;
    }
  }

  /** The body a client sees: decrypted on encrypted queues. */
  private visibleBody(message: StoredMessage, encrypted: boolean): unknown {
    return encrypted ? this.ctx.cipher.decrypt(message.body) : message.body;
  }

  // POST /v2/queues/{q}/messages
  post = async (req: ApiRequest): Promise<ApiResponse> => {
    const { storage, validator, settings } = this.ctx;
    const queue = req.params.queue_name;
    const project = req.context.projectId;
    const clientId = normalizeClientId(req.context.clientId ?? '');

    // v2 creates the queue before validating (§6.2 step 1); v1.1 after (below).
    const metadata: QueueMetadata = this.version.queueSettings
      ? await orUnavailable('Messages could not be enqueued.', async () => {
          const existing = await this.metadataOrUndefined(queue, project);
          if (existing !== undefined) return existing;
          await storage.queues.create(queue, {}, project);
          return {};
        })
      : {};

    const queueTtl = metadata._default_message_ttl;
    const queueDelay = metadata._default_message_delay;
    const spec: FieldSpec[] = [
      ['ttl', 'int', isTruthy(queueTtl) ? queueTtl : settings.limits.default_message_ttl],
      ['body', '*', undefined],
    ];
    // Only delayed queues honour a per-message delay; elsewhere it is dropped (§6.2, §13 item 4).
    if (isTruthy(queueDelay)) spec.push(['delay', 'int', queueDelay]);

    validated(() => validator.messageLength(req.contentLength, metadata._max_messages_post_size));

    const document = readJsonBody(req);
    if (!isJsonObject(document) || !('messages' in document)) {
      throw badRequestApi('No messages were found in the request body.');
    }
    if (!Array.isArray(document.messages)) throw documentTypeNotSupported();
    const sanitized = document.messages.map((m) => filterFields(m, spec));

    validated(() => validator.messagePosting(sanitized as { ttl: unknown; delay?: unknown }[]));

    const encrypted = isEncrypted(metadata);
    const messages: NewMessage[] = sanitized.map((m) => ({
      ttl: pyIntValue(m.ttl),
      delay: m.delay === undefined ? 0 : pyIntValue(m.delay),
      // Checksums cover the plaintext: a digest of ciphertext is useless to clients (§6.10).
      checksum: settings.enableChecksum ? messageChecksum(m.body) : undefined,
      body: encrypted ? this.ctx.cipher.encrypt(m.body) : m.body,
    }));

    let ids: string[];
    try {
      if (!this.version.queueSettings && !(await storage.queues.exists(queue, project))) {
        await storage.queues.create(queue, {}, project);
      }
      ids = await storage.messages.post(queue, messages, clientId, project);
    } catch (err) {
      if (err instanceof DoesNotExist) throw notFound(err.message);
      if (err instanceof MessageConflict) {
        throw serviceUnavailable('No messages could be enqueued.', err);
      }
      throw serviceUnavailable('Messages could not be enqueued.', err);
    }

    return {
      status: 201,
      headers: { Location: `${req.path}?ids=${ids.join(',')}` },
      body: { resources: ids.map((id) => `${req.path}/${id}`) },
    };
  };

  // GET /v2/queues/{q}/messages[?ids=...]
  list = async (req: ApiRequest): Promise<ApiResponse> => {
    const ids = req.query.getList('ids');
    return ids === undefined ? this.listPage(req) : this.getByIds(req, ids);
  };

  private async listPage(req: ApiRequest): Promise<ApiResponse> {
    const { storage, validator } = this.ctx;
    const queue = req.params.queue_name;
    const project = req.context.projectId;
    // The recognised parameters, in the order Zaqar reads (and echoes) them.
    const params: Record<string, string | number | boolean | undefined> = {};
    const marker = req.query.getString('marker');
    if (marker !== undefined) params.marker = marker;
    const limit = req.query.getInt('limit');
    if (limit !== undefined) params.limit = limit;
    const echo = req.query.getBool('echo');
    if (echo !== undefined) params.echo = echo;
    const includeClaimed = req.query.getBool('include_claimed');
    if (includeClaimed !== undefined) params.include_claimed = includeClaimed;
    const includeDelayed = this.version.queueSettings ? req.query.getBool('include_delayed') : undefined;
    if (includeDelayed !== undefined) params.include_delayed = includeDelayed;

    const page = await orUnavailable('Messages could not be listed.', async () => {
      const metadata = await this.settingsOf(queue, project);
      // Queues without a default delay cannot hold delayed messages: don't filter (§6.3).
      if (metadata !== undefined && !isTruthy(metadata._default_message_delay)) params.include_delayed = true;
      validated(() => validator.messageListing(limit));
      const result = await storage.messages.list(queue, project, {
        marker,
        limit,
        echo: echo ?? false,
        clientId: normalizeClientId(req.context.clientId ?? ''),
        includeClaimed: includeClaimed ?? false,
        includeDelayed: (params.include_delayed as boolean | undefined) ?? false,
      });
      return { result, encrypted: isEncrypted(metadata) };
    });

    const queuePath = queuePathOf(req.path, 1);
    const messages = page.result.items.map((m) => formatMessage(m, queuePath, m.claimId, this.visibleBody(m, page.encrypted)));
    const links = [];
    if (messages.length > 0) {
      params.marker = page.result.next;
      links.push({ rel: 'next', href: req.path + toQueryString(params) });
    }
    return { status: 200, body: { messages, links } };
  }

  private async getByIds(req: ApiRequest, ids: string[]): Promise<ApiResponse> {
    const { storage, validator } = this.ctx;
    const queue = req.params.queue_name;
    const project = req.context.projectId;
    const found = await orUnavailable('Message could not be retrieved.', async () => {
      validated(() => validator.messageListing(ids.length));
      const messages = await storage.messages.bulkGet(queue, ids, project);
      const metadata = await this.settingsOf(queue, project);
      return { messages, encrypted: isEncrypted(metadata) };
    });
    if (found.messages.length === 0) {
      throw notFound(`No messages with IDs: ${pyList(ids)} found in the queue ${queue} for project ${project}.`);
    }
    const queuePath = queuePathOf(req.path, 1);
    return {
      status: 200,
      body: {
        messages: found.messages.map((m) => formatMessage(m, queuePath, m.claimId, this.visibleBody(m, found.encrypted))),
      },
    };
  }

  // DELETE /v2/queues/{q}/messages?ids=...|pop=N
  deleteMany = async (req: ApiRequest): Promise<ApiResponse> => {
    const { storage, validator, settings } = this.ctx;
    const queue = req.params.queue_name;
    const project = req.context.projectId;
    const ids = req.query.getList('ids');
    const claimIds =
      this.version.bulkDeleteClaimIds && settings.limits.message_delete_with_claim_id ? req.query.getList('claim_ids') : undefined;
    const pop = req.query.getInt('pop');
    validated(() => validator.messageDeletion(ids, pop, claimIds));

    if (ids !== undefined) {
      try {
        await storage.messages.bulkDelete(queue, ids, project, claimIds);
      } catch (err) {
        // The reference answers 503 here (api-v2.md §13 item 20); a claim mismatch is the client's error.
        if (err instanceof MessageNotClaimed || err instanceof ClaimDoesNotMatch || err instanceof ClaimDoesNotExist) {
          throw new HttpError(400, 'Unable to delete', err.message);
        }
        throw serviceUnavailable('Messages could not be deleted.', err);
      }
      return { status: 204 };
    }

    const popped = await orUnavailable('Messages could not be popped.', async () => {
      const messages = await storage.messages.pop(queue, pop as number, project);
      const encrypted = messages.length > 0 && isEncrypted(await this.settingsOf(queue, project));
      return messages.map((m) => formatPoppedMessage(m, this.visibleBody(m, encrypted)));
    });
    return { status: 200, body: { messages: popped } };
  };

  // GET /v2/queues/{q}/messages/{m}
  getOne = async (req: ApiRequest): Promise<ApiResponse> => {
    const { storage } = this.ctx;
    const queue = req.params.queue_name;
    const project = req.context.projectId;
    const result = await orUnavailable('Message could not be retrieved.', async () => {
      try {
        const message = await storage.messages.get(queue, req.params.message_id, project);
        const metadata = this.version.queueSettings ? await storage.queues.getMetadata(queue, project) : undefined;
        return { message, encrypted: isEncrypted(metadata) };
      } catch (err) {
        if (err instanceof DoesNotExist) throw notFound(err.message);
        throw err;
      }
    });
    const { message, encrypted } = result;
    return {
      status: 200,
      body: formatMessage(message, queuePathOf(req.path, 2), message.claimId, this.visibleBody(message, encrypted)),
    };
  };

  // DELETE /v2/queues/{q}/messages/{m}[?claim_id=]
  deleteOne = async (req: ApiRequest): Promise<ApiResponse> => {
    const { storage } = this.ctx;
    try {
      await storage.messages.delete(
        req.params.queue_name,
        req.params.message_id,
        req.context.projectId,
        req.query.getString('claim_id'),
      );
    } catch (err) {
      if (err instanceof MessageNotClaimed) {
        throw new HttpError(400, 'Unable to delete', 'A claim was specified, but the message is not currently claimed.');
      }
      if (err instanceof ClaimDoesNotExist) {
        throw new HttpError(400, 'Unable to delete', 'The specified claim does not exist or has expired.');
      }
      if (err instanceof NotPermitted) {
        throw new HttpError(403, 'Unable to delete', 'This message is claimed; it cannot be deleted without a valid claim ID.');
      }
      throw serviceUnavailable('Message could not be deleted.', err);
    }
    return { status: 204 };
  };
}
