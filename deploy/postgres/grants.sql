-- Vigía on PostgreSQL with least privilege, step 2 of 2: the grants.
--
-- Run as vigia_owner, after it has brought the schema up to date (see
-- roles.sql), and again after every upgrade:
--
--   psql "postgres://vigia_owner@HOST/vigia" -f deploy/postgres/grants.sql
--
-- It starts from nothing each time, so a run after an upgrade takes away
-- what a table no longer needs.

DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM PUBLIC, vigia_intake, vigia_console', current_schema());
    EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %I FROM PUBLIC, vigia_intake, vigia_console', current_schema());
END
$$;

-- Both: see that the schema is up to date; read the observatory's tables.
GRANT SELECT ON schema_migrations, releases, observations, ad_clusters TO vigia_intake, vigia_console;

-- The intake -------------------------------------------------------------

-- File a report (sealed to the public key; no tokens: it holds no index
-- key), and find one by its receipt's lookup value, without its sealed
-- body. The public statistics count reports from the clear columns.
GRANT INSERT (receipt_lookup, reply_recipient, reply_key, kind, state, urgency, received_on, channel, screen, sealed, indexed, received_at, taken_by)
    ON reports TO vigia_intake;
GRANT SELECT (id, receipt_lookup, reply_recipient, reply_key, kind, state, urgency, received_on, channel, screen, triage, case_id, closed_on, received_at, first_action_at, taken_by)
    ON reports TO vigia_intake;
-- New information on a discarded report, or on a closed case's, puts it
-- back in the queue (store.ReopenReport).
GRANT UPDATE (closed_on, triage) ON reports TO vigia_intake;
-- What the reporter adds, and the replies they read with the receipt
-- (sealed to their own key too).
GRANT INSERT (report_id, direction, author_id, at, sealed) ON messages TO vigia_intake;
GRANT SELECT (id, report_id, direction, author_id, at, sealed) ON messages TO vigia_intake;
-- New information on a closed case tells the supervisors with the case in
-- reach: who they are, not their passwords, TOTP secrets or MACs.
GRANT INSERT (staff_id, at, kind, object) ON notifications TO vigia_intake;
GRANT SELECT (id, role, team, scope, active) ON staff TO vigia_intake;
GRANT SELECT (id, team, owner_id) ON cases TO vigia_intake;
-- The audit log: append only. It reads the head to chain to it, and never
-- writes a MAC (it holds no key).
GRANT SELECT (seq, hash), INSERT ON audit_log TO vigia_intake;
-- The limits' per-client counts.
GRANT SELECT, INSERT, UPDATE, DELETE ON client_limits TO vigia_intake;
-- Job offers shared from the public screener (tokens and flags only).
GRANT INSERT, SELECT (id) ON screened_ads TO vigia_intake;
GRANT INSERT ON ad_identifiers TO vigia_intake;

-- The console ------------------------------------------------------------

GRANT SELECT, INSERT, UPDATE, DELETE ON
    reports, report_tokens, messages, staff, sessions, cases, case_notes, tasks, referrals,
    assessments, notifications, break_glass, duplicate_decisions, institutions, client_limits,
    attachments
    TO vigia_console;
-- The audit log and its MACs: append only, for the console too.
GRANT SELECT, INSERT ON audit_log, audit_macs TO vigia_console;
GRANT SELECT ON screened_ads, ad_identifiers TO vigia_console;
