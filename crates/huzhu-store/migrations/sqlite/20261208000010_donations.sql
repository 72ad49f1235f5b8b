-- 春风行动 donations, their gapless receipts, donors and the restricted parts of a fund
-- (SPEC 7.5; docs/donations.md), SQLite flavour. Keep in step with ../postgres.

-- A donor 捐赠人: a person (named or anonymous) or an organisation, kept so that history
-- accumulates. A member who gives is linked to the member (one donor record per member).
CREATE TABLE donors (
    id           INTEGER PRIMARY KEY,
    tenant_id    BIGINT  NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('person', 'anonymous', 'organisation')),
    name         TEXT    NOT NULL,
    member_id    BIGINT  REFERENCES members (id),
    phone        TEXT,
    bank_account TEXT,                      -- the account they give from (statement matching)
    consent      BOOLEAN NOT NULL DEFAULT FALSE,   -- may be named on the thank-you list
    created_by   TEXT    NOT NULL,
    created_at   TEXT    NOT NULL
);
CREATE UNIQUE INDEX donors_member ON donors (tenant_id, member_id) WHERE member_id IS NOT NULL;
CREATE INDEX donors_account ON donors (tenant_id, bank_account);
CREATE INDEX donors_name ON donors (tenant_id, name);

-- The last receipt number given per federation and year: bumped by the receipt's own
-- transaction (INSERT … ON CONFLICT DO UPDATE … RETURNING), so a rolled-back donation gives its
-- number back and no two donations ever share one.
CREATE TABLE receipt_counters (
    tenant_id BIGINT  NOT NULL,
    year      INTEGER NOT NULL,
    last_seq  BIGINT  NOT NULL CHECK (last_seq > 0),
    PRIMARY KEY (tenant_id, year)
);

-- A donation. `expected`: a bank transfer announced at the window, not yet seen on a statement;
-- `received`: the money is in, the receipt issued, the fund credited (through `deposit_id`).
CREATE TABLE donations (
    id           INTEGER PRIMARY KEY,
    tenant_id    BIGINT  NOT NULL,
    org_id       BIGINT  NOT NULL REFERENCES orgs (id),
    donor_id     BIGINT  NOT NULL REFERENCES donors (id),
    channel      TEXT    NOT NULL CHECK (channel IN ('cash', 'card', 'bank_transfer', 'online')),
    amount_fen   BIGINT  NOT NULL CHECK (amount_fen > 0),
    donated_on   TEXT    NOT NULL,
    programme_id TEXT,                      -- restricted 定向 to this programme
    state        TEXT    NOT NULL CHECK (state IN ('expected', 'received')),
    reference    TEXT,                      -- what the payer writes in 附言
    deposit_id   BIGINT  REFERENCES fund_deposits (id),
    note         TEXT,
    recorded_by  TEXT    NOT NULL,
    recorded_at  TEXT    NOT NULL,
    received_at  TEXT
);
CREATE INDEX donations_org ON donations (org_id, id);
CREATE INDEX donations_donor ON donations (donor_id, id);
CREATE INDEX donations_expected ON donations (tenant_id, state, amount_fen);

-- A receipt 捐赠收据: never edited; voided with a reason, and the reissue points at it.
CREATE TABLE receipts (
    id           INTEGER PRIMARY KEY,
    tenant_id    BIGINT  NOT NULL,
    donation_id  BIGINT  NOT NULL REFERENCES donations (id),
    year         INTEGER NOT NULL,
    seq          BIGINT  NOT NULL,
    number       TEXT    NOT NULL,
    amount_fen   BIGINT  NOT NULL CHECK (amount_fen > 0),
    state        TEXT    NOT NULL CHECK (state IN ('issued', 'voided')),
    replaces_id  BIGINT  REFERENCES receipts (id),
    void_reason  TEXT,
    voided_by    TEXT,
    voided_at    TEXT,
    issued_by    TEXT    NOT NULL,
    issued_at    TEXT    NOT NULL,
    UNIQUE (tenant_id, year, seq),
    UNIQUE (tenant_id, number)
);
CREATE UNIQUE INDEX receipts_live ON receipts (donation_id) WHERE state = 'issued';
CREATE INDEX receipts_donation ON receipts (donation_id, id);

-- What of a fund is restricted to one programme (a part of `programme_funds.balance_fen`).
CREATE TABLE fund_parts (
    tenant_id    BIGINT NOT NULL,
    fund         TEXT   NOT NULL,
    programme_id TEXT   NOT NULL,
    balance_fen  BIGINT NOT NULL CHECK (balance_fen >= 0),
    PRIMARY KEY (tenant_id, fund, programme_id)
);
