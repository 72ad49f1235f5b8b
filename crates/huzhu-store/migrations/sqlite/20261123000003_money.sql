-- The money path, SQLite flavour (SPEC sections 4–6). Keep in step with ../postgres.
-- Dates are TEXT 'YYYY-MM-DD', instants TEXT RFC 3339 UTC, booleans 0/1.
-- Every big table carries tenant_id (the city federation's org id) and has it first in its key,
-- so Citus can distribute them all by tenant_id and keep each federation's joins local.

-- A policy cycle as loaded: the text is kept so that a claim is always re-decided under the very
-- rules it was decided under, whatever happens to the file later.
CREATE TABLE policies (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    cycle_start TEXT NOT NULL,
    cycle_end   TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    source      TEXT NOT NULL,
    loaded_at   TEXT NOT NULL
);

-- A unit's bill for one enrolment: what it owes the fund.
CREATE TABLE bills (
    id          INTEGER PRIMARY KEY,
    tenant_id   BIGINT NOT NULL,
    org_id      BIGINT NOT NULL REFERENCES orgs (id),
    policy_id   TEXT   NOT NULL REFERENCES policies (id),
    members     INTEGER NOT NULL,
    amount_fen  BIGINT NOT NULL CHECK (amount_fen >= 0),
    status      TEXT   NOT NULL,                -- unpaid | paid
    payment_ref TEXT,
    created_by  TEXT   NOT NULL,
    created_at  TEXT NOT NULL,
    paid_by     TEXT,
    paid_at     TEXT
);
CREATE INDEX bills_org ON bills (org_id, policy_id);

CREATE TABLE enrolments (
    id               INTEGER PRIMARY KEY,
    tenant_id        BIGINT  NOT NULL,
    member_id        BIGINT  NOT NULL,
    policy_id        TEXT    NOT NULL REFERENCES policies (id),
    item             TEXT    NOT NULL,
    shares           INTEGER NOT NULL CHECK (shares > 0),
    start_date       TEXT    NOT NULL,
    renewal          BOOLEAN NOT NULL,
    org_id           BIGINT  NOT NULL REFERENCES orgs (id),
    bill_id          BIGINT  NOT NULL,
    contribution_fen BIGINT  NOT NULL CHECK (contribution_fen >= 0),
    created_at       TEXT NOT NULL,
    UNIQUE (tenant_id, member_id, policy_id, item),
    FOREIGN KEY (member_id) REFERENCES members (id),
    FOREIGN KEY (bill_id) REFERENCES bills (id)
);
CREATE INDEX enrolments_org ON enrolments (org_id, policy_id);

CREATE TABLE claims (
    id              INTEGER PRIMARY KEY,
    tenant_id       BIGINT  NOT NULL,
    member_id       BIGINT  NOT NULL,
    org_id          BIGINT  NOT NULL REFERENCES orgs (id),
    policy_id       TEXT    NOT NULL REFERENCES policies (id),
    kind            TEXT    NOT NULL,
    state           TEXT    NOT NULL,
    body            TEXT    NOT NULL,               -- the claim as SPEC 10 writes it (JSON)
    event_date      TEXT    NOT NULL,
    submitted_on    TEXT,
    decision        TEXT,                           -- the engine's decision (JSON), when computed
    payable_fen     BIGINT,
    approved_fen    BIGINT  NOT NULL DEFAULT 0,     -- posted to the ledger as approved so far
    paid_fen        BIGINT  NOT NULL DEFAULT 0,
    flags           TEXT    NOT NULL DEFAULT '[]',
    review_reason   TEXT,                           -- why it was selected for expert review
    expert_cleared  BOOLEAN NOT NULL DEFAULT 0,
    returned_for    TEXT    NOT NULL DEFAULT '[]',  -- documents named when returned
    created_by      TEXT    NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    FOREIGN KEY (member_id) REFERENCES members (id)
);
CREATE INDEX claims_member ON claims (member_id, policy_id, id);
CREATE INDEX claims_org_state ON claims (org_id, state, id);
CREATE INDEX claims_state ON claims (state, id);

-- Who did what to a claim, when and why. Append-only.
CREATE TABLE claim_events (
    id          INTEGER PRIMARY KEY,
    tenant_id   BIGINT NOT NULL,
    claim_id    BIGINT NOT NULL,
    action      TEXT   NOT NULL,
    from_state  TEXT,
    to_state    TEXT   NOT NULL,
    actor       TEXT   NOT NULL,
    actor_role  TEXT   NOT NULL,
    reason      TEXT   NOT NULL DEFAULT '',
    at          TEXT NOT NULL,
    FOREIGN KEY (claim_id) REFERENCES claims (id)
);
CREATE INDEX claim_events_claim ON claim_events (claim_id, id);

-- Uploaded files, stored once by content hash and never overwritten.
CREATE TABLE blobs (
    sha256       TEXT PRIMARY KEY,
    content_type TEXT   NOT NULL,
    size         BIGINT NOT NULL,
    bytes        BLOB  NOT NULL,
    created_at   TEXT NOT NULL
);

CREATE TABLE documents (
    id           INTEGER PRIMARY KEY,
    tenant_id    BIGINT NOT NULL,
    claim_id     BIGINT NOT NULL,
    kind         TEXT   NOT NULL,
    sha256       TEXT   NOT NULL REFERENCES blobs (sha256),
    file_name    TEXT   NOT NULL,
    content_type TEXT   NOT NULL,
    size         BIGINT NOT NULL,
    uploaded_by  TEXT   NOT NULL,
    uploaded_at  TEXT NOT NULL,
    FOREIGN KEY (claim_id) REFERENCES claims (id)
);
CREATE INDEX documents_claim ON documents (claim_id, id);

CREATE TABLE payout_batches (
    id          INTEGER PRIMARY KEY,
    tenant_id   BIGINT NOT NULL,
    org_id      BIGINT NOT NULL REFERENCES orgs (id),
    status      TEXT   NOT NULL,               -- open | paid | partly_failed
    lines       INTEGER NOT NULL,
    total_fen   BIGINT NOT NULL,
    created_by  TEXT   NOT NULL,
    created_at  TEXT NOT NULL,
    settled_by  TEXT,
    settled_at  TEXT
);

CREATE TABLE payout_lines (
    id           INTEGER PRIMARY KEY,
    tenant_id    BIGINT NOT NULL,
    batch_id     BIGINT NOT NULL,
    claim_id     BIGINT NOT NULL,
    member_id    BIGINT NOT NULL,
    amount_fen   BIGINT NOT NULL CHECK (amount_fen > 0),
    account_name TEXT   NOT NULL,
    bank_account TEXT   NOT NULL,
    status       TEXT   NOT NULL,              -- pending | paid | failed
    failure      TEXT,
    FOREIGN KEY (batch_id) REFERENCES payout_batches (id),
    FOREIGN KEY (claim_id) REFERENCES claims (id)
);
CREATE INDEX payout_lines_batch ON payout_lines (batch_id, id);
-- A claim is in at most one batch awaiting the bank: a failed line frees it for the next one;
-- a paid line stays, and a claim topped up after an appeal can be paid again.
CREATE UNIQUE INDEX payout_lines_live ON payout_lines (tenant_id, claim_id) WHERE status = 'pending';

-- The double-entry ledger. Append-only: the triggers below refuse UPDATE and DELETE.
CREATE TABLE ledger_entries (
    id         INTEGER PRIMARY KEY,
    tenant_id  BIGINT NOT NULL,
    kind       TEXT   NOT NULL,
    memo       TEXT   NOT NULL,
    claim_id   BIGINT,
    bill_id    BIGINT,
    batch_id   BIGINT,
    reverses   BIGINT,
    actor      TEXT   NOT NULL,
    at         TEXT NOT NULL
);
CREATE INDEX ledger_entries_claim ON ledger_entries (claim_id);

CREATE TABLE ledger_postings (
    id         INTEGER PRIMARY KEY,
    tenant_id  BIGINT NOT NULL,
    entry_id   BIGINT NOT NULL,
    account    TEXT   NOT NULL,
    fen        BIGINT NOT NULL CHECK (fen <> 0),   -- debit > 0, credit < 0
    FOREIGN KEY (entry_id) REFERENCES ledger_entries (id)
);
CREATE INDEX ledger_postings_account ON ledger_postings (account);
CREATE INDEX ledger_postings_entry ON ledger_postings (entry_id);

CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'huzhu: ledger_entries is append-only'); END;
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'huzhu: ledger_entries is append-only'); END;
CREATE TRIGGER ledger_postings_no_update BEFORE UPDATE ON ledger_postings
BEGIN SELECT RAISE(ABORT, 'huzhu: ledger_postings is append-only'); END;
CREATE TRIGGER ledger_postings_no_delete BEFORE DELETE ON ledger_postings
BEGIN SELECT RAISE(ABORT, 'huzhu: ledger_postings is append-only'); END;
CREATE TRIGGER claim_events_no_update BEFORE UPDATE ON claim_events
BEGIN SELECT RAISE(ABORT, 'huzhu: claim_events is append-only'); END;
CREATE TRIGGER claim_events_no_delete BEFORE DELETE ON claim_events
BEGIN SELECT RAISE(ABORT, 'huzhu: claim_events is append-only'); END;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'huzhu: audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'huzhu: audit_log is append-only'); END;
