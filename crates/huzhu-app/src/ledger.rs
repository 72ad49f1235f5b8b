//! Reading and proving the ledger (SPEC 6): `huzhu ledger check` shows that every entry
//! balances, that the whole ledger sums to zero, and that every account agrees with the
//! figures it mirrors — bills billed and paid, claims approved and paid.
//!
//! Finance and auditors read the ledger of their organisation's subtree only (SPEC 1–2), like
//! everything else: the entries of its claims, bills and payout batches, and the check over those
//! entries against the same claims and bills ([`LedgerScope`] says which entry belongs where).
//! An org outside the actor's subtree answers 404. Only the command line reads the whole database.

use crate::access::read_scope;
use crate::AppError;
use huzhu_domain::access::{Actor, Capability};
use huzhu_domain::org::OrgCode;
use huzhu_store::money::{LedgerEntryView, LedgerFacts, LedgerScope};
use huzhu_store::{MoneyStore, Repo};
use serde::Serialize;
use std::collections::BTreeMap;

/// The outcome of a check: the figures and every disagreement found, in words.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LedgerReport {
    pub ok: bool,
    pub entries: u64,
    pub postings: u64,
    pub balances: BTreeMap<String, i64>,
    pub problems: Vec<String>,
}

/// Compares the ledger with the claims and bills it mirrors (pure: facts in, report out).
pub fn check(f: &LedgerFacts) -> LedgerReport {
    let mut problems = Vec::new();
    for (entry, sum) in &f.unbalanced {
        problems.push(format!(
            "分录 {entry} 借贷不平，差额 {sum} 分 (entry {entry} does not balance by {sum} fen)"
        ));
    }
    let total: i64 = f.balances.values().sum();
    if total != 0 {
        problems.push(format!(
            "全部账户合计 {total} 分，应为 0 (all accounts sum to {total} fen, not 0)"
        ));
    }
    let bal = |k: &str| f.balances.get(k).copied().unwrap_or(0);
    let mut policies: Vec<&String> = f.bills.keys().chain(f.claims.keys()).collect();
    policies.sort();
    policies.dedup();
    for p in policies {
        let (billed, _) = f.bills.get(p).copied().unwrap_or((0, 0));
        let (approved, _) = f.claims.get(p).copied().unwrap_or((0, 0));
        let want = approved - billed;
        let got = bal(&format!("fund:{p}"));
        if got != want {
            problems.push(format!(
                "基金 {p} 余额 {got} 分，按账单与已批补助应为 {want} 分 \
                 (fund {p} balance {got}, bills and approved claims say {want})"
            ));
        }
    }
    for ((unit, p), unpaid) in &f.unpaid_by_unit {
        let got = bal(&format!("receivable:{unit}:{p}"));
        if got != *unpaid {
            problems.push(format!(
                "应收 {unit} {p} 余额 {got} 分，未付账单 {unpaid} 分 \
                 (receivable of {unit} {p} is {got}, unpaid bills {unpaid})"
            ));
        }
    }
    for (account, got) in &f.balances {
        if let Some(rest) = account.strip_prefix("receivable:") {
            let mut parts = rest.splitn(2, ':');
            let key = (
                parts.next().unwrap_or_default().to_string(),
                parts.next().unwrap_or_default().to_string(),
            );
            if *got != 0 && !f.unpaid_by_unit.contains_key(&key) {
                problems.push(format!(
                    "应收 {rest} 余额 {got} 分，但没有未付账单 (receivable {rest} is {got} with no unpaid bill)"
                ));
            }
        }
        if let Some(member) = account.strip_prefix("payable:") {
            let owed = member
                .parse::<i64>()
                .ok()
                .and_then(|m| f.owed_to_members.get(&m).copied())
                .unwrap_or(0);
            if *got != -owed {
                problems.push(format!(
                    "应付会员 {member} 余额 {got} 分，已批未付 {owed} 分 \
                     (payable to member {member} is {got}, approved but unpaid {owed})"
                ));
            }
        }
    }
    for (member, owed) in &f.owed_to_members {
        if !f.balances.contains_key(&format!("payable:{member}")) {
            problems.push(format!(
                "会员 {member} 已批未付 {owed} 分，账上没有应付 (member {member} is owed {owed} with no payable)"
            ));
        }
    }
    // Programme funds (docs/grants.md): deposits in, approved grants out.
    for (fund, (deposited, approved, _)) in &f.funds {
        let want = approved - deposited;
        // The fund's own account and its restricted parts (donation module) together.
        let part_prefix = format!("programme_fund:{fund}:");
        let got = bal(&format!("programme_fund:{fund}"))
            + f.balances
                .iter()
                .filter(|(k, _)| k.starts_with(&part_prefix))
                .map(|(_, v)| v)
                .sum::<i64>();
        if got != want {
            problems.push(format!(
                "帮扶资金 {fund} 余额 {got} 分，按拨入与已批救助应为 {want} 分 \
                 (programme fund {fund} balance {got}, deposits and approved grants say {want})"
            ));
        }
        if let Some(table) = f.fund_table.get(fund) {
            if *table != -want {
                problems.push(format!(
                    "帮扶资金 {fund} 余额表 {table} 分，账上 {} 分 \
                     (programme fund {fund} table holds {table}, the ledger {})",
                    -want, -want
                ));
            }
        }
    }
    // donation module: each restricted part holds what its table says (checked over everything).
    for (account, table) in &f.fund_parts {
        let got = bal(account);
        if got != -table {
            problems.push(format!(
                "定向资金 {account} 账上 {} 分，余额表 {table} 分 \
                 (restricted part {account} holds {} in the ledger, {table} in its table)",
                -got, -got
            ));
        }
    }
    let paid_bills: i64 = f.bills.values().map(|(_, paid)| paid).sum();
    let paid_claims: i64 = f.claims.values().map(|(_, paid)| paid).sum();
    let deposits: i64 = f.funds.values().map(|(d, _, _)| d).sum();
    let paid_grants: i64 = f.funds.values().map(|(_, _, paid)| paid).sum();
    let want_bank = paid_bills - paid_claims + deposits - paid_grants;
    if bal("bank") != want_bank {
        problems.push(format!(
            "银行存款 {} 分，应为会费到账 {paid_bills} 减补助支付 {paid_claims} \
             加资金拨入 {deposits} 减救助支付 {paid_grants} \
             (bank is {}, contributions received {paid_bills} less claims paid {paid_claims} \
             plus fund deposits {deposits} less grants paid {paid_grants})",
            bal("bank"),
            bal("bank")
        ));
    }
    LedgerReport {
        ok: problems.is_empty(),
        entries: f.entries,
        postings: f.postings,
        balances: f.balances.clone(),
        problems,
    }
}

/// Runs the check against the store, over the entries, bills and claims of `scope`.
pub async fn check_store<S: MoneyStore>(
    store: &S,
    scope: &LedgerScope,
) -> Result<LedgerReport, AppError> {
    Ok(check(&store.ledger_facts(scope).await?))
}

/// Entries of the subtree under `org` (default: the actor's organisation) for finance and
/// auditors, newest first.
pub async fn entries<S: Repo>(
    store: &S,
    actor: &Actor,
    org: Option<&OrgCode>,
    before: Option<i64>,
    limit: u32,
) -> Result<Vec<LedgerEntryView>, AppError> {
    let scope = read_scope(store, actor, Capability::ReadLedger, org).await?;
    Ok(store
        .ledger_entries(&scope, before, limit.clamp(1, 500))
        .await?)
}

/// Account balances of the subtree under `org` (default: the actor's organisation), with the
/// check over the same scope, for finance and auditors.
pub async fn balances<S: Repo>(
    store: &S,
    actor: &Actor,
    org: Option<&OrgCode>,
) -> Result<LedgerReport, AppError> {
    let scope = read_scope(store, actor, Capability::ReadLedger, org).await?;
    check_store(store, &scope).await
}
