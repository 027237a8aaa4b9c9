/**
 * Claim operations: create, get, renew, release (Zaqar's
 * `zaqar.transport.wsgi.v2_0.claims`, without its HTTP). Claiming applies
 * the queue's dead-letter settings; claimed bodies of encrypted queues are
 * decrypted.
 */
import { pyIntValue } from '../../common/json';
import type { ClaimInfo, QueueMetadata, StoredMessage } from '../../storage/interfaces';
import type { RequestBody } from '../body';
import type { RequestContext } from '../context';
import { filterFields, type FieldSpec } from '../rules/fields';
import { deadLetterOptions, isEncrypted } from '../rules/queue-settings';
import { longPoll, type LongPollInput } from '../long-poll';
import { guarded, valid, type OperationDeps } from './deps';
import { QUEUES } from './namespace';
import { notFoundIfMissing } from './queues';
import { hotPathSettings } from './settings-cache';

export interface ClaimCreateResult {
  /** null when there was nothing to claim. */
  claimId: string | null;
  messages: StoredMessage[];
}

export class ClaimOperations {
  private readonly spec: FieldSpec[];

  constructor(private readonly deps: OperationDeps) {
    const { default_claim_ttl, default_claim_grace } = deps.settings.limits;
    this.spec = [
      ['ttl', 'int', default_claim_ttl],
      ['grace', 'int', default_claim_grace],
    ];
  }

  /** `ttl` and `grace` from the document (an empty body means the configured defaults). */
  private claimOptions(body: RequestBody | undefined): { ttl: unknown; grace: unknown } {
    if (!body?.size) return { ttl: this.spec[0][2], grace: this.spec[1][2] };
    return filterFields(body.document(), this.spec) as { ttl: unknown; grace: unknown };
  }

  private decrypted(messages: StoredMessage[], metadata: QueueMetadata): StoredMessage[] {
    if (!isEncrypted(metadata)) return messages;
    return messages.map((m) => ({ ...m, body: this.deps.cipher.decrypt(m.body) }));
  }

  /**
   * Claims up to `limit` messages. With `poll.wait` > 0 (seconds, ours:
   * long polling), a claim that found nothing waits for a post and tries
   * again until it claims or the wait is over (zaqar/api/long-poll.ts).
   */
  create(
    ctx: RequestContext,
    queue: string,
    limit: number | undefined,
    body: RequestBody | undefined,
    poll: LongPollInput = {},
  ): Promise<ClaimCreateResult> {
    const { storage, validator } = this.deps;
    const project = ctx.projectId;
    const options = this.claimOptions(body);
    return guarded(async () => {
      valid(() => validator.claimCreation(options, limit));
      valid(() => validator.longPollWait(poll.wait));
      const claimOnce = async (): Promise<ClaimCreateResult> => {
        const metadata = (await hotPathSettings(this.deps.settingsCache, QUEUES, storage, queue, project)) ?? {};
        const claim = await storage.claims.create(
          queue,
          { ttl: pyIntValue(options.ttl), grace: pyIntValue(options.grace), limit: limit ?? 10, deadLetter: deadLetterOptions(metadata) },
          project,
        );
        return { claimId: claim.claimId, messages: this.decrypted(claim.messages, metadata) };
      };
      return longPoll(
        this.deps.longPoll,
        { project, queue, wait: poll.wait, signal: poll.signal, consumes: true },
        claimOnce,
        (r) => r.claimId === null || r.messages.length === 0,
      );
    });
  }

  get(ctx: RequestContext, queue: string, claimId: string): Promise<ClaimInfo> {
    const { storage } = this.deps;
    return guarded(() =>
      notFoundIfMissing(async () => {
        const info = await storage.claims.get(queue, claimId, ctx.projectId);
        const metadata = await storage.queues.get(queue, ctx.projectId);
        return { ...info, messages: this.decrypted(info.messages, metadata) };
      }),
    );
  }

  /** Renews the claim; missing fields take the configured defaults, so `{}` renews with them. */
  update(ctx: RequestContext, queue: string, claimId: string, body: RequestBody): Promise<void> {
    const { storage, validator } = this.deps;
    const options = filterFields(body.document(), this.spec) as { ttl: unknown; grace: unknown };
    return guarded(async () => {
      valid(() => validator.claimUpdating(options));
      await notFoundIfMissing(() =>
        storage.claims.update(queue, claimId, { ttl: pyIntValue(options.ttl), grace: pyIntValue(options.grace) }, ctx.projectId),
      );
    });
  }

  /** Releases the claim; idempotent. */
  release(ctx: RequestContext, queue: string, claimId: string): Promise<void> {
    return guarded(() => this.deps.storage.claims.delete(queue, claimId, ctx.projectId));
  }
}
