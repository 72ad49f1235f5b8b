-- Who owes a bill (docs/money-path.md, "Enrolment and bills"), PostgreSQL flavour. Keep in step
-- with ../sqlite. NULL: the unit that enrolled (org_id) pays, as every bill before this
-- migration; otherwise the federation that pays a federation-paid policy's contributions
-- (lucheng-model-workers), always the unit's own tenant and an org above the unit.
ALTER TABLE bills ADD COLUMN payer_org_id BIGINT REFERENCES orgs (id);
