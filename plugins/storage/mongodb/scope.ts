/**
 * Queue scopes as Zaqar's MongoDB stores write them
 * (`zaqar.storage.mongodb.utils`): the field `p_q` holds
 * `"<project>/<queue>"` (`"/<queue>"` in the global namespace), and a queue's
 * messages live in partition `crc32(utf8(project + queue)) % partitions`.
 */
import { crc32 } from 'node:zlib';
import type { Filter } from 'mongodb';
import type { Project } from '../../../zaqar/storage/interfaces';
import { toBson } from './bson-json';

/** `scope_queue_name`. */
export function scopeOf(queue: string, project: Project): string {
  return `${project ?? ''}/${queue}`;
}

/** `parse_scoped_project_queue`: the project (null for the global namespace) and queue of a scope. */
export function parseScope(scope: string): { project: Project; queue: string } {
  const slash = scope.lastIndexOf('/');
  const project = scope.slice(0, slash);
  return { project: project === '' ? null : project, queue: scope.slice(slash + 1) };
}

/**
 * `get_partition`: Python's `binascii.crc32` (unsigned, as zlib's) of the
 * UTF-8 bytes of project + queue (queue alone for the global namespace).
 */
export function partitionOf(queue: string, project: Project, partitions: number): number {
  const name = project === null ? queue : project + queue;
  return crc32(Buffer.from(name, 'utf8')) % partitions;
}

/** A string matched literally inside a regular expression. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export interface ScopeListing {
  /** Only names after this one (exclusive). */
  marker?: string;
  /** Only names containing this text (a literal substring). */
  nameContains?: string;
  /** Exact matches on metadata keys (`m.<key>`). */
  filters?: Record<string, unknown>;
}

/**
 * The documents of one project's queues (Zaqar's `scoped_query`), on the
 * `p_q` index (topics: `p_t`). Unlike the reference, the project and the name filter are
 * matched literally: Zaqar puts both into a regular expression unescaped, so
 * `name=a.c` matched `abc` and a project like `a+b` broke listing.
 * Queue names cannot contain `/`, so `[^/]*` keeps a project `a` from
 * seeing the queues of a project `a/b`.
 */
export function projectScopeFilter(project: Project, listing: ScopeListing = {}, key: 'p_q' | 'p_t' = 'p_q'): Filter<Record<string, unknown>> {
  const prefix = `${project ?? ''}/`;
  const name = listing.nameContains ? `[^/]*${escapeRegex(listing.nameContains)}[^/]*` : '[^/]*';
  const range: Record<string, unknown> = { $regex: `^${escapeRegex(prefix)}${name}$` };
  // A range on the prefix lets the p_q index bound the scan (a regex with
  // an escaped literal prefix would too, on MongoDB; the range is portable).
  range.$gte = prefix;
  range.$lt = `${project ?? ''}0`; // '0' is the character after '/'
  if (listing.marker !== undefined) {
    delete range.$gte;
    range.$gt = scopeOf(listing.marker, project);
  }
  const filter: Record<string, unknown> = { [key]: range };
  for (const [key, value] of Object.entries(listing.filters ?? {})) {
    filter[`m.${key}`] = { $eq: toBson(value).value };
  }
  return filter;
}
