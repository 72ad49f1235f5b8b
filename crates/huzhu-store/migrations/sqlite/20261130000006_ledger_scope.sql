-- The ledger read within an organisation's subtree (docs/money-path.md, "The ledger"), SQLite
-- flavour. Keep in step with ../postgres. An entry belongs to the org of the claim it names, else
-- of its bill, else of its payout batch, else to the tenant root; a scoped read walks the subtree
-- (org_closure) to claims, bills and batches by org (claims_org_state, bills_org, the index
-- below) and from them to their entries by these indexes.
CREATE INDEX ledger_entries_bill ON ledger_entries (bill_id);
CREATE INDEX ledger_entries_batch ON ledger_entries (batch_id);
CREATE INDEX ledger_entries_unreferenced ON ledger_entries (tenant_id, id)
    WHERE claim_id IS NULL AND bill_id IS NULL AND batch_id IS NULL;
CREATE INDEX payout_batches_org ON payout_batches (org_id);
