-- Batch adjudication of a stored cycle (issue 5), PostgreSQL flavour. Keep in step with ../sqlite.
-- A cycle's claims are read in pages by member then id.
CREATE INDEX claims_policy_member ON claims (policy_id, member_id, id);
-- A page's enrolments are read by member; the unique key starts with tenant_id and cannot serve.
CREATE INDEX enrolments_member ON enrolments (member_id, policy_id);
-- Claims and members are addressed by id alone (one claim, a change, a page of decisions, a
-- page's members); the primary keys start with tenant_id and cannot serve. SQLite's INTEGER
-- PRIMARY KEY needs no such index.
CREATE INDEX claims_id ON claims (id);
CREATE INDEX members_id ON members (id);
