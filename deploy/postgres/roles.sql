-- Vigía on PostgreSQL with least privilege, step 1 of 2: the roles.
--
-- Run as a superuser (or a role with CREATEROLE that owns the schema), in
-- Vigía's database, with search_path set to the schema Vigía's tables go in
-- (public by default):
--
--   psql "postgres://postgres@HOST/vigia" -f deploy/postgres/roles.sql
--
-- Then set each role's password (\password vigia_owner, ...), run any vigia
-- command once as vigia_owner so that it creates the tables (for example
-- `vigia releases --db postgres://vigia_owner@HOST/vigia`; `vigia import`
-- also seeds the bundled releases), and run step 2, grants.sql, as
-- vigia_owner. Run grants.sql again after every upgrade, as vigia_owner,
-- after the owner has applied the new migrations: the intake and the
-- console never create or alter tables, and refuse to start on a schema
-- that is not up to date.
--
--   vigia_owner    owns the tables: migrations, imports, backups (pg_dump),
--                  restores, key rotation. Not used by a running server.
--   vigia_intake   `vigia serve --role intake`: files reports, answers
--                  receipts, counts limits, appends to the audit log. It may
--                  never UPDATE or DELETE audit_log nor write audit_macs, and
--                  reads no sealed report, note, staff row or session.
--   vigia_console  `vigia serve --role console` and the staff commands: the
--                  cases. It appends to audit_log and audit_macs, and may not
--                  UPDATE or DELETE either.
--
-- The names are only names: change them here and in grants.sql together.

CREATE ROLE vigia_owner LOGIN;
CREATE ROLE vigia_intake LOGIN;
CREATE ROLE vigia_console LOGIN;

DO $$
BEGIN
    -- Only the owner creates objects in the schema (before PostgreSQL 15,
    -- everyone could create in public).
    EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM PUBLIC', current_schema());
    EXECUTE format('GRANT USAGE, CREATE ON SCHEMA %I TO vigia_owner', current_schema());
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO vigia_intake, vigia_console', current_schema());
    -- The roles find the tables without search_path in their URLs.
    EXECUTE format('ALTER ROLE vigia_owner SET search_path = %I', current_schema());
    EXECUTE format('ALTER ROLE vigia_intake SET search_path = %I', current_schema());
    EXECUTE format('ALTER ROLE vigia_console SET search_path = %I', current_schema());
END
$$;
