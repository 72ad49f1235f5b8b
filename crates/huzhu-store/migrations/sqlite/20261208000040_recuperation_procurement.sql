-- 疗休养 recuperation bases, batches and sign-ups (SPEC 7.9; docs/recuperation.md),
-- SQLite flavour. Keep in step with ../postgres.

-- A base admitted with its discount (basis points, >= 2000 [seed]) for two years. `state` is
-- what was decided (admitted or removed); a base past `valid_until` unrenewed is lapsed, computed
-- from the date by the domain.
CREATE TABLE recuperation_bases (
    id             INTEGER PRIMARY KEY,
    tenant_id      BIGINT  NOT NULL,
    org_id         BIGINT  NOT NULL REFERENCES orgs (id),
    name           TEXT    NOT NULL,
    region         TEXT    NOT NULL,
    partner_region BOOLEAN NOT NULL,
    discount_bp    INTEGER NOT NULL CHECK (discount_bp BETWEEN 2000 AND 10000),
    admitted_on    TEXT NOT NULL,
    valid_until    TEXT NOT NULL,
    state          TEXT    NOT NULL CHECK (state IN ('admitted', 'removed')),
    created_by     TEXT    NOT NULL,
    created_at     TEXT NOT NULL,
    reviewed_by    TEXT,
    reviewed_at    TEXT,
    reason         TEXT
);
CREATE INDEX recuperation_bases_org ON recuperation_bases (org_id, id);

-- A batch sent to a base. `taken` counts live sign-ups: the sign-up's conditional UPDATE
-- (`taken < capacity`) is what keeps a batch within its places under concurrency; the CHECK is
-- the last guard.
CREATE TABLE recuperation_batches (
    id            INTEGER PRIMARY KEY,
    tenant_id     BIGINT  NOT NULL,
    org_id        BIGINT  NOT NULL REFERENCES orgs (id),
    base_id       BIGINT  NOT NULL REFERENCES recuperation_bases (id),
    name          TEXT    NOT NULL,
    start_on      TEXT NOT NULL,
    end_on        TEXT NOT NULL,
    capacity      BIGINT  NOT NULL CHECK (capacity > 0),
    taken         BIGINT  NOT NULL DEFAULT 0,
    lodging_fen   BIGINT  NOT NULL DEFAULT 0 CHECK (lodging_fen >= 0),
    transport_fen BIGINT  NOT NULL DEFAULT 0 CHECK (transport_fen >= 0),
    purchases_fen BIGINT  NOT NULL DEFAULT 0 CHECK (purchases_fen >= 0),
    created_by    TEXT    NOT NULL,
    created_at    TEXT NOT NULL,
    CHECK (taken >= 0 AND taken <= capacity)
);
CREATE INDEX recuperation_batches_base ON recuperation_batches (base_id, id);
CREATE INDEX recuperation_batches_org ON recuperation_batches (org_id, id);

-- A unit's quota in a batch (optional): when a batch has quotas, only the units listed sign up,
-- each within its own, by the same conditional UPDATE as the batch's places.
CREATE TABLE recuperation_quotas (
    tenant_id BIGINT NOT NULL,
    batch_id  BIGINT NOT NULL REFERENCES recuperation_batches (id),
    org_id    BIGINT NOT NULL REFERENCES orgs (id),
    quota     BIGINT NOT NULL CHECK (quota > 0),
    taken     BIGINT NOT NULL DEFAULT 0,
    CHECK (taken >= 0 AND taken <= quota),
    PRIMARY KEY (batch_id, org_id)
);

-- A member's sign-up; `start_on` is the batch's, kept for the once-in-two-years rule.
CREATE TABLE recuperation_signups (
    id           INTEGER PRIMARY KEY,
    tenant_id    BIGINT  NOT NULL,
    batch_id     BIGINT  NOT NULL REFERENCES recuperation_batches (id),
    member_id    BIGINT  NOT NULL REFERENCES members (id),
    org_id       BIGINT  NOT NULL REFERENCES orgs (id),
    start_on     TEXT NOT NULL,
    state        TEXT    NOT NULL CHECK (state IN ('signed_up', 'cancelled')),
    signed_by    TEXT    NOT NULL,
    signed_at    TEXT NOT NULL,
    cancelled_by TEXT,
    cancelled_at TEXT,
    reason       TEXT
);
CREATE UNIQUE INDEX recuperation_signups_live ON recuperation_signups (batch_id, member_id)
    WHERE state = 'signed_up';
CREATE INDEX recuperation_signups_member ON recuperation_signups (member_id, state);

-- 消费帮扶 (SPEC 7.10; docs/procurement.md): the federation's catalogue of designated
-- poverty-relief products, the units' festival-gift purchases and the floor per org and year.
CREATE TABLE procurement_catalogue (
    id          INTEGER PRIMARY KEY,
    tenant_id   BIGINT NOT NULL,
    region      TEXT   NOT NULL,
    supplier    TEXT   NOT NULL,
    product     TEXT   NOT NULL,
    created_by  TEXT   NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (tenant_id, supplier, product)
);

-- A purchase; `designated` is computed from the catalogue (its entry is `catalogue_id`).
CREATE TABLE procurement_purchases (
    id           INTEGER PRIMARY KEY,
    tenant_id    BIGINT  NOT NULL,
    org_id       BIGINT  NOT NULL REFERENCES orgs (id),
    catalogue_id BIGINT  REFERENCES procurement_catalogue (id),
    supplier     TEXT    NOT NULL,
    product      TEXT    NOT NULL,
    quantity     BIGINT  NOT NULL CHECK (quantity > 0),
    amount_fen   BIGINT  NOT NULL CHECK (amount_fen > 0),
    purchased_on TEXT NOT NULL,
    year         INTEGER NOT NULL,
    designated   BOOLEAN NOT NULL,
    source       TEXT    NOT NULL CHECK (source IN ('hand', 'import')),
    recorded_by  TEXT    NOT NULL,
    recorded_at  TEXT NOT NULL
);
CREATE INDEX procurement_purchases_org ON procurement_purchases (org_id, year);

-- The floor of an org's subtree for a year (basis points); the nearest org of the chain that set
-- one gives it, else 20% [seed].
CREATE TABLE procurement_floors (
    tenant_id BIGINT  NOT NULL,
    org_id    BIGINT  NOT NULL REFERENCES orgs (id),
    year      INTEGER NOT NULL,
    floor_bp  INTEGER NOT NULL CHECK (floor_bp BETWEEN 0 AND 10000),
    set_by    TEXT    NOT NULL,
    set_at    TEXT NOT NULL,
    PRIMARY KEY (org_id, year)
);

-- A campaign's gift packs counted at a purchase's unit price (SPEC 7.4).
CREATE TABLE campaign_gift_purchases (
    tenant_id      BIGINT NOT NULL,
    campaign_id    BIGINT NOT NULL PRIMARY KEY REFERENCES campaigns (id),
    purchase_id    BIGINT NOT NULL REFERENCES procurement_purchases (id),
    unit_price_fen BIGINT NOT NULL CHECK (unit_price_fen >= 0),
    linked_by      TEXT   NOT NULL,
    linked_at      TEXT NOT NULL
);
