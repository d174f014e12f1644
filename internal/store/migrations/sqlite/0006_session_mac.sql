-- A session row carries a MAC under a key derived from the private key, as
-- staff rows do: a row planted by someone with write access to the database
-- signs no one in. Sessions opened before this have none: they end.
DELETE FROM sessions;
ALTER TABLE sessions ADD COLUMN mac TEXT NOT NULL DEFAULT '';
