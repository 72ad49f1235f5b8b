//! 帮扶统计 — the assistance programmes' figures (SPEC 7.2–7.4 and 8, issue 15) for an org's
//! subtree: the hardship archive as of a date and month by month, exits by reason, the people of
//! archived households, grants by programme, org and month, and the campaigns' progress. The
//! scope goes to the store as a value; the tables reuse the statistics page's shape, so the
//! console draws them and [`crate::stats::dashboard_xlsx`] exports them. docs/statistics.md.

use crate::access::read_scope;
use crate::stats::{Column, ColumnKind, Dashboard, StatRow, StatTable};
use crate::AppError;
use chrono::{Datelike, NaiveDate};
use huzhu_domain::access::{Actor, Capability};
use huzhu_domain::archive::{ExitReason, Level};
use huzhu_domain::org::OrgCode;
use huzhu_store::Repo;
use std::collections::BTreeMap;

pub use huzhu_store::stats::programmes::{CampaignProgress, GrantFigures, Period, ProgrammeStats};

const fn col(
    key: &'static str,
    label_zh: &'static str,
    label_en: &'static str,
    kind: ColumnKind,
) -> Column {
    Column {
        key,
        label_zh,
        label_en,
        kind,
    }
}

const HOUSEHOLDS: Column = col("households", "户数", "Households", ColumnKind::Count);

const GRANT_COLUMNS: [Column; 4] = [
    col(
        "approved",
        "批准人次",
        "Approved (person-times)",
        ColumnKind::Count,
    ),
    col(
        "approved_fen",
        "批准金额",
        "Approved amount",
        ColumnKind::Fen,
    ),
    col("paid", "发放人次", "Paid (person-times)", ColumnKind::Count),
    col("paid_fen", "发放金额", "Paid amount", ColumnKind::Fen),
];

/// 深度困难 / 相对困难 / 意外致困, the code when unknown.
pub fn category_label(code: &str) -> String {
    match code {
        "deep" => "深度困难".into(),
        "relative" => "相对困难".into(),
        "accident" => "意外致困".into(),
        "none" => "未定".into(),
        other => other.into(),
    }
}

fn level_label(code: &str) -> String {
    Level::parse(code).map_or_else(|| "未定级".into(), |l| l.label_zh().into())
}

fn exit_label(code: &str) -> String {
    ExitReason::parse(code).map_or_else(|| code.into(), |r| r.label_zh().into())
}

/// 爱心透析 and the others by their Chinese names; an unknown programme by its id.
pub fn programme_label(id: &str) -> String {
    let zh = match id {
        "hardship-archive" => "困难职工档案",
        "dialysis-relief" => "爱心透析",
        "major-illness-relief" => "病种+费用救助",
        "golden-autumn" => "金秋助学",
        "one-off-relief" => "临时救助",
        "two-festivals-2026" => "两节送温暖 2026",
        _ => return id.into(),
    };
    zh.into()
}

fn counts(map: &BTreeMap<String, i64>, label: fn(&str) -> String) -> Vec<StatRow> {
    map.iter()
        .map(|(k, n)| StatRow {
            key: k.clone(),
            label: label(k),
            values: vec![*n],
        })
        .collect()
}

fn grant_row(key: String, label: String, f: &GrantFigures) -> StatRow {
    StatRow {
        key,
        label,
        values: vec![f.approved, f.approved_fen, f.paid, f.paid_fen],
    }
}

fn table(
    id: &'static str,
    title_zh: &'static str,
    title_en: &'static str,
    columns: Vec<Column>,
    rows: Vec<StatRow>,
) -> StatTable {
    StatTable {
        id,
        title_zh,
        title_en,
        columns,
        rows,
    }
}

