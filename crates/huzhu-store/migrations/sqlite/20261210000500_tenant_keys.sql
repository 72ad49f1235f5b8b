-- Every tenant table keyed by its city federation (issue 18: Citus readiness), SQLite flavour.
-- PostgreSQL's file of the same name puts tenant_id into every primary, unique and foreign key
-- of the tenant tables (a distributed database requires it). SQLite is never distributed and
-- keeps its keys; it only gains the unique keys that the upserts shared by both backends now
-- name, with the tenant first (`ON CONFLICT (tenant_id, …)` needs a unique index of exactly those
-- columns). An org belongs to one tenant, so these allow no row the old keys did not.
CREATE UNIQUE INDEX procurement_floors_tenant_key
    ON procurement_floors (tenant_id, org_id, year);
CREATE UNIQUE INDEX recognition_quota_use_tenant_key
    ON recognition_quota_use (tenant_id, call_id, org_id);
CREATE UNIQUE INDEX campaign_gift_purchases_tenant_key
    ON campaign_gift_purchases (tenant_id, campaign_id);
