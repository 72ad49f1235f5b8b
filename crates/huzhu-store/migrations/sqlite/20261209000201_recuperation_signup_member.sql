-- SQLite flavour. Keep in step with ../postgres.
-- A recuperation sign-up names a member that exists (issue 17). SQLite's table has had
-- `member_id REFERENCES members (id)` since 20261208000040; PostgreSQL's gains its foreign key
-- in this migration. Nothing to change here: the statement below only keeps the two lists of
-- migrations the same.
SELECT 1;
