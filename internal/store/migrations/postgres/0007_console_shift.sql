-- What a shift needs from the console. received_at is the moment a report
-- arrived (the audit log's report.create entry already holds it in the
-- clear, so it reveals nothing new); first_action_at is when staff first
-- acted on it (opened or joined a case, discarded it, replied), for the
-- response-time targets; taken_by is the member of staff who entered a
-- report taken by phone or in person. Reports stored before this have no
-- moment: the queue falls back to their day.
ALTER TABLE reports ADD COLUMN received_at TEXT;
ALTER TABLE reports ADD COLUMN first_action_at TEXT;
ALTER TABLE reports ADD COLUMN taken_by BIGINT REFERENCES staff (id);
-- Tasks get the moment they were set.
ALTER TABLE tasks ADD COLUMN created_at TEXT;
-- The case timeline reads the audit entries of a case and of its reports.
CREATE INDEX audit_log_object ON audit_log (object);
-- Per-client counts for the public intake's limits (reports a minute,
-- receipt look-ups a minute, unknown receipts a day), in the database so
-- that several `vigia serve` processes on one database hold one count.
-- client is a daily-rotated keyed hash of the address, never the address.
CREATE TABLE client_limits (
    bucket  TEXT    NOT NULL,
    client  TEXT    NOT NULL,
    win     TEXT    NOT NULL,
    n       INTEGER NOT NULL,
    expires TEXT    NOT NULL,
    PRIMARY KEY (bucket, client, win)
);
CREATE INDEX client_limits_expires ON client_limits (expires);
-- The referral directory: institutions by state (0: national), seeded
-- from the bundled file and kept by administrators. Nothing in it is about
-- a person.
CREATE TABLE institutions (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    state      INTEGER NOT NULL CHECK (state BETWEEN 0 AND 32),
    kind       TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    phone      TEXT    NOT NULL DEFAULT '',
    source     TEXT    NOT NULL DEFAULT '',
    verified   INTEGER NOT NULL DEFAULT 0,
    note       TEXT    NOT NULL DEFAULT '',
    active     INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT    NOT NULL
);
CREATE INDEX institutions_state ON institutions (state, kind);
