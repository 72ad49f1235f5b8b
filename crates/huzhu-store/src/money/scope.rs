//! Which part of the ledger a read covers (SPEC 1–2: a user's rights are scoped to an org and its
//! subtree), and the SQL that selects it — shared by both backends like the rest of `money`.
//!
//! An entry belongs to the organisation of what caused it, taken in this order:
//! - the **claim** it names (`claims.org_id`: the member's unit when the claim was made);
//! - else the **bill** it names: the org that owes it (`bills.payer_org_id`, the federation of a
//!   federation-paid policy, always the unit or an org above it; NULL: `bills.org_id`, the unit);
//! - else the **payout batch** it names (`payout_batches.org_id`: the org that built it);
//! - else the **grant** it names (`grants.org_id`: the member's unit when applied), or the
//!   **fund deposit** (`fund_deposits.org_id`: the org that made it; docs/grants.md);
//! - else (an entry naming none of them — huzhu posts none today, every entry names a claim or a
//!   bill) the **tenant root**: only the city federation's own scope sees it.
//!
//! Every entry balances on its own, so the balances of any set of entries still sum to zero, and
//! the facts they are checked against (bills, claims) are selected by the same rule, so
//! `huzhu ledger check`'s cross-checks hold in every scope.

use crate::OrgScope;

/// A bill found through its unit (`b`, under `top`) is in scope when its payer is too: the payer
/// is the unit or an org above it, so this only drops a federation's bills from a scope below
/// that federation.
const PAYER_IN_SCOPE: &str = "(b.payer_org_id IS NULL OR EXISTS (SELECT 1 FROM org_closure pc \
     WHERE pc.ancestor_id = top.id AND pc.descendant_id = b.payer_org_id))";

/// The part of the ledger to read: with [`OrgScope::Under`], the entries, bills and claims of an
/// organisation's subtree (within its tenant); [`OrgScope::Everything`] is every entry of every
/// tenant, for `huzhu ledger check` run by the operator of the database.
pub type LedgerScope = OrgScope;

impl OrgScope {
    /// The number of the first parameter after the scope's own.
    pub(crate) fn next_param(&self) -> usize {
        match self {
            OrgScope::Everything => 1,
            OrgScope::Under(_) => 2,
        }
    }

    /// A query yielding the columns `cols` (written over the alias `e`) of every ledger entry in
    /// scope: a union of index-driven branches (subtree → claims → entries by claim, and so on),
    /// so a small scope never reads the whole ledger.
    pub(crate) fn entries(&self, cols: &str) -> String {
        match self {
            OrgScope::Everything => format!("SELECT {cols} FROM ledger_entries e"),
            OrgScope::Under(_) => format!(
                "SELECT {cols} FROM orgs top JOIN org_closure cl ON cl.ancestor_id = top.id \
                 JOIN claims c ON c.org_id = cl.descendant_id \
                 JOIN ledger_entries e ON e.claim_id = c.id AND e.tenant_id = c.tenant_id \
                 WHERE top.code = $1 \
                 UNION ALL \
                 SELECT {cols} FROM orgs top JOIN org_closure cl ON cl.ancestor_id = top.id \
                 JOIN bills b ON b.org_id = cl.descendant_id \
                 JOIN ledger_entries e ON e.bill_id = b.id AND e.tenant_id = b.tenant_id \
                 WHERE top.code = $1 AND e.claim_id IS NULL AND {PAYER_IN_SCOPE} \
                 UNION ALL \
                 SELECT {cols} FROM orgs top JOIN org_closure cl ON cl.ancestor_id = top.id \
                 JOIN payout_batches pb ON pb.org_id = cl.descendant_id \
                 JOIN ledger_entries e ON e.batch_id = pb.id AND e.tenant_id = pb.tenant_id \
                 WHERE top.code = $1 AND e.claim_id IS NULL AND e.bill_id IS NULL \
                 UNION ALL \
                 SELECT {cols} FROM orgs top JOIN org_closure cl ON cl.ancestor_id = top.id \
                 JOIN grants g ON g.org_id = cl.descendant_id \
                 JOIN ledger_entries e ON e.grant_id = g.id AND e.tenant_id = g.tenant_id \
                 WHERE top.code = $1 AND e.claim_id IS NULL AND e.bill_id IS NULL \
                 AND e.batch_id IS NULL \
                 UNION ALL \
                 SELECT {cols} FROM orgs top JOIN org_closure cl ON cl.ancestor_id = top.id \
                 JOIN fund_deposits d ON d.org_id = cl.descendant_id \
                 JOIN ledger_entries e ON e.deposit_id = d.id AND e.tenant_id = d.tenant_id \
                 WHERE top.code = $1 AND e.claim_id IS NULL AND e.bill_id IS NULL \
                 AND e.batch_id IS NULL AND e.grant_id IS NULL \
                 UNION ALL \
                 SELECT {cols} FROM orgs top \
                 JOIN ledger_entries e ON e.tenant_id = COALESCE(top.tenant_id, top.id) \
                 WHERE top.code = $1 AND top.parent_id IS NULL AND e.claim_id IS NULL \
                 AND e.bill_id IS NULL AND e.batch_id IS NULL AND e.grant_id IS NULL \
                 AND e.deposit_id IS NULL"
            ),
        }
    }

    /// `FROM … WHERE …` over the bills in scope (alias `b`, the org that owes it `bo`); callers
    /// may append `AND …`.
    pub(crate) fn bills(&self) -> String {
        match self {
            OrgScope::Everything => {
                "FROM bills b JOIN orgs bo ON bo.id = COALESCE(b.payer_org_id, b.org_id) \
                 WHERE 1 = 1"
                    .into()
            }
            OrgScope::Under(_) => format!(
                "FROM orgs top JOIN org_closure cl ON cl.ancestor_id = top.id \
                 JOIN bills b ON b.org_id = cl.descendant_id \
                 JOIN orgs bo ON bo.id = COALESCE(b.payer_org_id, b.org_id) \
                 WHERE top.code = $1 AND {PAYER_IN_SCOPE}"
            ),
        }
    }

    /// `FROM … WHERE …` over the grants in scope (alias `g`); callers may append `AND …`.
    pub(crate) fn grants(&self) -> &'static str {
        match self {
            OrgScope::Everything => "FROM grants g WHERE 1 = 1",
            OrgScope::Under(_) => {
                "FROM orgs top JOIN org_closure cl ON cl.ancestor_id = top.id \
                 JOIN grants g ON g.org_id = cl.descendant_id WHERE top.code = $1"
            }
        }
    }

    /// `FROM … WHERE …` over the fund deposits in scope (alias `d`).
    pub(crate) fn deposits(&self) -> &'static str {
        match self {
            OrgScope::Everything => "FROM fund_deposits d WHERE 1 = 1",
            OrgScope::Under(_) => {
                "FROM orgs top JOIN org_closure cl ON cl.ancestor_id = top.id \
                 JOIN fund_deposits d ON d.org_id = cl.descendant_id WHERE top.code = $1"
            }
        }
    }

    /// `FROM … WHERE …` over the claims in scope (alias `c`); callers may append `AND …`.
    pub(crate) fn claims(&self) -> &'static str {
        match self {
            OrgScope::Everything => "FROM claims c WHERE 1 = 1",
            OrgScope::Under(_) => {
                "FROM orgs top JOIN org_closure cl ON cl.ancestor_id = top.id \
                 JOIN claims c ON c.org_id = cl.descendant_id WHERE top.code = $1"
            }
        }
    }
}
