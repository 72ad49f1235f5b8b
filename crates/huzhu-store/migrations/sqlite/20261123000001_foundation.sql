-- huzhu foundation schema, SQLite flavour. Keep in step with ../postgres (same file names).
-- Dates are TEXT 'YYYY-MM-DD', instants TEXT RFC 3339 UTC (sqlx chrono encoding).

CREATE TABLE orgs (
    id          INTEGER PRIMARY KEY,
    tenant_id   BIGINT,                       -- the city federation at the top of this org's tree
    code        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    parent_id   BIGINT  REFERENCES orgs (id),
    level       SMALLINT NOT NULL CHECK (level BETWEEN 1 AND 4),
    region_code TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE INDEX orgs_parent ON orgs (parent_id);

-- Closure table: one row per (ancestor, descendant) pair, the org itself at depth 0. With at most
-- four levels an org has at most four rows; a subtree is one indexed lookup, never a recursive scan.
CREATE TABLE org_closure (
    ancestor_id   BIGINT   NOT NULL REFERENCES orgs (id),
    descendant_id BIGINT   NOT NULL REFERENCES orgs (id),
    depth         SMALLINT NOT NULL,
    PRIMARY KEY (ancestor_id, descendant_id)
);
CREATE INDEX org_closure_descendant ON org_closure (descendant_id);

CREATE TABLE imports (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL,            -- orgs | members
    file_name    TEXT    NOT NULL,
    file_sha256  TEXT    NOT NULL,
    actor        TEXT    NOT NULL,
    status       TEXT    NOT NULL,            -- running | finished | interrupted
    rows_read    BIGINT  NOT NULL DEFAULT 0,
    rows_created BIGINT  NOT NULL DEFAULT 0,
    rows_updated BIGINT  NOT NULL DEFAULT 0,
    rows_unchanged BIGINT NOT NULL DEFAULT 0,
    rows_rejected BIGINT NOT NULL DEFAULT 0,
    started_at   TEXT    NOT NULL,
    finished_at  TEXT
);

CREATE TABLE members (
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
    UNIQUE (tenant_id, id_kind, id_number)
);
CREATE INDEX members_org ON members (org_id, id);
CREATE INDEX members_id_number ON members (id_number);

-- Old values of a member, one row per change: what the member was before version `version + 1`.
CREATE TABLE member_history (
    id          INTEGER PRIMARY KEY,
    tenant_id   BIGINT  NOT NULL,
    member_id   BIGINT  NOT NULL REFERENCES members (id),
    version     INTEGER NOT NULL,
    org_id      BIGINT  NOT NULL,
    snapshot    TEXT    NOT NULL,             -- JSON of the fields as they were
    changed     TEXT    NOT NULL,             -- JSON array of the field names that changed
    import_id   BIGINT  REFERENCES imports (id),
    changed_at  TEXT    NOT NULL,
    UNIQUE (member_id, version)
);

-- ID numbers seen by a running import, to tell a duplicate inside one file from a re-import,
-- without holding the whole file in memory. Emptied when the import finishes.
CREATE TABLE import_seen (
    import_id BIGINT NOT NULL REFERENCES imports (id),
    id_number TEXT   NOT NULL,
    name      TEXT   NOT NULL,
    row_no    BIGINT NOT NULL,
    PRIMARY KEY (import_id, id_number)
);

-- Append-only: who did what, when; every view of whole personal data is recorded here.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    detail    TEXT NOT NULL DEFAULT ''
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
