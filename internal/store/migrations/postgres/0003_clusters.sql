-- Networks found among screened ads, per screening batch. The template
-- text is not kept (it is ad text and can hold a contact); the shared
-- contacts are kept as tokens.
CREATE TABLE ad_clusters (
    batch          TEXT    NOT NULL,
    id             TEXT    NOT NULL,
    size           INTEGER NOT NULL,
    cities         TEXT    NOT NULL,
    first_posted   TEXT    NOT NULL,
    last_posted    TEXT    NOT NULL,
    template_edges INTEGER NOT NULL,
    contact_edges  INTEGER NOT NULL,
    shared_tokens  TEXT    NOT NULL,
    PRIMARY KEY (batch, id)
);
