-- 002: the aggregate reports' delivery state (for dmarc-reports), which
-- dmarc-expire consults before dropping data.
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
