-- The keyed audit chain: one MAC per entry, under a key derived from the
-- console's index key (seal.Keys.AuditKey), over the entry's sequence number
-- and hash. The hash chain alone can be rewritten whole, or cut at the
-- tail, by anyone who can write to the database; a MAC can only be made by
-- the console. The MACs live apart from audit_log so that no process ever
-- needs to UPDATE audit_log: the intake appends entries it cannot MAC, and
-- the console MACs them (and every entry written before this migration,
-- after an audit.keyed entry that marks where the keyed log began) when it
-- next appends its own.
CREATE TABLE audit_macs (
    seq BIGINT PRIMARY KEY,
    mac TEXT NOT NULL
);
