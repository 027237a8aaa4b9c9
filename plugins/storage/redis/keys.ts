/**
 * Redis key names — Zaqar 15's layout (`zaqar.storage.redis`), so a
 * store written by the reference is readable here and vice versa:
 *
 * | key                         | type   | content                                          |
 * |-----------------------------|--------|--------------------------------------------------|
 * | `P.queues_set`              | zset   | members `P.Q`, score 1 (lexicographic order)     |
 * | `P.Q`                       | hash   | queue: `c`, `cl`, `m` (MessagePack metadata), `t`|
 * | `msgset_index`              | zset   | members `P.Q.messages` (what gc walks)           |
 * | `P.Q.messages`              | zset   | message id → rank (FIFO order, paging marker)    |
 * | `P.Q.rank_counter`          | string | next rank (absent = 1)                           |
 * | `<message id>`              | hash   | `id t cr e u c c.e c.c d b [cs]`, key TTL        |
 * | `P.Q.claims`                | zset   | claim id → claim expiry (UNIX s)                 |
 * | `<claim id>`                | hash   | `id t e n`, key TTL                              |
 * | `messages.<claim id>`       | list   | the claim's message ids, key TTL (*)             |
 * | `P.Q.subscriptions`         | zset   | subscription id → 1 (id order)                   |
 * | `<subscription id>`         | hash   | `id s u t e o p c`, key TTL                      |
 * | `pools`, `<pool>.pools`     | zset, hash | pools (`pl u w o f`)                         |
 * | `flavors`, `<flavor>.flavors` | zset, hash | flavors (`f p c`)                          |
 * | `catalogue.P`, `catalogue.P.Q` | zset, hash | queue → pool (`p p_q p_p`) (*)            |
 *
 * (*) Not `<claim id>.messages`, `P.catalogue` and `P.Q.catalogue`, as one
 * might expect: the reference builds them with `scope_queue_name(x,
 * suffix)`, which puts the suffix first; the names above are what Zaqar 15
 * actually writes (checked against a store it wrote).
 *
 * Our additions never collide with a reference key because they contain a
 * `:` (no queue name, message id or claim id can):
 *
 * | `P.Q.messages:expires`      | zset   | message id → expiry (UNIX s): O(log n) stats and gc |
 * | `P.Q.messages:held`         | hash   | held prefix `r t`: no message ranked ≤ r is claimable before t (scripts/common.ts) |
 * | `zaqar:gc-lock`             | string | one gc pass at a time across API servers         |
 *
 * and topic records (the reference's Redis store has no topics), under
 * `P%topics` instead of the queues' `P`:
 *
 * | `P%topics`                  | zset   | members `P%topics.T`, score 1 (name order)       |
 * | `P%topics.T`                | hash   | topic `T`: `c`, `cl`, `m` (+ `m.j`), `t` as a queue |
 *
 * They never collide with a queue's keys (or any other): every other key's
 * part before its first `.` is a key scope (which never holds `.`, and
 * holds `%` only in `%25` / `%2E`), `catalogue`, `messages`, a pool or
 * flavor name (no `%`), or the whole key is a set name or an id without
 * `%`. A topic's messages and subscriptions are its name's queue keys
 * (`P.T.messages`, `P.T.subscriptions`...), shared with a queue of that
 * name, as in Zaqar.
 *
 * and a few hash fields the reference ignores: `b.j` / `m.j` / `o.j` /
 * `c.j` hold the exact JSON text when MessagePack cannot reproduce it
 * (codec.ts).
 *
 * `P` is the project. Deviation from the reference, for tenant isolation:
 * the reference writes the project verbatim, so project `a.b` + queue `c`
 * and project `a` + queue `b.c` share every key. A project id containing
 * `.` or `%` is written with those two characters percent-encoded; every
 * other project id (Keystone's hex ids, typical names) is written exactly as
 * the reference does. The global namespace (no project) is `''`, as in the
 * reference; an empty project id is refused because it would be the same.
 *
 * Names are never derived back from keys by splitting on `.` (the
 * reference's defect: queue `a.b` listed as `a`): a queue's name is its
 * `P.queues_set` member minus the known `P.` prefix.
 */
import type { Project } from '../../../zaqar/storage/interfaces';

export const MSGSET_INDEX = 'msgset_index';
export const POOLS_SET = 'pools';
export const FLAVORS_SET = 'flavors';
export const GC_LOCK = 'zaqar:gc-lock';

