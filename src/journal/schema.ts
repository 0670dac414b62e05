/**
 * The journal's schema, as an ordered list of migrations. `PRAGMA user_version` holds how many
 * have been applied; a journal written by a newer twilio-bulk is refused rather than guessed at.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE runs (
    id            INTEGER PRIMARY KEY,
    name          TEXT UNIQUE,
    input_path    TEXT NOT NULL,
    input_format  TEXT NOT NULL,
    input_hash    TEXT,
    input_bytes   INTEGER,
    options_json  TEXT NOT NULL,
    identity      TEXT NOT NULL,
    phase         TEXT NOT NULL CHECK (phase IN ('preparing', 'ready', 'finished')),
    total_rows    INTEGER NOT NULL DEFAULT 0,
    segments      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    started_at    INTEGER,
    finished_at   INTEGER,
    updated_at    INTEGER NOT NULL
  );
  CREATE INDEX runs_identity ON runs (identity, id);

  CREATE TABLE rows (
    run_id        INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    idx           INTEGER NOT NULL,
    line          INTEGER NOT NULL,
    to_number     TEXT,
    request_json  TEXT,
    fields_json   TEXT NOT NULL,
    dedupe_key    TEXT,
    segments      INTEGER NOT NULL DEFAULT 0,
    state         TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed', 'invalid', 'skipped', 'in_doubt')),
    reason        TEXT,
    attempts      INTEGER NOT NULL DEFAULT 0,
    http_status   INTEGER,
    error_code    INTEGER,
    error_message TEXT,
    sid           TEXT,
    twilio_status TEXT,
    duplicate_sids TEXT,
    delivery_status TEXT,
    delivery_error_code INTEGER,
    delivery_checked_at INTEGER,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (run_id, idx)
  ) WITHOUT ROWID;
  CREATE INDEX rows_state ON rows (run_id, state, idx);
  CREATE INDEX rows_dedupe ON rows (run_id, dedupe_key, idx) WHERE dedupe_key IS NOT NULL;
  CREATE INDEX rows_to ON rows (run_id, to_number, idx) WHERE to_number IS NOT NULL;

  CREATE TABLE attempts (
    id            INTEGER PRIMARY KEY,
    run_id        INTEGER NOT NULL,
    row_idx       INTEGER NOT NULL,
    n             INTEGER NOT NULL,
    outcome       TEXT NOT NULL,
    started_at    INTEGER NOT NULL,
    finished_at   INTEGER,
    http_status   INTEGER,
    error_code    INTEGER,
    error_message TEXT,
    sid           TEXT,
    twilio_status TEXT,
    FOREIGN KEY (run_id, row_idx) REFERENCES rows (run_id, idx) ON DELETE CASCADE
  );
  CREATE INDEX attempts_row ON attempts (run_id, row_idx, n);
  CREATE INDEX attempts_in_flight ON attempts (run_id) WHERE outcome = 'in_flight';

  CREATE TABLE suppressions (
    number        TEXT PRIMARY KEY,
    code          INTEGER,
    reason        TEXT NOT NULL,
    run_id        INTEGER,
    added_at      INTEGER NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE run_locks (
    run_id        INTEGER PRIMARY KEY,
    pid           INTEGER NOT NULL,
    host          TEXT NOT NULL,
    acquired_at   INTEGER NOT NULL
  );
  `,
  // `listen` finds a row by the sid in each status callback, in whichever run it was sent.
  `
  CREATE INDEX rows_sid ON rows (sid) WHERE sid IS NOT NULL;
  `,
  // One journal for every Twilio API: which one a row is for, and what its answer kept
  // (a call's status, a lookup's line type) beyond sid and status.
  `
  ALTER TABLE rows ADD COLUMN api TEXT NOT NULL DEFAULT 'messages';
  ALTER TABLE rows ADD COLUMN result_json TEXT;
  `,
  // The run lock's lease: the holder renews renewed_at every lease_ms / 4, so a lock whose
  // holder stopped renewing can be taken over from any host; token tells one holding from the
  // next (the fence). Rows written before this migration have none and keep the pid-only rules.
  `
  ALTER TABLE run_locks ADD COLUMN renewed_at INTEGER;
  ALTER TABLE run_locks ADD COLUMN lease_ms INTEGER;
  ALTER TABLE run_locks ADD COLUMN token TEXT;
  `,
  // New rows keep 16 bytes of their dedupe key (journal/dedupeKeys.ts), looked up through the
  // recipient's rows (rows_to): the index on the keys, which are hashes, cost a page write a row.
  `
  DROP INDEX IF EXISTS rows_dedupe;
  `,
  // The account-wide rate (core/gcra.ts, journal/rateSlots.ts): one row per account, moved by
  // every sender of it, so a restart or a second process cannot start more than the rate.
  `
  CREATE TABLE rate_limits (
    account       TEXT PRIMARY KEY,
    tat_ms        REAL NOT NULL
  ) WITHOUT ROWID;
  `,
  // Several processes on one run (a shared journal): one lock row per holder, keyed by its
  // token, shared by the senders of a run or held alone (pre-flight, retry, reconcile); and
  // each row's owner, the token of the holder that claimed it (journal/claimRows.ts). An owner
  // whose lock row is gone owns nothing: its rows are anyone's to claim.
  `
  CREATE TABLE run_locks_by_token (
    run_id        INTEGER NOT NULL,
    pid           INTEGER NOT NULL,
    host          TEXT NOT NULL,
    acquired_at   INTEGER NOT NULL,
    renewed_at    INTEGER,
    lease_ms      INTEGER,
    token         TEXT PRIMARY KEY,
    shared        INTEGER NOT NULL DEFAULT 0
  );
  INSERT INTO run_locks_by_token (run_id, pid, host, acquired_at, renewed_at, lease_ms, token)
    SELECT run_id, pid, host, acquired_at, renewed_at, lease_ms, coalesce(token, 'legacy-' || run_id)
      FROM run_locks;
  DROP TABLE run_locks;
  ALTER TABLE run_locks_by_token RENAME TO run_locks;
  CREATE INDEX run_locks_run ON run_locks (run_id);
  ALTER TABLE rows ADD COLUMN owner TEXT;
  `,
  // rows_to holds the rows that have been attempted, which are all reconcile looks a recipient
  // up for: kept for every row, it took a random index insert per row of the pre-flight (most
  // of its time on a large list), and the pre-flight confirms its duplicates by one pass instead.
  `
  DROP INDEX rows_to;
  CREATE INDEX rows_to ON rows (run_id, to_number, idx) WHERE attempts > 0;
  `,
  // The packed request most of a run's rows share, stored once: such a row's request_json is ''
  // (journal/requestTemplate.ts, requestColumn.ts).
  `
  ALTER TABLE runs ADD COLUMN request_template TEXT;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
