//! 账簿: balances by account with the ledger check (does every entry balance, does each fund
//! agree with its bills and claims), and the entries, newest first, a page at a time — all of the
//! actor's subtree only (`huzhu_app::ledger`).

use super::{finish, page, Console, Ctx, PageResult};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use huzhu_app::ledger::{self, LedgerReport};
use huzhu_app::model::LedgerEntryView;
use huzhu_app::Backend;
use huzhu_domain::ledger::Account;
use serde::Deserialize;

pub fn routes<S: Backend>() -> Router<AppState<S>> {
    Router::new().route("/ledger", get(show::<S>))
}

/// Entries per page.
const PAGE_SIZE: u32 = 50;

#[derive(Deserialize)]
pub struct LedgerQuery {
    /// The smallest entry id of the previous page.
    before: Option<i64>,
}

/// One account's line: its key, its name in the page's language, its balance.
pub struct BalanceRow {
    pub key: String,
    pub name: String,
    pub fen: i64,
}

/// Accounts of one kind (funds, receivables, …) with their sum.
pub struct BalanceGroup {
    pub title: &'static str,
    pub rows: Vec<BalanceRow>,
    pub total: i64,
}

/// An account's name for people, the policy and the unit by name: `互助基金 杭州市…（2022年度）`,
/// `应付会员 #12`.
pub fn account_name(c: &Ctx, key: &str) -> String {
    match Account::parse(key) {
        Ok(Account::Fund { policy }) => format!(
            "{} {}",
            c.t("互助基金", "Mutual-aid fund"),
            c.policy(policy)
        ),
        Ok(Account::UnitReceivable { unit, policy }) => format!(
            "{} {} · {}",
            c.t("应收单位会费", "Contribution receivable"),
            c.org(unit),
            c.policy(policy)
        ),
        Ok(Account::MemberPayable { member }) => {
            format!("{} #{member}", c.t("应付会员补助", "Payable to member"))
        }
        Ok(Account::Bank) => c.t("银行存款", "Bank").to_string(),
        Ok(Account::Programme { id }) => {
            format!("{} {id}", c.t("帮扶项目资金", "Assistance programme"))
        }
        Ok(Account::ProgrammeFund { fund }) => {
            let (zh, en) = fund.words();
            c.t(zh, en).to_string()
        }
        Ok(Account::ProgrammeFundPart { fund, programme }) => {
            let (zh, en) = fund.words();
            format!(
                "{} · {} {programme}",
                c.t(zh, en),
                c.t("定向", "restricted to")
            )
        }
        Err(_) => key.to_string(),
    }
}

fn groups(c: &Ctx, report: &LedgerReport) -> Vec<BalanceGroup> {
    let kinds: [(&str, &'static str); 6] = [
        ("fund:", c.t("互助基金", "Funds")),
        ("receivable:", c.t("应收会费", "Receivables")),
        ("payable:", c.t("应付补助", "Payables")),
        ("bank", c.t("银行存款", "Bank")),
        ("programme:", c.t("帮扶项目", "Programmes")),
        ("programme_fund:", c.t("帮扶资金", "Programme funds")),
    ];
    kinds
        .iter()
        .filter_map(|(prefix, title)| {
            let rows: Vec<BalanceRow> = report
                .balances
                .iter()
                .filter(|(k, _)| k.starts_with(prefix))
                .map(|(k, v)| BalanceRow {
                    key: k.clone(),
                    name: account_name(c, k),
                    fen: *v,
                })
                .collect();
            (!rows.is_empty()).then(|| BalanceGroup {
                title,
                total: rows.iter().map(|r| r.fen).sum(),
                rows,
            })
        })
        .collect()
}

#[derive(Template)]
#[template(path = "ledger/show.html")]
struct LedgerPage<'a> {
    c: &'a Ctx,
    /// The org whose subtree the page shows: the actor's.
    scope: String,
    report: LedgerReport,
    groups: Vec<BalanceGroup>,
    entries: Vec<LedgerEntryView>,
    next: Option<i64>,
    first_page: bool,
}

impl LedgerPage<'_> {
    fn name(&self, key: &str) -> String {
        account_name(self.c, key)
    }

    fn debit(&self, fen: &i64) -> String {
        if *fen > 0 {
            self.c.yuan(*fen)
        } else {
            String::new()
        }
    }

    fn credit(&self, fen: &i64) -> String {
        if *fen < 0 {
            self.c.yuan(-*fen)
        } else {
            String::new()
        }
    }
}

pub async fn show<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Query(q): Query<LedgerQuery>,
) -> Response {
    let r = show_page(&state, &c, q).await;
    finish(&c, r)
}

async fn show_page<S: Backend>(state: &AppState<S>, c: &Ctx, q: LedgerQuery) -> PageResult {
    let actor = c.actor()?;
    let report = ledger::balances(&state.store, actor, None).await?;
    let entries = ledger::entries(&state.store, actor, None, q.before, PAGE_SIZE).await?;
    let next = (entries.len() == PAGE_SIZE as usize)
        .then(|| entries.last().map(|e| e.id))
        .flatten();
    let groups = groups(c, &report);
    page(&LedgerPage {
        c,
        scope: actor.org.to_string(),
        report,
        groups,
        entries,
        next,
        first_page: q.before.is_none(),
    })
}
