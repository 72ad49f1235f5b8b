-- One unique key for a member's identity, led by the ID number (issue 13): it serves both the
-- uniqueness of (tenant, kind, number) and every lookup by number, so the separate
-- `members_id_number` index goes. An import writes three B-trees a row instead of four.
-- SQLite cannot drop a table constraint: the table is rebuilt the documented way
-- (https://www.sqlite.org/lang_altertable.html#otheralter) in the migration's transaction;
-- migrations run with foreign keys off and are checked after (`SqliteStore::run_migrations`).
-- Other tables' foreign keys name `members (id)`, which the rebuilt table keeps as its rowid.
CREATE TABLE members_rebuilt (
    id            INTEGER PRIMARY KEY,
    tenant_id     BIGINT  NOT NULL,
    id_kind       TEXT    NOT NULL,
    id_number     TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    gender        TEXT    NOT NULL,
    birth_date    TEXT    NOT NULL,
    phone         TEXT,
    org_id        BIGINT  NOT NULL REFERENCES orgs (id),
    status        TEXT    NOT NULL,
    hire_date     TEXT,
    join_date     TEXT,
    ss_region     TEXT,
    tags          TEXT    NOT NULL DEFAULT '[]',
    bank_account  TEXT,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    bank_branch   TEXT,
    UNIQUE (id_number, tenant_id, id_kind)
);
INSERT INTO members_rebuilt (id, tenant_id, id_kind, id_number, name, gender, birth_date, phone,
    org_id, status, hire_date, join_date, ss_region, tags, bank_account, version, created_at,
    updated_at, bank_branch)
SELECT id, tenant_id, id_kind, id_number, name, gender, birth_date, phone, org_id, status,
    hire_date, join_date, ss_region, tags, bank_account, version, created_at, updated_at,
    bank_branch
FROM members;
DROP TABLE members;
ALTER TABLE members_rebuilt RENAME TO members;
CREATE INDEX members_org ON members (org_id, id);
