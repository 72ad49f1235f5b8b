-- The ID numbers an import run has seen are kept in memory by the store for the run
-- (crates/huzhu-store/src/import_seen.rs, issue 13): the table is no longer written or read.
DROP TABLE IF EXISTS import_seen;
