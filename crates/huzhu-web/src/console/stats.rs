//! 统计: a federation level's figures (SPEC section 8) for an organisation's subtree — members,
//! enrolments, claims and amounts by item, month, sub-organisation, disease group and gender —
//! as tables with charts, each exportable to Excel. The figures come from the maintained
//! aggregates (`huzhu_app::stats`), so the page stays fast at city scale.

use super::{download, finish, page, Console, Ctx, PageError, PageResult, XLSX};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use huzhu_app::stats::{self, ColumnKind, Dashboard, StatTable};
use huzhu_app::Backend;
use huzhu_domain::org::OrgCode;
use serde::Deserialize;

pub fn routes<S: Backend>() -> Router<AppState<S>> {
    Router::new()
        .route("/stats", get(show::<S>))
        .route("/stats/export.xlsx", get(export::<S>))
}

#[derive(Deserialize, Default)]
pub struct StatsQuery {
    #[serde(default)]
    org: String,
    /// A policy cycle id; empty for every cycle.
    #[serde(default)]
    cycle: String,
    /// One table only (export).
    #[serde(default)]
    table: String,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A table as the page shows it, with the chart drawn from it.
pub struct ShownTable {
    pub t: StatTable,
    /// The chart's JSON (for `<script type="application/json">`), `<` escaped.
    pub chart_json: Option<String>,
}

impl ShownTable {
    pub fn is_fen(&self, i: &usize) -> bool {
        self.t
            .columns
            .get(*i)
            .is_some_and(|c| c.kind == ColumnKind::Fen)
    }

    /// Whether column `i` is a rate in basis points (legal aid, issue 17).
    pub fn is_percent(&self, i: &usize) -> bool {
        self.t
            .columns
            .get(*i)
            .is_some_and(|c| c.kind == ColumnKind::Percent)
    }

    /// A rate in basis points as a percent with two decimals: 3333 → 33.33%.
    pub fn percent(&self, v: &i64) -> String {
        format!("{}.{:02}%", v / 100, (v % 100).abs())
    }
}

#[derive(Template)]
#[template(path = "stats/dashboard.html")]
struct StatsPage<'a> {
    c: &'a Ctx,
    d: Dashboard,
    tables: Vec<ShownTable>,
    orgs: Vec<Choice>,
    cycles: Vec<Choice>,
    query: String,
    export: &'static str,
}

/// Which chart suits a table: a pie for a split of a whole, a line over months, bars otherwise.
/// Every column is a series, with a legend naming it and its unit: amounts (元) on one axis and
/// counts on another when a table has both (救助发放 has person-times and amounts), rates on
/// their own when they are all the table has. A pie shows one series, the first amount column
/// if there is one, else the first count.
pub(super) fn chart_of(c: &Ctx, t: &StatTable) -> Option<String> {
    let rows: Vec<_> = t
        .rows
        .iter()
        .filter(|r| r.key != "total" && r.label != "合计")
        .collect();
    if rows.is_empty() || t.columns.is_empty() {
        return None;
    }
    let kind = if t.id.contains("month") {
        "line"
    } else if t.id.contains("gender") {
        "pie"
    } else {
        "bar"
    };
    let has = |k: ColumnKind| t.columns.iter().any(|c| c.kind == k);
    // The series: amounts first (the axis on the left), then counts; rates only alone.
    let mut series: Vec<usize> = Vec::new();
    for k in [ColumnKind::Fen, ColumnKind::Count] {
        series.extend((0..t.columns.len()).filter(|i| t.columns[*i].kind == k));
    }
    if series.is_empty() {
        series = (0..t.columns.len()).collect();
    }
    if kind == "pie" {
        series.truncate(1);
    }
    let unit = |k: ColumnKind| match k {
        ColumnKind::Fen => c.t("（元）", " (yuan)"),
        ColumnKind::Count => c.t("（数量）", " (number)"),
        ColumnKind::Percent => c.t("（%）", " (%)"),
    };
    let first_kind = t.columns[series[0]].kind;
    // An axis titled by its one series, or by its unit when it carries several.
    let axis_title = |k: ColumnKind| {
        let on: Vec<usize> = series
            .iter()
            .copied()
            .filter(|i| t.columns[*i].kind == k)
            .collect();
        match on.as_slice() {
            [one] => format!(
                "{}{}",
                c.t(t.columns[*one].label_zh, t.columns[*one].label_en),
                unit(k)
            ),
            _ => format!(
                "{}{}",
                match k {
                    ColumnKind::Fen => c.t("金额", "Amount"),
                    ColumnKind::Count => c.t("数目", "Count"),
                    ColumnKind::Percent => c.t("比率", "Rate"),
                },
                unit(k)
            ),
        }
    };
    let two_axes = kind != "pie" && first_kind == ColumnKind::Fen && has(ColumnKind::Count);
    let datasets: Vec<serde_json::Value> = series
        .iter()
        .map(|&i| {
            let column = &t.columns[i];
            let data: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    let v = r.values.get(i).copied().unwrap_or(0);
                    match column.kind {
                        // Display only: the chart's axis is in 元, the rate's in percent.
                        ColumnKind::Fen => serde_json::json!(v as f64 / 100.0),
                        ColumnKind::Percent => serde_json::json!(v as f64 / 100.0),
                        ColumnKind::Count => serde_json::json!(v),
                    }
                })
                .collect();
            let mut d = serde_json::json!({
                "label": format!("{}{}", c.t(column.label_zh, column.label_en), unit(column.kind)),
                "data": data,
            });
            if two_axes && column.kind != first_kind {
                d["yAxisID"] = serde_json::json!("y1");
            }
            d
        })
        .collect();
    let mut spec = serde_json::json!({
        "type": kind,
        "axis": axis_title(first_kind),
        "labels": rows.iter().map(|r| c.label(&r.label)).collect::<Vec<_>>(),
        "datasets": datasets,
    });
    if two_axes {
        spec["axis2"] = serde_json::json!(axis_title(ColumnKind::Count));
    }
    Some(spec.to_string().replace('<', "\\u003c"))
}

