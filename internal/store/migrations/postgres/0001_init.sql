-- One row per imported file. A SESNSP release (vintage) can span several
-- files: the 2026 RNID file and the 2015-2025 re-issue that comes with it.
CREATE TABLE releases (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source       TEXT    NOT NULL CHECK (source IN ('carpetas', 'victimas')),
    vintage      TEXT    NOT NULL,
    cutoff       INTEGER NOT NULL,
    first_month  INTEGER NOT NULL,
    last_month   INTEGER NOT NULL,
    level        TEXT    NOT NULL CHECK (level IN ('estatal', 'municipal')),
    format       TEXT    NOT NULL,
    rnid         INTEGER NOT NULL,
    file_name    TEXT    NOT NULL,
    sha256       TEXT    NOT NULL UNIQUE,
    encoding     TEXT    NOT NULL,
    vintage_from TEXT    NOT NULL,
    rows_read    BIGINT  NOT NULL,
    cells        BIGINT  NOT NULL,
    negatives    BIGINT  NOT NULL,
    imported_at  TEXT    NOT NULL
);

-- Published counts of the catalog lines Vigía measures. A month that is not
-- published has no row: unpublished is never stored as zero.
CREATE TABLE observations (
    release_id BIGINT  NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
    month      INTEGER NOT NULL,
    ent        INTEGER NOT NULL,
    mun        INTEGER NOT NULL,
    bien       TEXT    NOT NULL,
    tipo       TEXT    NOT NULL,
    tipo_key   TEXT    NOT NULL,
    subtipo    TEXT    NOT NULL,
    modalidad  TEXT    NOT NULL,
    sexo       TEXT    NOT NULL,
    edad       TEXT    NOT NULL,
    value      BIGINT  NOT NULL
);

CREATE INDEX observations_release_tipo ON observations (release_id, tipo_key, month);
