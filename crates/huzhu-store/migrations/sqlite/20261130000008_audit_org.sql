-- The audit log read within an organisation's subtree (docs/console.md, "审计日志"), SQLite
-- flavour. Keep in step with ../postgres. An entry belongs to the org in whose subtree its action
-- happened (the actor's org, or the subject's unit where that is known better); a scoped read
-- walks the subtree (org_closure) to entries by the index below. The table is append-only, so the
-- rows written before this migration keep NULL, as do entries written by no org (the command
-- line, demo loading): only an actor at the top of the tree (an org with no parent) sees those.
ALTER TABLE audit_log ADD COLUMN org_id BIGINT REFERENCES orgs (id);
CREATE INDEX audit_log_org ON audit_log (org_id, id);
