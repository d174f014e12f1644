-- Files staff attach to a case. The bytes are sealed to the hotline key
-- before they reach the database (sealed), and so is what describes them
-- (meta_sealed): the file name, the sniffed type and the size. Only the case, who
-- added it and when are clear. They go with their case (retention).
CREATE TABLE attachments (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id   BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES staff (id),
    at        TEXT   NOT NULL,
    meta_sealed BYTEA NOT NULL,
    sealed    BYTEA  NOT NULL
);
CREATE INDEX attachments_case ON attachments (case_id);