/// The figures as tables: a pure function of the store's figures.
pub fn tables(s: &ProgrammeStats) -> Vec<StatTable> {
    const CATEGORIES: [&str; 3] = ["deep", "relative", "accident"];
    let by_month = s
        .archived_by_month
        .iter()
        .map(|(m, c)| StatRow {
            key: m.clone(),
            label: m.clone(),
            values: CATEGORIES
                .iter()
                .map(|k| c.get(*k).copied().unwrap_or(0))
                .collect(),
        })
        .collect();
    let people = vec![
        StatRow {
            key: "archived".into(),
            label: "在档户人口".into(),
            values: vec![s.archived_people],
        },
        StatRow {
            key: "exited".into(),
            label: "脱档户人口".into(),
            values: vec![s.exited_people],
        },
    ];
    let campaigns = s
        .campaigns
        .iter()
        .map(|c| StatRow {
            key: c.programme_id.clone(),
            label: c.name.clone(),
            values: vec![
                c.listed,
                c.visited,
                c.cash_granted_fen,
                c.gift_packs,
                c.gift_packs_handed,
            ],
        })
        .collect();
    vec![
        table(
            "archive_by_category",
            "在档困难户（按类别）",
            "Archived households by category",
            vec![HOUSEHOLDS],
            counts(&s.archived_by_category, category_label),
        ),
        table(
            "archive_by_level",
            "在档困难户（按级别）",
            "Archived households by level",
            vec![HOUSEHOLDS],
            counts(&s.archived_by_level, level_label),
        ),
        table(
            "archive_by_month",
            "在档困难户（按月）",
            "Archived households by month",
            vec![
                col("deep", "深度困难", "Deep hardship", ColumnKind::Count),
                col(
                    "relative",
                    "相对困难",
                    "Relative hardship",
                    ColumnKind::Count,
                ),
                col("accident", "意外致困", "Accident", ColumnKind::Count),
            ],
            by_month,
        ),
        table(
            "archive_people",
            "供养人口",
            "People of the households",
            vec![col("people", "人数", "People", ColumnKind::Count)],
            people,
        ),
        table(
            "exits_by_reason",
            "退出档案（按原因）",
            "Exits by reason",
            vec![HOUSEHOLDS],
            counts(&s.exits_by_reason, exit_label),
        ),
        table(
            "grants_by_programme",
            "救助发放（按项目）",
            "Grants by programme",
            GRANT_COLUMNS.to_vec(),
            s.grants_by_programme
                .iter()
                .map(|(p, f)| grant_row(p.clone(), programme_label(p), f))
                .collect(),
        ),
        table(
            "grants_by_org",
            "救助发放（按单位）",
            "Grants by organisation",
            GRANT_COLUMNS.to_vec(),
            s.grants_by_org
                .iter()
                .map(|((code, name), f)| grant_row(code.clone(), format!("{name}（{code}）"), f))
                .collect(),
        ),
        table(
            "grants_by_month",
            "救助发放（按月）",
            "Grants by month",
            GRANT_COLUMNS.to_vec(),
            s.grants_by_month
                .iter()
                .map(|(m, f)| grant_row(m.clone(), m.clone(), f))
                .collect(),
        ),
        table(
            "campaigns",
            "送温暖活动进度",
            "Campaign progress",
            vec![
                col("listed", "名单人数", "Listed", ColumnKind::Count),
                col("visited", "已走访", "Visited", ColumnKind::Count),
                col("cash_fen", "慰问金", "Cash granted", ColumnKind::Fen),
                col(
                    "gift_packs",
                    "慰问品（份）",
                    "Gift packs",
                    ColumnKind::Count,
                ),
                col(
                    "gift_handed",
                    "已发放慰问品",
                    "Gift packs handed",
                    ColumnKind::Count,
                ),
            ],
            campaigns,
        ),
    ]
}

/// The period asked about when the caller names none or only one end: up to `today`, from the
/// first of January of the end's year (the year so far) `[choice]`.
pub fn period_or_year_to_date(
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    today: NaiveDate,
) -> Period {
    let to = to.unwrap_or(today);
    let from = from.unwrap_or_else(|| NaiveDate::from_ymd_opt(to.year(), 1, 1).unwrap_or(to));
    Period { from, to }
}

/// The programmes' figures of `org`'s subtree (the actor's own org when `None`) for `period`:
/// the actor must read the archive and `org` must lie in their subtree (else not found).
pub async fn figures<S: Repo>(
    store: &S,
    actor: &Actor,
    org: Option<&OrgCode>,
    period: Period,
) -> Result<(Dashboard, ProgrammeStats), AppError> {
    if period.from > period.to {
        return Err(AppError::Invalid {
            field: "from".into(),
            message: "起始日期晚于截止日期 (the start date is after the end date)".into(),
        });
    }
    let scope = read_scope(store, actor, Capability::ReadArchive, org).await?;
    let code = org.unwrap_or(&actor.org);
    let org_name = huzhu_store::Store::org(store, code).await?.name;
    let stats = store.programme_stats(&scope, period).await?;
    Ok((
        Dashboard {
            org: code.to_string(),
            org_name,
            policy: Some(format!("{} – {}", period.from, period.to)),
            tables: tables(&stats),
        },
        stats,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_show_words_not_codes_and_keep_fen() {
        let mut s = ProgrammeStats::default();
        s.archived_by_category.insert("deep".into(), 3);
        s.archived_by_level.insert("city_county".into(), 3);
        s.exits_by_reason.insert("retired".into(), 1);
        s.grants_by_programme.insert(
            "dialysis-relief".into(),
            GrantFigures {
                approved: 2,
                approved_fen: 900_000,
                paid: 1,
                paid_fen: 450_000,
            },
        );
        let t = tables(&s);
        let row = |id: &str| {
            t.iter()
                .find(|t| t.id == id)
                .and_then(|t| t.rows.first())
                .cloned()
        };
        assert_eq!(
            row("archive_by_category").map(|r| r.label),
            Some("深度困难".into())
        );
        assert_eq!(
            row("archive_by_level").map(|r| r.label),
            Some("市县级".into())
        );
        assert_eq!(row("exits_by_reason").map(|r| r.label), Some("退休".into()));
        let g = row("grants_by_programme");
        assert_eq!(g.as_ref().map(|r| r.label.as_str()), Some("爱心透析"));
        assert_eq!(g.map(|r| r.values), Some(vec![2, 900_000, 1, 450_000]));
    }
}
