-- Screened job ads. The text of an ad is not kept: its red flags, score,
-- cluster and the keyed tokens of its contacts are enough to find networks,
-- and a raw phone number in a database is a liability.
CREATE TABLE screened_ads (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ext_id        TEXT             NOT NULL,
    source        TEXT             NOT NULL CHECK (source IN ('cli', 'api', 'public')),
    batch         TEXT             NOT NULL,
    screened_at   TEXT             NOT NULL,
    tier          TEXT             NOT NULL CHECK (tier IN ('bajo', 'medio', 'alto')),
    risk          DOUBLE PRECISION NOT NULL,
    flags         TEXT             NOT NULL,
    cluster       TEXT,
    city          TEXT             NOT NULL,
    posted_at     TEXT             NOT NULL,
    rules_version TEXT             NOT NULL,
    model_version TEXT             NOT NULL
);

CREATE TABLE ad_identifiers (
    ad    BIGINT NOT NULL REFERENCES screened_ads (id) ON DELETE CASCADE,
    kind  TEXT   NOT NULL,
    token TEXT   NOT NULL,
    last4 TEXT   NOT NULL
);

CREATE INDEX ad_identifiers_token ON ad_identifiers (token);
CREATE INDEX screened_ads_cluster ON screened_ads (cluster);
