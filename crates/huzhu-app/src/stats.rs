//! 统计 — the federation's figures (SPEC section 8) for an org's subtree, as plain tables: members
//! by status and gender, enrolments by item, claims by item, month, sub-organisation, disease
//! group, gender, state and kind. [`dashboard`] reads the maintained aggregates (fast at city
//! scale, SPEC section 9); [`dashboard_by_scan`] computes the same tables from the base tables
//! (the benchmark's yardstick, and the tests' oracle); [`dashboard_xlsx`] is the Excel export.
//! See docs/statistics.md.

use crate::access::{ensure_org_in_scope, require};
use crate::AppError;
use huzhu_domain::access::{Actor, Capability};
use huzhu_domain::member::EmploymentStatus;
use huzhu_domain::org::OrgCode;
use huzhu_domain::stats::ClaimFigures;
use huzhu_domain::workflow::ClaimState;
use huzhu_store::stats::StatsView;
use huzhu_store::Repo;
use serde::Serialize;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    /// A number of people, claims or shares.
    Count,
    /// An amount in fen (shown as 元 with two decimals).
    Fen,
    /// A rate in basis points (shown as a percent with two decimals): legal aid's close, win and
    /// mediation rates (issue 17).
    Percent,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    pub key: &'static str,
    pub label_zh: &'static str,
    pub label_en: &'static str,
    pub kind: ColumnKind,
}

/// One labelled row: `values[i]` is under `columns[i]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatRow {
    /// The code counted under (`male`, `2022-03`, `A`, an org code; "" for none).
    pub key: String,
    /// What a reader sees: Chinese, with the code where it helps.
    pub label: String,
    pub values: Vec<i64>,
}

/// A titled table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatTable {
    /// Stable identifier (`members`, `claims_by_month`, …).
    pub id: &'static str,
    pub title_zh: &'static str,
    pub title_en: &'static str,
    pub columns: Vec<Column>,
    pub rows: Vec<StatRow>,
}

/// The figures of one org's subtree, for one policy cycle or all of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dashboard {
    pub org: String,
    pub org_name: String,
    /// The policy cycle the enrolment and claim tables are limited to; None for every cycle.
    pub policy: Option<String>,
    pub tables: Vec<StatTable>,
}

const fn count(key: &'static str, label_zh: &'static str, label_en: &'static str) -> Column {
    Column {
        key,
        label_zh,
        label_en,
        kind: ColumnKind::Count,
    }
}

const fn fen(key: &'static str, label_zh: &'static str, label_en: &'static str) -> Column {
    Column {
        key,
        label_zh,
        label_en,
        kind: ColumnKind::Fen,
    }
}

const CLAIM_COLUMNS: [Column; 4] = [
    count("claims", "件数", "claims"),
    fen("payable_fen", "应付金额", "payable"),
    fen("approved_fen", "核准金额", "approved"),
    fen("paid_fen", "已付金额", "paid"),
];

fn claim_values(f: &ClaimFigures) -> Vec<i64> {
    vec![f.claims, f.payable_fen, f.approved_fen, f.paid_fen]
}

fn gender_label(code: &str) -> String {
    match code {
        "male" => "男".into(),
        "female" => "女".into(),
        other => other.into(),
    }
}

fn status_label(code: &str) -> String {
    EmploymentStatus::parse(code)
        .map(|s| s.label_zh().to_string())
        .unwrap_or_else(|| code.to_string())
}

/// The disease groups (huzhu_domain::stats::disease_group) by the prefixes the policies use.
fn group_label(code: &str) -> String {
    match code {
        "md" => "重大疾病 (md)".into(),
        "mi" => "轻症 (mi)".into(),
        "fc" => "女职工特殊疾病 (fc)".into(),
        "od" => "规定病种门诊 (od)".into(),
        "" => "未列病种 (none)".into(),
        other => format!("其他 ({other})"),
    }
}

fn kind_label(code: &str) -> String {
    let zh = match code {
        "hospital_stay" => "住院",
        "outpatient" => "规定病种门诊",
        "diagnosis" => "确诊",
        "care_payment" => "关爱金",
        _ => return code.to_string(),
    };
    format!("{zh} ({code})")
}

fn item_label(code: &str) -> String {
    if code.is_empty() {
        "无应付项目 (no payable item)".into()
    } else {
        format!("项目 {code}")
    }
}

