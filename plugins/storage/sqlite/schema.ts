/**
 * Opening the message database: connection pragmas, tables and indexes.
 *
 * Conventions every statement of this plugin relies on:
 * - Times are milliseconds since the UNIX epoch, always taken from the
 *   server's `Date.now()`, never from SQLite's clock.
 * - Scope: `project` is NULL for the global namespace and compared with
 *   `project IS @project`, so null and every real project
 *   id (even '') stay distinct; SQLite uses indexes for `IS` like for `=`.
 * - A message is *claimed* iff `claim_id IS NOT NULL AND claim_expires > now`.
 *   A message whose claim expired may keep its stale claim id until it is
 *   normalised (see `messages_claimable` below); it counts as unclaimed.
 */
import Database from 'better-sqlite3';
import type { SynchronousLevel } from './options';

/** Bump together with a new entry in MIGRATIONS. */
export const SCHEMA_VERSION = 2;

/**
 * Subscriptions (version 2). Unique by (project, queue, subscriber) among
 * live rows: creates and updates check and write in one IMMEDIATE
 * transaction (subscriptions.ts), which also holds across processes; a
 * UNIQUE constraint could not say it (NULL projects are distinct to it, and
 * an expired row must not block its subscriber).
 */
const CREATE_SUBSCRIPTIONS = `
CREATE TABLE IF NOT EXISTS subscriptions (
  id         TEXT    PRIMARY KEY,           -- random UUID4
  project    TEXT,                          -- NULL = global namespace
  queue      TEXT    NOT NULL,              -- the source: a queue's (or topic's) name
  subscriber TEXT    NOT NULL,              -- URI
  ttl        INTEGER NOT NULL,              -- seconds, as reported
  created    INTEGER NOT NULL,              -- age counts from here
  expires    INTEGER NOT NULL,              -- invisible once expires <= now; a ttl update moves it
  options    TEXT    NOT NULL,              -- JSON object text, returned exactly
  confirmed  INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- Listing in id order, and every lookup by id (always scoped).
CREATE INDEX IF NOT EXISTS subscriptions_by_queue ON subscriptions (project, queue, id);
-- The uniqueness check and get-with-subscriber.
CREATE INDEX IF NOT EXISTS subscriptions_by_subscriber ON subscriptions (project, queue, subscriber);
-- Garbage collection.
CREATE INDEX IF NOT EXISTS subscriptions_by_expiry ON subscriptions (expires);
`;

const CREATE_SCHEMA = `
CREATE TABLE IF NOT EXISTS schema_version (
  version INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS messages (
  -- Ordering key and paging marker: assigned at post time in input
  -- order, strictly increasing. AUTOINCREMENT guarantees a
  -- value is never handed out twice, even after the newest row was deleted,
  -- so an old marker can never come to denote a newer message.
  marker        INTEGER PRIMARY KEY AUTOINCREMENT,
  id            TEXT    NOT NULL,           -- public id, UUID7 (ids.ts newOrderedId): appends to messages_by_id
  project       TEXT,                       -- NULL = global namespace
  queue         TEXT    NOT NULL,
  client_id     TEXT    NOT NULL,           -- any string (client_id_uuid_safe = off)
  ttl           INTEGER NOT NULL,           -- seconds, as reported
  created       INTEGER NOT NULL,
  expires       INTEGER NOT NULL,           -- invisible once expires <= now
  delay_expires INTEGER NOT NULL,           -- created + delay
  claim_id      TEXT,
  claim_expires INTEGER NOT NULL DEFAULT 0,
  claim_count   INTEGER NOT NULL DEFAULT 0, -- kept across release, renew and expiry
  body          TEXT    NOT NULL,           -- JSON text, returned verbatim as RawJson
  checksum      TEXT
);

-- Listing, first/newest and per-queue counting: a range scan in marker
-- order. "expires" rides along so counting live messages (stats) and
-- skipping expired ones never touches the table.
CREATE INDEX IF NOT EXISTS messages_by_queue
  ON messages (project, queue, marker, expires);

-- Claim and pop candidates: messages without a claim id, in FIFO order.
-- Claims first normalise expired claims (claim_id := NULL) in the queue,
-- so this partial index then holds exactly the claimable-by-claim-state
-- messages, and the head of the queue is found without stepping over
-- messages that are still being processed.
CREATE INDEX IF NOT EXISTS messages_claimable
  ON messages (project, queue, marker) WHERE claim_id IS NULL;

-- Messages carrying a claim id: claim get/renew/release look up by claim,
-- stats count claimed messages, normalisation finds expired claims.
CREATE INDEX IF NOT EXISTS messages_claimed
  ON messages (project, queue, claim_id, claim_expires) WHERE claim_id IS NOT NULL;

-- Get/delete by id (always filtered by scope too).
CREATE INDEX IF NOT EXISTS messages_by_id ON messages (id);

-- Garbage collection and the driver-wide health counts.
CREATE INDEX IF NOT EXISTS messages_by_expiry ON messages (expires);

CREATE TABLE IF NOT EXISTS claims (
  id      TEXT    PRIMARY KEY,              -- UUID7 (ids.ts newOrderedId)
  project TEXT,
  queue   TEXT    NOT NULL,
  ttl     INTEGER NOT NULL,                 -- seconds
  expires INTEGER NOT NULL,
  updated INTEGER NOT NULL                  -- creation or last renewal; claim age counts from here
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS claims_by_queue ON claims (project, queue);
CREATE INDEX IF NOT EXISTS claims_by_expiry ON claims (expires);
${CREATE_SUBSCRIPTIONS}`;

