/**
 * Claims: create, get, renew, release (api-v2.md §7; reference:
 * zaqar.transport.wsgi.v2_0.claims).
 */
import { isPyInt, isTruthy, pyIntValue } from '../../common/json';
import { DoesNotExist, QueueDoesNotExist } from '../../storage/errors';
import type { DeadLetterOptions, QueueMetadata } from '../../storage/interfaces';
import { notFound } from '../errors';
import type { ApiRequest, ApiResponse } from '../request';
import { filterFields, orUnavailable, readJsonBody, validated, type FieldSpec, type ResourceContext } from './common';
import { formatMessage, queuePathOf } from './format';

/**
 * Dead-lettering is on when the queue metadata has both `_max_claim_count`
 * and `_dead_letter_queue` (key presence counts, api-v2.md §7.6); a null
 * count means "disabled" (the reference crashes on it).
 */
export function deadLetterOptions(metadata: QueueMetadata): DeadLetterOptions | undefined {
  if (!('_max_claim_count' in metadata) || !('_dead_letter_queue' in metadata)) return undefined;
  const max = metadata._max_claim_count;
  const queue = metadata._dead_letter_queue;
  if (!isPyInt(max) || typeof queue !== 'string' || queue === '') return undefined;
  const ttl = metadata._dead_letter_queue_messages_ttl;
  return { maxClaimCount: pyIntValue(max), queue, ttl: isTruthy(ttl) && isPyInt(ttl) ? pyIntValue(ttl) : undefined };
}

export class ClaimsResource {
  private readonly spec: FieldSpec[];

  constructor(private readonly ctx: ResourceContext) {
    const { default_claim_ttl, default_claim_grace } = ctx.settings.limits;
    this.spec = [
      ['ttl', 'int', default_claim_ttl],
      ['grace', 'int', default_claim_grace],
    ];
  }

  private encrypted(metadata: QueueMetadata): boolean {
    return isTruthy(metadata._enable_encrypt_messages);
  }

  // POST /v2/queues/{q}/claims[?limit=N]
  create = async (req: ApiRequest): Promise<ApiResponse> => {
    const { storage, validator, cipher } = this.ctx;
    const queue = req.params.queue_name;
    const project = req.context.projectId;
    const limit = req.query.getInt('limit');
    // No body and `Content-Length: 0` both mean "defaults".
    const options = (
      req.contentLength ? filterFields(readJsonBody(req), this.spec) : { ttl: this.spec[0][2], grace: this.spec[1][2] }
    ) as { ttl: unknown; grace: unknown };

    const result = await orUnavailable('Claim could not be created.', async () => {
      validated(() => validator.claimCreation(options, limit));
      const metadata = await storage.queues.getMetadata(queue, project).catch((err: unknown) => {
        if (err instanceof QueueDoesNotExist) return {} as QueueMetadata;
        throw err;
      });
      const claim = await storage.claims.create(
        queue,
        {
          ttl: pyIntValue(options.ttl),
          grace: pyIntValue(options.grace),
          limit: limit ?? 10,
          deadLetter: deadLetterOptions(metadata),
        },
        project,
      );
      return { claim, encrypted: this.encrypted(metadata) };
    });

    const { claimId, messages } = result.claim;
    if (claimId === null || messages.length === 0) return { status: 204 };
    const queuePath = queuePathOf(req.path, 1);
    return {
      status: 201,
      headers: { Location: `${req.path}/${claimId}` },
      body: {
        messages: messages.map((m) =>
          formatMessage(m, queuePath, claimId, result.encrypted ? cipher.decrypt(m.body) : m.body),
        ),
      },
    };
  };

  // GET /v2/queues/{q}/claims/{c}
  get = async (req: ApiRequest): Promise<ApiResponse> => {
    const { storage, cipher } = this.ctx;
    const queue = req.params.queue_name;
    const project = req.context.projectId;
    const claimId = req.params.claim_id;
    const { claim, encrypted } = await orUnavailable('Claim could not be queried.', async () => {
      try {
        const info = await storage.claims.get(queue, claimId, project);
        const metadata = await storage.queues.get(queue, project);
        return { claim: info, encrypted: this.encrypted(metadata) };
      } catch (err) {
        if (err instanceof DoesNotExist) throw notFound(err.message);
        throw err;
      }
    });
    const queuePath = queuePathOf(req.path, 2);
    return {
      status: 200,
      body: {
        age: claim.age,
        ttl: claim.ttl,
        messages: claim.messages.map((m) => formatMessage(m, queuePath, claimId, encrypted ? cipher.decrypt(m.body) : m.body)),
        href: req.path,
      },
    };
  };

  // PATCH /v2/queues/{q}/claims/{c}
  update = async (req: ApiRequest): Promise<ApiResponse> => {
    const { storage, validator } = this.ctx;
    // Missing fields take the configured defaults, so `{}` renews with 300 s (§7.4).
    const options = filterFields(readJsonBody(req), this.spec) as { ttl: unknown; grace: unknown };
    await orUnavailable('Claim could not be updated.', async () => {
      validated(() => validator.claimUpdating(options));
      try {
        await storage.claims.update(
          req.params.queue_name,
          req.params.claim_id,
          { ttl: pyIntValue(options.ttl), grace: pyIntValue(options.grace) },
          req.context.projectId,
        );
      } catch (err) {
        if (err instanceof DoesNotExist) throw notFound(err.message);
        throw err;
      }
    });
    return { status: 204 };
  };

  // DELETE /v2/queues/{q}/claims/{c}
  release = async (req: ApiRequest): Promise<ApiResponse> => {
    await orUnavailable('Claim could not be deleted.', () =>
      this.ctx.storage.claims.delete(req.params.queue_name, req.params.claim_id, req.context.projectId),
    );
    return { status: 204 };
  };
}