/// The tables of a claim dimension, in key order.
fn claims_table(
    view: &StatsView,
    dimension: &str,
    id: &'static str,
    title_zh: &'static str,
    title_en: &'static str,
    label: fn(&str) -> String,
) -> StatTable {
    let rows = view
        .claims
        .iter()
        .filter(|((d, _), _)| d == dimension)
        .map(|((_, key), f)| StatRow {
            key: key.clone(),
            label: label(key),
            values: claim_values(f),
        })
        .collect();
    StatTable {
        id,
        title_zh,
        title_en,
        columns: CLAIM_COLUMNS.to_vec(),
        rows,
    }
}

/// The tables of a [`StatsView`]: a pure function, so the aggregate and scan paths can differ only
/// in the figures they read.
pub fn tables(view: &StatsView) -> Vec<StatTable> {
    let mut out = Vec::new();

    // Members: a row per status, columns male, female, total.
    let mut statuses: Vec<&str> = view.members.keys().map(|(_, s)| s.as_str()).collect();
    statuses.sort_unstable();
    statuses.dedup();
    let n = |g: &str, s: &str| {
        view.members
            .get(&(g.to_string(), s.to_string()))
            .copied()
            .unwrap_or(0)
    };
    let mut rows: Vec<StatRow> = statuses
        .iter()
        .map(|s| StatRow {
            key: (*s).to_string(),
            label: status_label(s),
            values: vec![n("male", s), n("female", s), n("male", s) + n("female", s)],
        })
        .collect();
    rows.push(StatRow {
        key: "total".into(),
        label: "合计".into(),
        values: (0..3)
            .map(|i| rows.iter().map(|r| r.values[i]).sum())
            .collect(),
    });
    out.push(StatTable {
        id: "members",
        title_zh: "会员人数（按状态、性别）",
        title_en: "Members by status and gender",
        columns: vec![
            count("male", "男", "male"),
            count("female", "女", "female"),
            count("total", "合计", "total"),
        ],
        rows,
    });

    // Enrolments by item.
    let mut items: Vec<&str> = view.enrolments.keys().map(|(i, _)| i.as_str()).collect();
    items.sort_unstable();
    items.dedup();
    let rows = items
        .iter()
        .map(|item| {
            let mut v = [0i64; 5];
            for ((i, g), e) in &view.enrolments {
                if i != item {
                    continue;
                }
                v[0] += e.members;
                match g.as_str() {
                    "male" => v[1] += e.members,
                    "female" => v[2] += e.members,
                    _ => {}
                }
                v[3] += e.shares;
                v[4] += e.contribution_fen;
            }
            StatRow {
                key: (*item).to_string(),
                label: item_label(item),
                values: v.to_vec(),
            }
        })
        .collect();
    out.push(StatTable {
        id: "enrolments_by_item",
        title_zh: "参保人数与份数（按项目）",
        title_en: "Enrolled members and shares by item",
        columns: vec![
            count("members", "参保人次", "enrolled members"),
            count("male", "男", "male"),
            count("female", "女", "female"),
            count("shares", "份数", "shares"),
            fen("contribution_fen", "应缴会费", "contributions"),
        ],
        rows,
    });

    out.push(claims_table(
        view,
        "item",
        "claims_by_item",
        "理赔（按项目）",
        "Claims by item",
        item_label,
    ));
    out.push(claims_table(
        view,
        "month",
        "claims_by_month",
        "理赔（按月份）",
        "Claims by month of the event",
        |m| m.to_string(),
    ));

    // Claims by sub-organisation: the direct children, each summing its subtree.
    let rows = view
        .children
        .iter()
        .map(|c| StatRow {
            key: c.code.clone(),
            label: format!("{} {}", c.code, c.name),
            values: vec![
                c.members,
                c.enrolled.members,
                c.claims.claims,
                c.claims.payable_fen,
                c.claims.approved_fen,
                c.claims.paid_fen,
            ],
        })
        .collect();
    out.push(StatTable {
        id: "by_sub_org",
        title_zh: "会员与理赔（按下级组织）",
        title_en: "Members and claims by sub-organisation",
        columns: vec![
            count("members", "会员", "members"),
            count("enrolled", "参保人次", "enrolled members"),
            count("claims", "件数", "claims"),
            fen("payable_fen", "应付金额", "payable"),
            fen("approved_fen", "核准金额", "approved"),
            fen("paid_fen", "已付金额", "paid"),
        ],
        rows,
    });

    out.push(claims_table(
        view,
        "group",
        "claims_by_disease_group",
        "理赔（按病种类别）",
        "Claims by disease group",
        group_label,
    ));
    out.push(claims_table(
        view,
        "gender",
        "claims_by_gender",
        "理赔（按性别）",
        "Claims by gender",
        gender_label,
    ));
    out.push(claims_table(
        view,
        "state",
        "claims_by_state",
        "理赔（按状态）",
        "Claims by state",
        |s| {
            ClaimState::parse(s)
                .map(|st| st.label_zh().to_string())
                .unwrap_or_else(|| s.to_string())
        },
    ));
    out.push(claims_table(
        view,
        "kind",
        "claims_by_kind",
        "理赔（按类别）",
        "Claims by kind",
        kind_label,
    ));
    out
}

