/**
 * Exclusive claims on Swift (README.md, "Claims").
 *
 * Swift has no compare-and-swap for objects: `If-Match` on PUT is ignored,
 * and `If-None-Match: *` is checked before the body is read and committed,
 * so concurrent create-only PUTs of one name all succeed (measured: of 8
 * racing PUTs, 5.7 got 201 on average). What Swift does make atomic is the
 * creation of a container: the container server creates the database file
 * under a lock on its directory, so of concurrent PUTs of a new container
 * name exactly one gets 201 (Created) and the others 202 (Accepted).
 *
 * So each message has numbered lock generations, one container each
 * (`zaqar_lock:<Q>:<P>:<message id>:<n>`), and whoever creates generation
 * n is the only one allowed to write the message's claim state for it. The
 * message's own state (its Content-Type, layout.ts) names the generation
 * last taken; a claimer tries the next one. Every contender writes its
 * claim id and claim expiry into the container's metadata (its own key), so
 * that when the message's state lags behind (the winner has not written it
 * yet, or died before), the others can tell whether generation n may still
 * be live.
 */
import { ConnectionError } from '../../../zaqar/storage/errors';
import type { Project } from '../../../zaqar/storage/interfaces';
import type { SwiftClient } from './client';
import { lockContainer } from './layout';
import { heldBy, type MessageObjects } from './objects';

/** How many generations one attempt walks past (expired or abandoned ones) before it gives the message up. */
const MAX_STEPS = 4;
const ENTRY = 'x-container-meta-c-';

export class LockTable {
  constructor(
    private readonly client: SwiftClient,
    private readonly objects: MessageObjects,
  ) {}

  /**
   * Takes the next lock generation of a message for `claimId` (live until
   * `expires`, ms): the generation won, or undefined when another claim
   * holds the message, it is gone, or the race was lost.
   */
  async acquire(queue: string, project: Project, messageId: string, lastGeneration: number, claimId: string, expires: number, now: () => number): Promise<number | undefined> {
    let generation = lastGeneration + 1;
    for (let step = 0; step < MAX_STEPS; step++) {
      const response = await this.client.send({
        method: 'PUT',
        container: lockContainer(queue, project, messageId, generation),
        headers: { [`${ENTRY}${claimId}`]: String(expires) },
        // A repeated PUT answers 202 for the container its first attempt made.
        idempotent: false,
      });
      if (response.status === 201) return generation;
      if (response.status !== 202) {
        if (response.status >= 500) throw new ConnectionError(`PUT lock of ${messageId}: Swift answered ${response.status}`);
        return undefined;
      }
      // Someone else made this generation: is it (still) theirs?
      const current = await this.objects.read(queue, project, messageId, now());
      if (current === undefined) return undefined;
      if (current.state.generation >= generation) {
        if (heldBy(current.state, now()) !== null) return undefined;
        generation = current.state.generation + 1;
        continue;
      }
      // The message does not show generation `generation` yet: its taker is
      // writing it, or died first. Live while any contender's claim lives.
      const head = await this.client.send({ method: 'HEAD', container: lockContainer(queue, project, messageId, generation) });
      if (head.status >= 500) throw new ConnectionError(`HEAD lock of ${messageId}: Swift answered ${head.status}`);
      const live = Object.entries(head.headers).some(
        ([name, value]) => name.startsWith(ENTRY) && name !== `${ENTRY}${claimId}` && Number(value) > now(),
      );
      if (live) return undefined;
      generation++;
    }
    return undefined;
  }

  /** Moves the expiry of a claim in the lock it holds (renewal), so that a lagging message state cannot hide it. */
  async renew(queue: string, project: Project, messageId: string, generation: number, claimId: string, expires: number): Promise<void> {
    const response = await this.client.send({
      method: 'POST',
      container: lockContainer(queue, project, messageId, generation),
      headers: { [`${ENTRY}${claimId}`]: String(expires) },
    });
    if (response.status >= 500) throw new ConnectionError(`POST lock of ${messageId}: Swift answered ${response.status}`);
  }
}
