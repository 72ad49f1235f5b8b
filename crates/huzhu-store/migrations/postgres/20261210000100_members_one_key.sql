-- One unique key for a member's identity, led by the ID number (issue 13): it serves both the
-- uniqueness of (tenant, kind, number) and every lookup by number, so the separate
-- `members_id_number` index goes. An import writes three B-trees a row instead of four. The
-- key still holds the tenant, as a distributed PostgreSQL requires (docs/scaling.md).
ALTER TABLE members ADD CONSTRAINT members_identity UNIQUE (id_number, tenant_id, id_kind);
ALTER TABLE members DROP CONSTRAINT members_tenant_id_id_kind_id_number_key;
DROP INDEX members_id_number;