/**
 * Ours: the pub/sub channel the post script announces posts on (payload:
 * postSignal). Pub/sub is not scoped by database, so the channel names the
 * database of the key namespace.
 */
export function postChannel(dbid: number): string {
  return `zaqar-ts.posted.${dbid}`;
}

/**
 * A post signal's payload: the message set's key (`P.Q.messages`), then
 * `@` and the posting store's origin (hex), so a process can skip its own
 * posts (it has woken its waiters already). The set key ends in
 * `.messages`, so a payload without an origin is just the key.
 */
export function parsePostSignal(payload: string): { set: string; origin: string | undefined } {
  if (payload.endsWith('.messages')) return { set: payload, origin: undefined };
  const at = payload.lastIndexOf('@');
  return at < 0 ? { set: payload, origin: undefined } : { set: payload.slice(0, at), origin: payload.slice(at + 1) };
}

/** The project as it appears in keys (see the module comment). */
export function projectScope(project: Project): string {
  if (project === null) return '';
  if (project === '') throw new RangeError('project id must be null (global namespace) or non-empty');
  return /[.%]/.test(project) ? project.replace(/%/g, '%25').replace(/\./g, '%2E') : project;
}

/** The project of a key scope (inverse of projectScope). */
export function projectOfScope(scope: string): Project {
  if (scope === '') return null;
  return scope.replace(/%2E/g, '.').replace(/%25/g, '%');
}

/**
 * The queue a `msgset_index` member (`P.Q.messages`) belongs to. The scope
 * never contains a dot (projectScope encodes them), so the first dot ends it.
 */
export function queueOfMessageSet(member: string): { name: string; project: Project } | undefined {
  const dot = member.indexOf('.');
  if (dot < 0 || !member.endsWith('.messages')) return undefined;
  return { project: projectOfScope(member.slice(0, dot)), name: member.slice(dot + 1, -'.messages'.length) };
}

/** Every key of one queue. */
export class QueueKeys {
  /** `P.Q`: the queue hash, and its member name in `P.queues_set` and `catalogue.P`. */
  readonly queue: string;
  readonly queuesSet: string;
  readonly messages: string;
  readonly rankCounter: string;
  readonly expiries: string;
  readonly heldPrefix: string;
  readonly claims: string;
  readonly subscriptions: string;
  readonly catalogueSet: string;
  readonly catalogueEntry: string;

  constructor(
    readonly name: string,
    readonly project: Project,
  ) {
    const scope = projectScope(project);
    this.queue = `${scope}.${name}`;
    this.queuesSet = `${scope}.queues_set`;
    this.messages = `${this.queue}.messages`;
    this.rankCounter = `${this.queue}.rank_counter`;
    this.expiries = `${this.messages}:expires`;
    this.heldPrefix = `${this.messages}:held`;
    this.claims = `${this.queue}.claims`;
    this.subscriptions = `${this.queue}.subscriptions`;
    this.catalogueSet = `catalogue.${scope}`;
    this.catalogueEntry = `catalogue.${this.queue}`;
  }
}

/** `P.queues_set` of a project. */
export function queuesSetKey(project: Project): string {
  return `${projectScope(project)}.queues_set`;
}

/** `P.` — the prefix of every member of `P.queues_set` and `catalogue.P`. */
export function queueMemberPrefix(project: Project): string {
  return `${projectScope(project)}.`;
}

/** `P%topics`: a project's topic set (see the module comment). */
export function topicsSetKey(project: Project): string {
  return `${projectScope(project)}%topics`;
}

/** `P%topics.` — the prefix of every member of `P%topics` (each a topic's hash). */
export function topicMemberPrefix(project: Project): string {
  return `${topicsSetKey(project)}.`;
}

/** `catalogue.P` of a project. */
export function catalogueSetKey(project: Project): string {
  return `catalogue.${projectScope(project)}`;
}

/** The prefix of every catalogue key (`catalogue.P` sets and `catalogue.P.Q` entries). */
export const CATALOGUE_PREFIX = 'catalogue.';

/**
 * `messages.<claim id>`: the claim's message list (the claim hash is the bare
 * id). Not `<claim id>.messages`, as one might expect: the reference builds
 * the name with `scope_queue_name(claim_id, 'messages')`, i.e. project
 * `messages`, queue `<claim id>` — data it wrote has the prefix form, so we
 * use it too.
 */
export function claimMessagesKey(claimId: string): string {
  return `messages.${claimId}`;
}

export function poolKey(name: string): string {
  return `${name}.pools`;
}

export function flavorKey(name: string): string {
  return `${name}.flavors`;
}
