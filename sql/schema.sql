-- dmarcsuite database schema (SQLite), the current version.
--
-- A fresh database is created from this file; an older one is brought up
-- to date by the numbered migrations sql/NNN-*.sql in order.  The version
-- lives in PRAGMA user_version, which the tools set; it equals the highest
-- migration number.  sql/README describes every table and column.
--
-- Conventions: times are integer seconds since 1970 (UTC), never text;
-- domain names are stored lower-cased; numeric codes are those of the
-- history format (dmarc-history(5)), -1 meaning unknown.

-- MTA host names (history "reporter")
CREATE TABLE reporters (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

-- every domain name met: From, envelope, policy, SPF, DKIM d=
CREATE TABLE domains (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

-- client IP addresses as written in the history file
CREATE TABLE ipaddrs (
    id   INTEGER PRIMARY KEY,
    addr TEXT NOT NULL UNIQUE
);

-- the policy as published and evaluated, deduplicated by content, so each
-- message points at the policy that applied to it
CREATE TABLE requests (
    id        INTEGER PRIMARY KEY,
    domain_id INTEGER NOT NULL REFERENCES domains (id),
    rua       TEXT NOT NULL,
    pct       INTEGER NOT NULL,
    adkim     INTEGER NOT NULL,
    aspf      INTEGER NOT NULL,
    p         INTEGER NOT NULL,
    sp        INTEGER NOT NULL,
    fo        INTEGER NOT NULL,
    np        INTEGER NOT NULL,
    psd       INTEGER NOT NULL,
    t         INTEGER NOT NULL,
    UNIQUE (domain_id, rua, pct, adkim, aspf, p, sp, fo, np, psd, t)
);

-- one row per history record
CREATE TABLE messages (
    id            INTEGER PRIMARY KEY,
    received      INTEGER NOT NULL,
    rec_hash      INTEGER NOT NULL,
    jobid         TEXT NOT NULL,
    reporter_id   INTEGER NOT NULL REFERENCES reporters (id),
    ip_id         INTEGER NOT NULL REFERENCES ipaddrs (id),
    from_id       INTEGER NOT NULL REFERENCES domains (id),
    env_id        INTEGER REFERENCES domains (id),
    pdomain_id    INTEGER NOT NULL REFERENCES domains (id),
    request_id    INTEGER NOT NULL REFERENCES requests (id),
    spf           INTEGER NOT NULL,
    spf_scope     INTEGER NOT NULL,
    spf_domain_id INTEGER REFERENCES domains (id),
    policy        INTEGER NOT NULL,
    action        INTEGER NOT NULL,
    align_dkim    INTEGER NOT NULL,
    align_spf     INTEGER NOT NULL,
    arc           INTEGER NOT NULL,
    arc_policy    INTEGER NOT NULL,
    sigcount      INTEGER NOT NULL,
    discovery     INTEGER NOT NULL,
    hist_version  INTEGER NOT NULL,
    -- the same record is never stored twice; received first, so inserts
    -- land at the end of the index and it serves time-range scans too
    UNIQUE (received, rec_hash)
);
-- the reporter: messages of one policy domain in one period, in
-- (received, id) order, the order of its signature and override streams;
-- only messages with a usable DMARC record (policy code 14 is never
-- reported), and the policy code in the index so that the reporter's
-- filters need no table read
CREATE INDEX messages_by_pdomain ON messages (pdomain_id, received, id, policy)
    WHERE policy <> 14;

-- one row per dkim line, in record order
CREATE TABLE signatures (
    message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    domain_id  INTEGER NOT NULL REFERENCES domains (id),
    selector   TEXT,
    result     INTEGER NOT NULL,
    PRIMARY KEY (message_id, seq)
) WITHOUT ROWID;

-- one row per ARC seal of arc_policy, in header order
CREATE TABLE arcseals (
    message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    instance   INTEGER NOT NULL,
    domain     TEXT NOT NULL,
    selector   TEXT NOT NULL,
    ip         TEXT NOT NULL,
    PRIMARY KEY (message_id, seq)
) WITHOUT ROWID;

-- one row per override line (policy override reasons), in record order
CREATE TABLE overrides (
    message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    type       TEXT NOT NULL CHECK (type IN ('forwarded', 'sampled_out',
               'trusted_forwarder', 'mailing_list', 'local_policy', 'other',
               'policy_test_mode')),
    comment    TEXT NOT NULL,
    PRIMARY KEY (message_id, seq)
) WITHOUT ROWID;

-- import progress per history file, identified by device and inode
CREATE TABLE import_files (
    id          INTEGER PRIMARY KEY,
    path        TEXT NOT NULL,
    dev         INTEGER NOT NULL,
    inode       INTEGER NOT NULL,
    fingerprint BLOB NOT NULL,
    fp_len      INTEGER NOT NULL,
    offset      INTEGER NOT NULL,
    line        INTEGER NOT NULL,
    records     INTEGER NOT NULL DEFAULT 0,
    skipped     INTEGER NOT NULL DEFAULT 0,
    updated     INTEGER NOT NULL,
    UNIQUE (dev, inode)
);

-- aggregate reports: one row per report and destination (the reporter's
-- delivery state; dmarc-expire consults it)
CREATE TABLE reports_sent (
    id           INTEGER PRIMARY KEY,
    report_id    TEXT NOT NULL,
    pdomain_id   INTEGER NOT NULL REFERENCES domains (id),
    period_begin INTEGER NOT NULL,
    period_end   INTEGER NOT NULL,
    destination  TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending',
                 'sent', 'tempfail', 'permfail', 'toobig', 'unverified')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    next_try     INTEGER,
    created      INTEGER NOT NULL,
    sent_at      INTEGER,
    CHECK (period_begin < period_end),
    UNIQUE (report_id, destination)
);
CREATE INDEX reports_sent_by_domain
    ON reports_sent (pdomain_id, period_begin, period_end);
