//! 基金公示 — the public fund report page `/fund-report?cycle=2022` (issue 18), readable without
//! signing in, printable, with its workbook at `/fund-report.xlsx?cycle=2022`. Everything on it
//! is a total or masked (`huzhu_domain::fund_report`); the figures are `huzhu report fund`'s.

use super::{finish, page, PageError, Visitor};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use chrono::Datelike;
use huzhu_app::fund_report::{parse_cycle, report};
use huzhu_app::Backend;
use huzhu_domain::fund_report::FundReport;
use serde::Deserialize;

use super::Ctx;

pub fn routes<S: Backend>() -> Router<AppState<S>> {
    Router::new()
        .route("/fund-report", get(public::<S>))
        .route("/fund-report.xlsx", get(workbook::<S>))
}

#[derive(Deserialize)]
struct CycleQuery {
    cycle: Option<String>,
}

#[derive(Template)]
#[template(path = "fund_report/public.html")]
struct PublicPage<'a> {
    c: &'a Ctx,
    r: FundReport,
    /// Years offered in the chooser: those of the stored policies, newest first.
    years: Vec<i32>,
}

/// The stored policies' cycle years, newest first; the default cycle is the newest.
async fn years<S: Backend>(state: &AppState<S>) -> Result<Vec<i32>, PageError> {
    let mut years: Vec<i32> = huzhu_app::policies::stored(&state.store)
        .await
        .map_err(crate::ApiError::from)?
        .into_iter()
        .map(|p| p.cycle_start.year())
        .collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    Ok(years)
}

async fn chosen<S: Backend>(
    state: &AppState<S>,
    c: &Ctx,
    q: &CycleQuery,
) -> Result<(i32, Vec<i32>), PageError> {
    let years = years(state).await?;
    let year = match q.cycle.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(raw) => parse_cycle(raw).map_err(crate::ApiError::from)?,
        None => years.first().copied().unwrap_or(c.today.year()),
    };
    Ok((year, years))
}

async fn public<S: Backend>(
    State(state): State<AppState<S>>,
    Visitor(c): Visitor,
    Query(q): Query<CycleQuery>,
) -> Response {
    let r = async {
        let (year, years) = chosen(&state, &c, &q).await?;
        let r = report(&state.store, state.clock.as_ref(), year)
            .await
            .map_err(crate::ApiError::from)?;
        page(&PublicPage { c: &c, r, years })
    }
    .await;
    finish(&c, r)
}

async fn workbook<S: Backend>(
    State(state): State<AppState<S>>,
    Visitor(c): Visitor,
    Query(q): Query<CycleQuery>,
) -> Response {
    let r = async {
        let (year, _) = chosen(&state, &c, &q).await?;
        let r = report(&state.store, state.clock.as_ref(), year)
            .await
            .map_err(crate::ApiError::from)?;
        Ok(crate::api::v1::fund_report::workbook(&r)?)
    }
    .await;
    finish(&c, r)
}