/// Checks the request and returns the org's name: the actor must read members and `org` must
/// be in scope (else not found, as for a missing org); a named policy must exist.
async fn authorise<S: Repo>(
    store: &S,
    actor: &Actor,
    org: &OrgCode,
    policy: Option<&str>,
) -> Result<String, AppError> {
    require(actor, Capability::ReadMembers)?;
    ensure_org_in_scope(store, actor, org).await?;
    if let Some(p) = policy {
        store.policy_record(p).await?;
    }
    Ok(huzhu_store::Store::org(store, org).await?.name)
}

/// The dashboard of `org`'s subtree, from the maintained aggregates.
pub async fn dashboard<S: Repo>(
    store: &S,
    actor: &Actor,
    org: &OrgCode,
    policy: Option<&str>,
) -> Result<Dashboard, AppError> {
    let org_name = authorise(store, actor, org, policy).await?;
    let view = store.stats(org, policy).await?;
    Ok(Dashboard {
        org: org.to_string(),
        org_name,
        policy: policy.map(str::to_string),
        tables: tables(&view),
    })
}

/// The same dashboard computed by a full scan of the base tables.
pub async fn dashboard_by_scan<S: Repo>(
    store: &S,
    actor: &Actor,
    org: &OrgCode,
    policy: Option<&str>,
) -> Result<Dashboard, AppError> {
    let org_name = authorise(store, actor, org, policy).await?;
    let view = store.stats_by_scan(org, policy).await?;
    Ok(Dashboard {
        org: org.to_string(),
        org_name,
        policy: policy.map(str::to_string),
        tables: tables(&view),
    })
}

/// Fen as 元 for a spreadsheet cell. Display only: the figures are computed in fen.
pub(crate) fn yuan(fen: i64) -> f64 {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
        .parse()
        .unwrap_or(0.0)
}

/// The dashboard as a workbook: one sheet per table, its title on the first row, headers on the
/// second, amounts as 元 numbers formatted with two decimals.
pub fn dashboard_xlsx(d: &Dashboard) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, Workbook};
    let xl = |e: rust_xlsxwriter::XlsxError| AppError::Io(std::io::Error::other(e.to_string()));
    let money = Format::new().set_num_format("#,##0.00");
    let bold = Format::new().set_bold();
    let mut wb = Workbook::new();
    for t in &d.tables {
        let ws = wb.add_worksheet();
        ws.set_name(t.title_zh).map_err(xl)?;
        let scope = match &d.policy {
            Some(p) => format!("{} {}（{p}）", d.org, d.org_name),
            None => format!("{} {}", d.org, d.org_name),
        };
        ws.write_string_with_format(0, 0, format!("{} — {scope}", t.title_zh), &bold)
            .map_err(xl)?;
        ws.write_string_with_format(1, 0, "", &bold).map_err(xl)?;
        for (c, col) in t.columns.iter().enumerate() {
            let header = match col.kind {
                ColumnKind::Fen => format!("{}（元）", col.label_zh),
                ColumnKind::Count => col.label_zh.to_string(),
                ColumnKind::Percent => format!("{}（%）", col.label_zh),
            };
            ws.write_string_with_format(1, (c + 1) as u16, header, &bold)
                .map_err(xl)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            let r = u32::try_from(r + 2).unwrap_or(u32::MAX);
            ws.write_string(r, 0, &row.label).map_err(xl)?;
            for (c, (v, col)) in row.values.iter().zip(&t.columns).enumerate() {
                let c = (c + 1) as u16;
                match col.kind {
                    ColumnKind::Fen => ws.write_number_with_format(r, c, yuan(*v), &money),
                    ColumnKind::Count => ws.write_number(r, c, *v as f64),
                    ColumnKind::Percent => ws.write_number_with_format(r, c, yuan(*v), &money),
                }
                .map_err(xl)?;
            }
        }
        ws.set_column_width(0, 28).map_err(xl)?;
    }
    wb.save_to_buffer().map_err(xl)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_reads_fen_without_arithmetic_on_floats() {
        assert_eq!(yuan(123_456), 1234.56);
        assert_eq!(yuan(-5), -0.05);
        assert_eq!(yuan(0), 0.0);
    }
}
