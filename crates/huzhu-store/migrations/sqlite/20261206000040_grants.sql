-- Grants of the assistance programmes, their funds and the care campaigns (SPEC 7.1, 7.3, 7.4;
-- docs/grants.md), SQLite flavour. Keep in step with ../postgres.

-- 帮扶资金 / 春风基金 / 送温暖经费: what is left in each fund of a city federation, kept with every
-- entry that moves it (the ledger account `programme_fund:<fund>` says the same; `huzhu ledger
-- check` compares them). The CHECK is the last guard: an approval beyond the balance is refused
-- `fund_exhausted` by the conditional UPDATE that takes the money.
CREATE TABLE programme_funds (
    tenant_id   BIGINT NOT NULL,
    fund        TEXT   NOT NULL CHECK (fund IN ('hardship', 'spring_breeze', 'campaign')),
    balance_fen BIGINT NOT NULL CHECK (balance_fen >= 0),
    PRIMARY KEY (tenant_id, fund)
);

-- An appropriation from the federation into a fund (bank → fund).
CREATE TABLE fund_deposits (
    id          INTEGER PRIMARY KEY,
    tenant_id   BIGINT NOT NULL,
    org_id      BIGINT NOT NULL REFERENCES orgs (id),
    fund        TEXT   NOT NULL,
    amount_fen  BIGINT NOT NULL CHECK (amount_fen > 0),
    reference   TEXT   NOT NULL,
    created_by  TEXT   NOT NULL,
    created_at  TEXT   NOT NULL
);

-- A care campaign (两节送温暖): its programme, its window and who runs it.
CREATE TABLE campaigns (
    id           INTEGER PRIMARY KEY,
    tenant_id    BIGINT NOT NULL,
    org_id       BIGINT NOT NULL REFERENCES orgs (id),
    programme_id TEXT   NOT NULL,
    programme_version TEXT NOT NULL,
    name         TEXT   NOT NULL,
    cycle        TEXT   NOT NULL,
    window_start TEXT   NOT NULL,
    window_end   TEXT   NOT NULL,
    state        TEXT   NOT NULL CHECK (state IN ('open', 'closed')),
    created_by   TEXT   NOT NULL,
    created_at   TEXT   NOT NULL,
    UNIQUE (tenant_id, programme_id)
);

-- A relief application and the grant it becomes. The programme's version is pinned when it is
-- made; `grant_key` is the programme's uniqueness key (SPEC 11: CYCLE:ID-NUMBER[:N]).
CREATE TABLE grants (
    id                INTEGER PRIMARY KEY,
    tenant_id         BIGINT  NOT NULL,
    programme_id      TEXT    NOT NULL,
    programme_version TEXT    NOT NULL,
    cycle             TEXT    NOT NULL,
    grant_key         TEXT    NOT NULL,
    subject_id_number TEXT    NOT NULL,
    member_id         BIGINT  NOT NULL REFERENCES members (id),
    org_id            BIGINT  NOT NULL REFERENCES orgs (id),
    fund              TEXT    NOT NULL,
    amount_fen        BIGINT  NOT NULL CHECK (amount_fen >= 0),
    paid_fen          BIGINT  NOT NULL DEFAULT 0,
    state             TEXT    NOT NULL CHECK (state IN ('applied', 'checked', 'approved',
                          'refused', 'withdrawn', 'in_batch', 'paid')),
    assessment        TEXT    NOT NULL,            -- the engine's answer (JSON), clause by clause
    approval_level    INTEGER NOT NULL CHECK (approval_level BETWEEN 1 AND 4),
    campaign_id       BIGINT  REFERENCES campaigns (id),
    reason            TEXT,                        -- why refused (codes and words)
    applied_by        TEXT    NOT NULL,
    applied_at        TEXT    NOT NULL,
    checked_by        TEXT,
    checked_at        TEXT,
    decided_by        TEXT,
    decided_at        TEXT,
    version           INTEGER NOT NULL DEFAULT 1
);
-- SPEC 7.1: one live grant per key in the whole city federation, under concurrency.
CREATE UNIQUE INDEX grants_key_live ON grants (tenant_id, programme_id, grant_key)
    WHERE state NOT IN ('refused', 'withdrawn');
