-- Batch adjudication of a stored cycle (issue 5), SQLite flavour. Keep in step with ../postgres.
-- A cycle's claims are read in pages by member then id.
CREATE INDEX claims_policy_member ON claims (policy_id, member_id, id);
-- A page's enrolments are read by member; the unique key starts with tenant_id and cannot serve.
CREATE INDEX enrolments_member ON enrolments (member_id, policy_id);
-- (PostgreSQL also indexes claims and members by id alone; here id is the rowid already.)