/// The organisations a statistics page may be asked about: the federation levels of the actor's
/// subtree (a unit's figures are its members' own page), and the actor's own org.
pub(super) async fn org_choices<S: Backend>(
    state: &AppState<S>,
    c: &Ctx,
    selected: &str,
) -> Result<Vec<Choice>, PageError> {
    let actor = c.actor()?;
    let scope = huzhu_app::access::orgs_in_scope(&state.store, actor, None).await?;
    Ok(scope
        .iter()
        .filter(|o| o.level as u8 <= 3 || o.code == actor.org)
        .take(300)
        .map(|o| Choice {
            value: o.code.to_string(),
            label: format!(
                "{}{} ({})",
                "　".repeat((o.level as usize).saturating_sub(1)),
                o.name,
                o.code
            ),
            selected: o.code.as_str() == selected,
        })
        .collect())
}

/// The dashboard's tables with their charts.
pub(super) fn shown(c: &Ctx, d: &Dashboard) -> Vec<ShownTable> {
    d.tables
        .iter()
        .map(|t| ShownTable {
            chart_json: chart_of(c, t),
            t: t.clone(),
        })
        .collect()
}

/// Keeps the one table asked for (`table` empty: all of them).
pub(super) fn only_table(d: &mut Dashboard, table: &str) -> Result<(), PageError> {
    if !table.is_empty() {
        d.tables.retain(|t| t.id == table);
        if d.tables.is_empty() {
            return Err(PageError::invalid(
                "table",
                format!("没有这个统计表 (no table {table})"),
            ));
        }
    }
    Ok(())
}

pub async fn show<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Query(q): Query<StatsQuery>,
) -> Response {
    let r = show_page(&state, &c, q).await;
    finish(&c, r)
}

async fn load<S: Backend>(
    state: &AppState<S>,
    c: &Ctx,
    q: &StatsQuery,
) -> Result<Dashboard, PageError> {
    let actor = c.actor()?;
    let org = match q.org.trim() {
        "" => actor.org.clone(),
        raw => OrgCode::parse(raw).map_err(|e| PageError::invalid("org", e.to_string()))?,
    };
    let cycle = Some(q.cycle.trim()).filter(|s| !s.is_empty());
    Ok(stats::dashboard(&state.store, actor, &org, cycle).await?)
}

async fn show_page<S: Backend>(state: &AppState<S>, c: &Ctx, q: StatsQuery) -> PageResult {
    let d = load(state, c, &q).await?;
    let orgs = org_choices(state, c, &d.org).await?;
    let mut cycles = vec![Choice {
        value: String::new(),
        label: c.t("全部年度", "Every cycle").to_string(),
        selected: d.policy.is_none(),
    }];
    for p in huzhu_app::policies::stored(&state.store).await? {
        cycles.push(Choice {
            selected: d.policy.as_deref() == Some(p.id.as_str()),
            label: c.policy(&p.id),
            value: p.id,
        });
    }
    let tables = shown(c, &d);
    let query = format!(
        "org={}&cycle={}",
        super::url_encode(&d.org),
        super::url_encode(d.policy.as_deref().unwrap_or(""))
    );
    page(&StatsPage {
        c,
        d,
        tables,
        orgs,
        cycles,
        query,
        export: "/stats/export.xlsx",
    })
}

/// The dashboard (or one table of it) as an Excel workbook, one sheet per table.
pub async fn export<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Query(q): Query<StatsQuery>,
) -> Response {
    let r = async {
        let mut d = load(&state, &c, &q).await?;
        only_table(&mut d, &q.table)?;
        let bytes = stats::dashboard_xlsx(&d)?;
        let name = format!(
            "统计-{}-{}{}.xlsx",
            d.org,
            d.policy.as_deref().unwrap_or("全部年度"),
            if q.table.is_empty() {
                String::new()
            } else {
                format!("-{}", q.table)
            }
        );
        Ok(download(bytes, XLSX, &name))
    }
    .await;
    finish(&c, r)
}
