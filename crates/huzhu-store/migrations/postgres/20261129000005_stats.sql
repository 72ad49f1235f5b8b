-- Maintained statistics (SPEC section 8, docs/statistics.md), PostgreSQL flavour. Keep in step with
-- ../sqlite. One row per organisation at every level (not only units): the row of an org holds
-- the figures of its whole subtree, so a dashboard reads a handful of rows of one org and of its
-- direct children instead of scanning members and claims. Every write that changes the counted
-- rows updates these tables in the same transaction; `recount_stats` rebuilds them from the base
-- tables and `check_stats` compares.

-- Members by gender and employment status.
CREATE TABLE stat_members (
    tenant_id BIGINT NOT NULL,
    org_id    BIGINT NOT NULL,
    gender    TEXT   NOT NULL,
    status    TEXT   NOT NULL,
    members   BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, org_id, gender, status)
);

-- Enrolments by policy cycle, item and gender (the enrolment's unit, the member's gender).
CREATE TABLE stat_enrolments (
    tenant_id        BIGINT NOT NULL,
    org_id           BIGINT NOT NULL,
    policy_id        TEXT   NOT NULL,
    item             TEXT   NOT NULL,
    gender           TEXT   NOT NULL,
    members          BIGINT NOT NULL,
    shares           BIGINT NOT NULL,
    contribution_fen BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, org_id, policy_id, item, gender)
);

-- Claims by policy cycle and one dimension at a time (huzhu_domain::stats::DIMENSIONS: all, state,
-- kind, month, group, gender, item) and its label: a claim is counted once per dimension (once per
-- paying item under `item`), never in a cross product, so the table stays small.
CREATE TABLE stat_claims (
    tenant_id    BIGINT NOT NULL,
    org_id       BIGINT NOT NULL,
    policy_id    TEXT   NOT NULL,
    dimension    TEXT   NOT NULL,
    label        TEXT   NOT NULL,
    claims       BIGINT NOT NULL,
    payable_fen  BIGINT NOT NULL,
    approved_fen BIGINT NOT NULL,
    paid_fen     BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, org_id, policy_id, dimension, label)
);
