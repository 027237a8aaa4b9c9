/**
 * The message-store side of queue operations (Zaqar's MessageQueueHandler):
 * stats from one walk of the message container's listing (its
 * Content-Types carry each message's state; objects the reference wrote are
 * read, as Zaqar HEADs every object), and purge.
 */
import { ConnectionError } from '../../../zaqar/storage/errors';
import type { MessageStatsEntry, Project, QueueDataController, QueueStats } from '../../../zaqar/storage/interfaces';
import { WIDTH } from './claims';
import { claimContainer, decodeState, idTime, messageContainer, parseLockContainer, queueLockPrefix } from './layout';
import { heldBy, isExpired, type ListingEntry, mapLimit, type MessageObjects, secondsSince } from './objects';

function entry(id: string, created: number, now: number): MessageStatsEntry {
  return { id, age: secondsSince(created, now), created: new Date(created).toISOString().slice(0, 19) + 'Z' };
}

export class SwiftQueueDataController implements QueueDataController {
  constructor(private readonly objects: MessageObjects) {}

  async stats(queue: string, project: Project): Promise<QueueStats> {
    const now = Date.now();
    let claimed = 0;
    let total = 0;
    let oldest: MessageStatsEntry | undefined;
    let newest: MessageStatsEntry | undefined;
    await this.objects.walk(messageContainer(queue, project), async (page) => {
      const states = await mapLimit(page, WIDTH, async (e) => {
        const hint = decodeState(e.content_type);
        if (hint) return { id: e.name, state: hint, created: idTime(e.name) };
        const message = await this.objects.read(queue, project, e.name, now);
        return message && { id: e.name, state: message.state, created: message.created };
      });
      for (const s of states) {
        if (!s || isExpired(s.state, now)) continue;
        total++;
        if (heldBy(s.state, now) !== null) claimed++;
        const created = s.created ?? now;
        newest = entry(s.id, created, now);
        oldest ??= newest;
      }
      return true;
    });
    const stats: QueueStats = { messages: { claimed, free: total - claimed, total } };
    if (oldest && newest) {
      stats.messages.oldest = oldest;
      stats.messages.newest = newest;
    }
    return stats;
  }

  /** Zaqar's health KPI `message_volume`: the stats of every message container of the account, summed. */
  async messageVolume(): Promise<{ free: number; claimed: number; total: number }> {
    const volume = { free: 0, claimed: 0, total: 0 };
    const prefix = 'zaqar_message:';
    let marker: string | undefined;
    for (;;) {
      const page = await this.objects.listPage('', { prefix, marker });
      if (page.length === 0) return volume;
      marker = page[page.length - 1].name;
      // zaqar_message:<queue>:<project>; queue names have no ':', a project may.
      for (const e of page) {
        const rest = e.name.slice(prefix.length);
        const colon = rest.indexOf(':');
        if (colon <= 0) continue;
        const project = rest.slice(colon + 1);
        const { messages } = await this.stats(rest.slice(0, colon), project === 'None' ? null : project);
        volume.free += messages.free;
        volume.claimed += messages.claimed;
        volume.total += messages.total;
      }
    }
  }

  /** Every message and claim object of the queue, their containers, and the queue's lock containers. */
  async purge(queue: string, project: Project): Promise<void> {
    for (const container of [messageContainer(queue, project), claimContainer(queue, project)]) {
      // Listings lag a deletion by nothing (one replica) or little: walk until empty.
      for (let round = 0; round < 5; round++) {
        const page = await this.objects.listPage(container);
        if (page.length === 0) break;
        await mapLimit(page, WIDTH, (e) => this.deleteObject(container, e));
      }
      const response = await this.objects.client.send({ method: 'DELETE', container });
      // 409: something was posted meanwhile; the container stays, with it.
      if (response.status >= 500) throw new ConnectionError(`DELETE container ${container}: Swift answered ${response.status}`);
    }
    await this.dropLocks(queueLockPrefix(queue, project), (name) => {
      const lock = parseLockContainer(name);
      return lock !== undefined && lock.queue === queue && lock.project === project;
    });
  }

  private async deleteObject(container: string, e: ListingEntry): Promise<void> {
    const response = await this.objects.client.send({ method: 'DELETE', container, object: e.name });
    if (response.status >= 300 && response.status !== 404) throw new ConnectionError(`DELETE ${container}/${e.name}: Swift answered ${response.status}`);
  }

  /** Deletes the lock containers with `prefix` that `wanted` accepts; their number. */
  async dropLocks(prefix: string, wanted: (name: string) => boolean | Promise<boolean>): Promise<number> {
    let removed = 0;
    let marker: string | undefined;
    for (;;) {
      const page = await this.objects.listPage('', { prefix, marker });
      if (page.length === 0) return removed;
      marker = page[page.length - 1].name;
      await mapLimit(page, WIDTH, async (e) => {
        if (!(await wanted(e.name))) return;
        const response = await this.objects.client.send({ method: 'DELETE', container: e.name });
        if (response.status < 300) removed++;
      });
    }
  }
}