CREATE INDEX grants_org_state ON grants (org_id, state, id);
CREATE INDEX grants_member ON grants (member_id, id);
CREATE INDEX grants_campaign ON grants (campaign_id, member_id);

-- A campaign's list: who is listed, on what basis, by which org; the visit and the gift pack.
-- One entry per member per campaign: the city's list and a district's are one list. Its grant
-- is the campaign's live grant of the member (grants.campaign_id, member_id).
CREATE TABLE campaign_recipients (
    id            INTEGER PRIMARY KEY,
    tenant_id     BIGINT  NOT NULL,
    campaign_id   BIGINT  NOT NULL REFERENCES campaigns (id),
    member_id     BIGINT  NOT NULL REFERENCES members (id),
    org_id        BIGINT  NOT NULL REFERENCES orgs (id),   -- the org whose list named them
    basis         TEXT    NOT NULL CHECK (basis IN ('archive', 'tag', 'manual')),
    reason        TEXT    NOT NULL,
    cash_fen      BIGINT  NOT NULL CHECK (cash_fen >= 0),
    gift_pack     BOOLEAN NOT NULL,
    gift_handed_at TEXT,
    visit_date    TEXT,
    visitor       TEXT,
    photo_sha256  TEXT,
    listed_by     TEXT    NOT NULL,
    listed_at     TEXT    NOT NULL,
    UNIQUE (tenant_id, campaign_id, member_id)
);
CREATE INDEX campaign_recipients_org ON campaign_recipients (campaign_id, org_id, id);

-- Grant lines in the same payout batches and bank file as claims: a line pays a claim or a grant.
-- SQLite cannot drop a NOT NULL, so the table is rebuilt (nothing refers to it).
CREATE TABLE payout_lines_new (
    id           INTEGER PRIMARY KEY,
    tenant_id    BIGINT NOT NULL,
    batch_id     BIGINT NOT NULL,
    claim_id     BIGINT,
    member_id    BIGINT NOT NULL,
    amount_fen   BIGINT NOT NULL CHECK (amount_fen > 0),
    account_name TEXT   NOT NULL,
    bank_account TEXT   NOT NULL,
    status       TEXT   NOT NULL,              -- pending | paid | failed
    failure      TEXT,
    bank_branch  TEXT,
    grant_id     BIGINT,
    CHECK ((claim_id IS NULL) <> (grant_id IS NULL)),
    FOREIGN KEY (batch_id) REFERENCES payout_batches (id),
    FOREIGN KEY (claim_id) REFERENCES claims (id),
    FOREIGN KEY (grant_id) REFERENCES grants (id)
);
INSERT INTO payout_lines_new (id, tenant_id, batch_id, claim_id, member_id, amount_fen,
    account_name, bank_account, status, failure, bank_branch)
    SELECT id, tenant_id, batch_id, claim_id, member_id, amount_fen, account_name, bank_account,
    status, failure, bank_branch FROM payout_lines;
DROP TABLE payout_lines;
ALTER TABLE payout_lines_new RENAME TO payout_lines;
CREATE INDEX payout_lines_batch ON payout_lines (batch_id, id);
CREATE UNIQUE INDEX payout_lines_live ON payout_lines (tenant_id, claim_id) WHERE status = 'pending';
CREATE UNIQUE INDEX payout_lines_grant_live ON payout_lines (tenant_id, grant_id)
    WHERE status = 'pending';

-- Entries of grants and deposits name them; an entry belongs to the grant's org (the member's
-- unit when applied), a deposit's to the org that made it (money/scope.rs).
ALTER TABLE ledger_entries ADD COLUMN grant_id BIGINT;
ALTER TABLE ledger_entries ADD COLUMN deposit_id BIGINT;
CREATE INDEX ledger_entries_grant ON ledger_entries (grant_id);
CREATE INDEX ledger_entries_deposit ON ledger_entries (deposit_id);
DROP INDEX ledger_entries_unreferenced;
CREATE INDEX ledger_entries_unreferenced ON ledger_entries (tenant_id, id)
    WHERE claim_id IS NULL AND bill_id IS NULL AND batch_id IS NULL AND grant_id IS NULL
    AND deposit_id IS NULL;
