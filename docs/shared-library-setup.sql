-- A shared ReadingList library for a group: what the lab admin runs (issue 12).
--
-- One role OWNS the schema and is nobody's login for daily use; the members only
-- read and write rows. Why: row-level security keeps each member to their own
-- status and notes, but a table's owner may switch it off (ALTER TABLE .. DISABLE
-- ROW LEVEL SECURITY, DROP POLICY). Members who own the tables (the set-up where
-- the first member to open an empty database creates it) are trusted not to.
--
-- Run as a superuser: sudo -u postgres psql -v ON_ERROR_STOP=1 -f shared-library-setup.sql
-- Names to change: the database (readinglist_lab), the passwords, and one CREATE
-- ROLE per member. tests/shared/test_admin_setup.py runs this file as it is.

-- 1. Roles, once per server.
CREATE ROLE readinglist_owner LOGIN PASSWORD 'change-me';
CREATE ROLE readinglist_members NOLOGIN;
CREATE ROLE alice LOGIN PASSWORD 'change-me' IN ROLE readinglist_members;
CREATE ROLE bob LOGIN PASSWORD 'change-me' IN ROLE readinglist_members;

-- 2. The database; the rest runs connected to it.
CREATE DATABASE readinglist_lab OWNER readinglist_owner;
\connect readinglist_lab

-- 3. In the new database:
REVOKE ALL ON DATABASE readinglist_lab FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE readinglist_lab TO readinglist_members;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO readinglist_owner;
GRANT USAGE ON SCHEMA public TO readinglist_members;
-- every table and sequence the owner makes (now and in later upgrades) is the
-- members' to read and write, never to alter
ALTER DEFAULT PRIVILEGES FOR ROLE readinglist_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO readinglist_members;
ALTER DEFAULT PRIVILEGES FOR ROLE readinglist_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO readinglist_members;

-- 4. Then the owner makes the schema by opening the library once (and, after a
--    ReadingList update, upgrades it the same way):
--      readinglist --library postgresql://readinglist_owner@HOST/readinglist_lab list
--    Members open postgresql://alice@HOST/readinglist_lab. A member cannot make or
--    upgrade the schema (no CREATE on the schema): the owner runs step 4 again.
