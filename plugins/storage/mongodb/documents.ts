/**
 * Zaqar's message document (`zaqar.storage.mongodb.messages`), how it
 * becomes a StoredMessage, and the query pieces every controller shares.
 *
 *   _id   ObjectId   message id; its timestamp is the creation time (seconds)
 *   p_q   string     scope "<project>/<queue>"
 *   t     int        ttl, seconds (a claim may raise it)
 *   e     date       expiry (TTL index; reads also filter on it)
 *   u     string     client id (Zaqar: a binary UUID; both are read)
 *   c     document   claim {id: ObjectId|null, e: claim expiry (UNIX s), c: claim count, [t: claim ttl]};
 *                    unclaimed when `e <= now` (a released claim keeps its id, see claims.ts)
 *   d     int        delay expiry (UNIX s); absent in old documents = not delayed
 *   b     any        body (BSON; exact JSON text in `bj` when BSON alone would lose it)
 *   k     int        marker: per-queue, strictly increasing in posting order
 *   tx    ObjectId   unfinished two-phase write, or null once visible
 *   cs    string     checksum "MD5:<hex>" (optional)
 *
 * Times stored as integers are whole UNIX seconds, as Zaqar's
 * `timeutils.utcnow_ts()` writes them; "now" always comes from this
 * process's `Date.now()`, never from the server.
 */
import { Binary, type Filter, ObjectId } from 'mongodb';
import type { StoredMessage } from '../../../zaqar/storage/interfaces';
import { RawJson } from '../../../zaqar/common/json';
import { bsonNumber } from './bson-json';
import { storedJsonText } from './sidecar';

export interface ClaimField {
  id: ObjectId | null;
  e: unknown;
  c?: unknown;
  t?: unknown;
}

export interface MessageDocument {
  _id: ObjectId;
  p_q: string;
  t: unknown;
  e: Date;
  u?: unknown;
  c: ClaimField;
  d?: unknown;
  b: unknown;
  bj?: string;
  k: unknown;
  tx: ObjectId | null;
  cs?: string;
}

export type MessageFilter = Filter<MessageDocument>;

/** One instant in the two units the documents use. */
export interface Now {
  /** Milliseconds (BSON dates). */
  ms: number;
  /** Whole UNIX seconds (claim and delay expiries). */
  s: number;
}

export function now(): Now {
  const ms = Date.now();
  return { ms, s: Math.floor(ms / 1000) };
}

/** Read options of message documents: numbers keep their BSON type, so bodies render exactly. */
export const RAW_NUMBERS = { promoteValues: false } as const;

/** A 24-hex ObjectId, or null (Zaqar's `to_oid`; malformed ids are never errors in storage). */
export function toObjectId(id: string | undefined | null): ObjectId | null {
  return typeof id === 'string' && /^[0-9a-fA-F]{24}$/.test(id) ? ObjectId.createFromHexString(id) : null;
}

/** A new id whose timestamp is `now` (ObjectId timestamps are creation times). */
export function newObjectId(at: Now): ObjectId {
  return new ObjectId(ObjectId.generate(at.s));
}

/** Messages of the scope that readers may see: finalised and not expired (MongoDB's TTL monitor is lazy). */
export function visible(scope: string, at: Now): MessageFilter {
  return { p_q: scope, tx: null, e: { $gt: new Date(at.ms) } };
}

/** No live claim: never claimed, released, or the claim expired (`c.e <= now`). */
export function unclaimed(at: Now): MessageFilter {
  return { 'c.e': { $lte: at.s } };
}

/** Delay passed; documents written before delays existed have no `d`. */
export function undelayed(at: Now): MessageFilter {
  return { $or: [{ d: { $lte: at.s } }, { d: { $exists: false } }] };
}

/** What claims and pops may take: visible, unclaimed and not delayed, checked per message. */
export function claimable(scope: string, at: Now): MessageFilter {
  return { ...visible(scope, at), ...unclaimed(at), ...undelayed(at) };
}

/** The id of the live claim holding the message, or null. */
export function liveClaimId(doc: Pick<MessageDocument, 'c'>, at: Now): string | null {
  const claim = doc.c;
  if (!claim || !claim.id) return null;
  return (bsonNumber(claim.e) ?? 0) > at.s ? claim.id.toHexString() : null;
}

export function markerOf(doc: Pick<MessageDocument, 'k'>): number {
  return bsonNumber(doc.k) ?? 0;
}

/** Zaqar's `_basic_message`, with an expired claim reported as no claim. */
export function toStoredMessage(doc: MessageDocument, at: Now): StoredMessage {
  const created = doc._id.getTimestamp().getTime();
  const message: StoredMessage = {
    id: doc._id.toHexString(),
    age: Math.max(0, Math.floor((at.ms - created) / 1000)),
    ttl: bsonNumber(doc.t) ?? 0,
    body: new RawJson(storedJsonText(doc.b, doc.bj)),
    claimId: liveClaimId(doc, at),
    claimCount: bsonNumber(doc.c?.c) ?? 0,
    created,
  };
  if (typeof doc.cs === 'string' && doc.cs !== '') message.checksum = doc.cs;
  return message;
}

/**
 * The stored forms of a client id, for the `echo` filter: our string, and
 * the binary UUID Zaqar writes (subtype 4; subtype 3 from old pymongo).
 */
export function clientIdForms(clientId: string): unknown[] {
  const forms: unknown[] = [clientId];
  const hex = clientId.replace(/-/g, '');
  if (/^[0-9a-fA-F]{32}$/.test(hex)) {
    const bytes = Buffer.from(hex, 'hex');
    // Subtype 3 is the old ("python legacy") UUID subtype, same byte order for Python.
    forms.push(new Binary(bytes, Binary.SUBTYPE_UUID), new Binary(bytes, 3));
  }
  return forms;
}
