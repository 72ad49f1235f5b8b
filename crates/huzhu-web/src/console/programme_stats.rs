//! 帮扶统计 — the assistance programmes' figures (SPEC 7.2–7.4 and 8, issue 15) of an
//! organisation's subtree for a period: archived households by category, level and month, their
//! people, exits by reason, grants by programme, org and month (person-times and amounts), the
//! campaigns' progress; drawn and exported like the statistics page (`console::stats`).

use super::stats::{only_table, org_choices, shown, Choice, ShownTable};
use super::{download, finish, page, Console, Ctx, PageError, PageResult, XLSX};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use chrono::NaiveDate;
use huzhu_app::programme_stats::{self, period_or_year_to_date, Period};
use huzhu_app::stats::{self, Dashboard};
use huzhu_app::Backend;
use huzhu_domain::org::OrgCode;
use serde::Deserialize;

pub fn routes<S: Backend>() -> Router<AppState<S>> {
    Router::new()
        .route("/stats/programmes", get(show::<S>))
        .route("/stats/programmes/export.xlsx", get(export::<S>))
}

#[derive(Deserialize, Default)]
pub struct ProgrammeStatsQuery {
    #[serde(default)]
    org: String,
    /// `YYYY-MM-DD`; empty for 1 January of the end's year.
    #[serde(default)]
    from: String,
    /// `YYYY-MM-DD`; empty for today.
    #[serde(default)]
    to: String,
    /// One table only (export).
    #[serde(default)]
    table: String,
}

#[derive(Template)]
#[template(path = "stats/programmes.html")]
struct ProgrammeStatsPage<'a> {
    c: &'a Ctx,
    d: Dashboard,
    period: Period,
    tables: Vec<ShownTable>,
    orgs: Vec<Choice>,
    query: String,
    export: &'static str,
}

/// An optional date field of a form: blank is `None`, anything else must be `YYYY-MM-DD`.
pub(super) fn date(field: &str, raw: &str) -> Result<Option<NaiveDate>, PageError> {
    match raw.trim() {
        "" => Ok(None),
        s => s.parse().map(Some).map_err(|_| {
            PageError::invalid(
                field,
                format!("日期格式应为 YYYY-MM-DD (a date is YYYY-MM-DD): {s}"),
            )
        }),
    }
}

async fn load<S: Backend>(
    state: &AppState<S>,
    c: &Ctx,
    q: &ProgrammeStatsQuery,
) -> Result<(Dashboard, Period), PageError> {
    let actor = c.actor()?;
    let org = match q.org.trim() {
        "" => None,
        raw => Some(OrgCode::parse(raw).map_err(|e| PageError::invalid("org", e.to_string()))?),
    };
    let period = period_or_year_to_date(
        date("from", &q.from)?,
        date("to", &q.to)?,
        state.clock.today(),
    );
    let (d, _) = programme_stats::figures(&state.store, actor, org.as_ref(), period).await?;
    Ok((d, period))
}

pub async fn show<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Query(q): Query<ProgrammeStatsQuery>,
) -> Response {
    let r = async {
        let (d, period) = load(&state, &c, &q).await?;
        let orgs = org_choices(&state, &c, &d.org).await?;
        let query = format!(
            "org={}&from={}&to={}",
            super::url_encode(&d.org),
            period.from,
            period.to
        );
        page(&ProgrammeStatsPage {
            c: &c,
            tables: shown(&c, &d),
            d,
            period,
            orgs,
            query,
            export: "/stats/programmes/export.xlsx",
        })
    }
    .await;
    finish(&c, r)
}

/// The programmes' tables (or one of them) as an Excel workbook, one sheet per table.
pub async fn export<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Query(q): Query<ProgrammeStatsQuery>,
) -> Response {
    let r: PageResult = async {
        let (mut d, period) = load(&state, &c, &q).await?;
        only_table(&mut d, &q.table)?;
        let bytes = stats::dashboard_xlsx(&d)?;
        let name = format!(
            "帮扶统计-{}-{}至{}{}.xlsx",
            d.org,
            period.from,
            period.to,
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
