-- 银行对账单 bank statements imported by finance and their credit lines, matched to the expected
-- bank transfers of the 春风行动 donations (SPEC 7.5; docs/donations.md). SQLite flavour. Keep in
-- step with ../postgres.

-- A statement file, once per federation (`file_sha256`): the same file again is refused.
CREATE TABLE bank_statements (
    id           INTEGER PRIMARY KEY,
    tenant_id    BIGINT  NOT NULL,
    org_id       BIGINT  NOT NULL REFERENCES orgs (id),
    file_name    TEXT    NOT NULL,
    file_sha256  TEXT    NOT NULL,
    imported_by  TEXT    NOT NULL,
    imported_at  TEXT NOT NULL,
    UNIQUE (tenant_id, file_sha256)
);

-- A credit line. `fingerprint` (its fields and its occurrence among equal lines of the file) is
-- unique per federation: a line already imported from another file is not imported again.
-- `matched`: an expected transfer (`donation_id`) was received by it; `unmatched`: for a person;
-- `settled`: recorded by hand as a new donation (`donation_id`) of a donor; `dismissed`: not a
-- donation (`reason`).
CREATE TABLE statement_lines (
    id            INTEGER PRIMARY KEY,
    tenant_id     BIGINT  NOT NULL,
    statement_id  BIGINT  NOT NULL REFERENCES bank_statements (id),
    org_id        BIGINT  NOT NULL REFERENCES orgs (id),
    row_no        BIGINT  NOT NULL,
    booked_on     TEXT NOT NULL,
    amount_fen    BIGINT  NOT NULL CHECK (amount_fen > 0),
    name          TEXT    NOT NULL,
    account       TEXT    NOT NULL,
    memo          TEXT    NOT NULL,
    fingerprint   TEXT    NOT NULL,
    state         TEXT    NOT NULL CHECK (state IN ('matched', 'unmatched', 'settled', 'dismissed')),
    matched_by    TEXT    CHECK (matched_by IN ('reference', 'account', 'name')),
    donation_id   BIGINT  REFERENCES donations (id),
    reason        TEXT,
    settled_by    TEXT,
    settled_at    TEXT,
    UNIQUE (tenant_id, fingerprint)
);
CREATE INDEX statement_lines_statement ON statement_lines (statement_id, id);
CREATE INDEX statement_lines_open ON statement_lines (tenant_id, state);
