-- The hotline. Personal data and free text live only in "sealed" columns
-- (age-encrypted to the hotline key); what stays in the clear is what triage
-- and k-suppressed statistics need: class, state, day, urgency, status.
-- Receipts are never stored, only their keyed slow hash (receipt_lookup).
CREATE TABLE staff (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username       TEXT    NOT NULL UNIQUE,
    password       TEXT    NOT NULL,
    totp_sealed    BYTEA    NOT NULL,
    totp_last_step INTEGER NOT NULL DEFAULT 0,
    role           TEXT    NOT NULL CHECK (role IN ('operador', 'supervisor', 'analista', 'administrador')),
    team           TEXT    NOT NULL,
    scope          TEXT    NOT NULL CHECK (scope IN ('own', 'team', 'all')),
    -- HMAC of the row under a key derived from the private key: an account
    -- planted or promoted by someone holding only the public key fails it.
    mac            TEXT    NOT NULL DEFAULT '',
    active         INTEGER NOT NULL DEFAULT 1,
    failures       INTEGER NOT NULL DEFAULT 0,
    last_failure   TEXT,
    created_at     TEXT    NOT NULL
);

CREATE TABLE cases (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL,
    status             TEXT    NOT NULL,
    owner_id           BIGINT NOT NULL REFERENCES staff (id),
    team               TEXT    NOT NULL,
    state              INTEGER NOT NULL,
    kind               TEXT    NOT NULL,
    trafficking        TEXT    NOT NULL DEFAULT '',
    decided_by         TEXT    NOT NULL DEFAULT '',
    consent            INTEGER NOT NULL DEFAULT 0,
    consent_by         BIGINT REFERENCES staff (id),
    consent_at         TEXT,
    close_requested_by BIGINT REFERENCES staff (id),
    close_sealed       BYTEA,
    closed_at          TEXT
);
CREATE INDEX cases_owner ON cases (owner_id, status);

CREATE TABLE reports (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    receipt_lookup  BYTEA    NOT NULL UNIQUE,
    reply_recipient TEXT    NOT NULL,
    reply_key       BYTEA    NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('informacion', 'situacion_riesgo', 'otro_delito', 'posible_trata')),
    state           INTEGER NOT NULL CHECK (state BETWEEN 1 AND 32),
    urgency         INTEGER NOT NULL,
    received_on     TEXT    NOT NULL,
    channel         TEXT    NOT NULL,
    screen          TEXT    NOT NULL,
    -- 0 until the console has made the report's blind-index tokens (the
    -- intake holds no index key).
    indexed         INTEGER NOT NULL DEFAULT 0,
    sealed          BYTEA    NOT NULL,
    triage          TEXT    NOT NULL DEFAULT 'pendiente' CHECK (triage IN ('pendiente', 'en_caso', 'descartado')),
    case_id         BIGINT REFERENCES cases (id) ON DELETE SET NULL,
    closed_on       TEXT
);
CREATE INDEX reports_queue ON reports (triage, urgency DESC, id);
CREATE INDEX reports_case ON reports (case_id);

CREATE TABLE report_tokens (
    report_id BIGINT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    kind      TEXT    NOT NULL,
    token     TEXT    NOT NULL
);
CREATE INDEX report_tokens_token ON report_tokens (token);
CREATE INDEX report_tokens_report ON report_tokens (report_id);

CREATE TABLE messages (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id BIGINT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    direction TEXT    NOT NULL CHECK (direction IN ('reporter', 'staff')),
    author_id BIGINT REFERENCES staff (id),
    at        TEXT    NOT NULL,
    sealed    BYTEA    NOT NULL
);
CREATE INDEX messages_report ON messages (report_id, id);

CREATE TABLE sessions (
    token_hash BYTEA    PRIMARY KEY,
    staff_id   BIGINT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    csrf       TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    last_seen  TEXT    NOT NULL
);

CREATE TABLE case_notes (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id   BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES staff (id),
    at        TEXT    NOT NULL,
    sealed    BYTEA    NOT NULL
);

CREATE TABLE tasks (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id     BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    assignee_id BIGINT NOT NULL REFERENCES staff (id),
    due_on      TEXT    NOT NULL,
    done_at     TEXT,
    sealed      BYTEA    NOT NULL
);

CREATE TABLE referrals (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id      BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    institution  TEXT    NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('enviada', 'aceptada', 'rechazada', 'completada', 'revocada')),
    override_by  BIGINT REFERENCES staff (id),
    created_by   BIGINT NOT NULL REFERENCES staff (id),
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    sealed       BYTEA    NOT NULL
);

CREATE TABLE assessments (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id    BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    instrument TEXT    NOT NULL,
    version    TEXT    NOT NULL,
    level      TEXT    NOT NULL,
    present    TEXT    NOT NULL,
    by_id      BIGINT NOT NULL REFERENCES staff (id),
    at         TEXT    NOT NULL,
    sealed     BYTEA    NOT NULL
);

-- A person's decision on a suggested duplicate; reversible (the newest
-- decision for a pair wins, and every one is audited).
CREATE TABLE duplicate_decisions (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_a BIGINT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    report_b BIGINT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    same     INTEGER NOT NULL,
    by_id    BIGINT NOT NULL REFERENCES staff (id),
    at       TEXT    NOT NULL
);

CREATE TABLE notifications (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    staff_id BIGINT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    at       TEXT    NOT NULL,
    kind     TEXT    NOT NULL,
    object   TEXT    NOT NULL,
    seen     INTEGER NOT NULL DEFAULT 0
);

-- Hash-chained: each entry's hash covers the previous one, so editing or
-- deleting an entry breaks the chain (vigia audit verify).
CREATE TABLE audit_log (
    seq    BIGINT PRIMARY KEY,
    at     TEXT    NOT NULL,
    actor  TEXT    NOT NULL,
    action TEXT    NOT NULL,
    object TEXT    NOT NULL,
    detail TEXT    NOT NULL,
    prev   TEXT    NOT NULL,
    hash   TEXT    NOT NULL
);

-- Break-glass access: a person reads a case outside their scope, with a
-- reason (sealed in a case note) and supervisors notified; it expires.
CREATE TABLE break_glass (
    staff_id BIGINT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    case_id  BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    until    TEXT    NOT NULL
);
CREATE INDEX break_glass_staff ON break_glass (staff_id, case_id);
