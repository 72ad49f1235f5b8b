-- A member's bank account is changed only by a second person (issue 14), SQLite flavour. Keep in
-- step with ../postgres. An import that names another account than the stored one records a
-- proposal here and leaves members.bank_account (the account payouts use) as it was; an officer
-- other than the proposer confirms it (then members.bank_account changes, with history) or
-- rejects it. A newer proposal for the same member supersedes a pending one. docs/import.md.
CREATE TABLE bank_changes (
    id          INTEGER PRIMARY KEY,
    tenant_id   BIGINT  NOT NULL,
    member_id   BIGINT  NOT NULL,
    old_account TEXT,
    new_account TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('pending', 'confirmed', 'rejected', 'superseded')),
    proposed_by TEXT    NOT NULL,
    proposed_at TEXT    NOT NULL,
    import_id   BIGINT  REFERENCES imports (id),
    decided_by  TEXT,
    decided_at  TEXT,
    FOREIGN KEY (member_id) REFERENCES members (id)
);
CREATE INDEX bank_changes_member ON bank_changes (member_id, status);
CREATE INDEX bank_changes_status ON bank_changes (status, id);

-- Rows whose only change (or one of whose changes) was held for confirmation.
ALTER TABLE imports ADD COLUMN rows_held BIGINT NOT NULL DEFAULT 0;