/**
 * Upgrades from version N-1 to N, keyed by N. A schema change updates
 * CREATE_SCHEMA (fresh databases) and adds its statements here (existing
 * ones).
 */
const MIGRATIONS: Readonly<Record<number, string>> = {
  2: CREATE_SUBSCRIPTIONS,
};

export interface MessageDatabaseOptions {
  synchronous: SynchronousLevel;
  busyTimeoutMs: number;
}

/** Whether commits are made durable by WalSync rather than by SQLite: FULL on a file (not `:memory:`). */
export function walSyncs(filename: string, options: MessageDatabaseOptions): boolean {
  return options.synchronous === 'FULL' && filename !== ':memory:' && filename !== '';
}

/** Opens (creating if needed) the message database at `filename` (`:memory:` allowed). */
export function openMessageDatabase(filename: string, options: MessageDatabaseOptions): Database.Database {
  const db = new Database(filename, { timeout: options.busyTimeoutMs });
  try {
    // WAL: readers never block the writer and vice versa, which is what lets
    // several API processes share one file (in-memory databases report "memory").
    db.pragma('journal_mode = WAL');
    // FULL's fsync is done off the event loop by WalSync (wal-sync.ts), so the connection itself runs at NORMAL.
    db.pragma(`synchronous = ${walSyncs(filename, options) ? 'NORMAL' : options.synchronous}`);
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
    // A 16 MiB page cache (SQLite's default is 2 MiB) keeps hot queues' index pages in memory.
    db.pragma('cache_size = -16384');
    db.pragma('temp_store = MEMORY');
    // IMMEDIATE: two processes starting on a fresh file must not both
    // create the schema and record a version.
    db.transaction(() => ensureSchema(db)).immediate();
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Creates the latest schema on a fresh database, or migrates an older one. */
function ensureSchema(db: Database.Database): void {
  const versioned = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'")
    .get();
  const row = versioned
    ? (db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined)
    : undefined;
  if (row === undefined) {
    // CREATE_SCHEMA always describes the latest version.
    db.exec(CREATE_SCHEMA);
    db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(SCHEMA_VERSION);
    return;
  }
  if (row.version > SCHEMA_VERSION) {
    throw new Error(
      `message database schema version ${row.version} is newer than this server understands (${SCHEMA_VERSION}); ` +
        'upgrade the server instead of downgrading it',
    );
  }
  for (let version = row.version + 1; version <= SCHEMA_VERSION; version++) {
    const migration = MIGRATIONS[version];
    if (migration === undefined) throw new Error(`no migration to message database schema version ${version}`);
    db.exec(migration);
  }
  db.prepare('UPDATE schema_version SET version = ?').run(SCHEMA_VERSION);
}
