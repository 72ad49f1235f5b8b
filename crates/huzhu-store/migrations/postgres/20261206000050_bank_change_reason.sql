-- The pending-decision pattern (ARCHITECTURE.md): a refused bank account change keeps its
-- reason, like a refused transfer. NULL for changes decided before, confirmed or superseded.
ALTER TABLE bank_changes ADD COLUMN decision_reason TEXT;
