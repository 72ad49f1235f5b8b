//! 数字工匠统计 — craftsman recognition's figures page (SPEC 7.8, issue 17): the calls of a year,
//! nominations by nominating union (district and industry unions) and by field, with those
//! refused, awarded and withdrawn; charts, and Excel like every statistics page.

use super::stats::{only_table, shown, ShownTable};
use super::{download, finish, page, Console, Ctx, PageError, PageResult, XLSX};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use chrono::Datelike;
use huzhu_app::recognition;
use huzhu_app::stats::{self, Dashboard};
use huzhu_app::Backend;
use serde::Deserialize;

pub fn routes<S: Backend>() -> Router<AppState<S>> {
    Router::new()
        .route("/stats/recognition", get(show::<S>))
        .route("/stats/recognition/export.xlsx", get(export::<S>))
}

#[derive(Deserialize, Default)]
pub struct YearQuery {
    /// Empty for this year.
    #[serde(default)]
    year: String,
    /// One table only (export).
    #[serde(default)]
    table: String,
}

#[derive(Template)]
#[template(path = "recognition/figures.html")]
struct FiguresPage<'a> {
    c: &'a Ctx,
    d: Dashboard,
    year: i32,
    tables: Vec<ShownTable>,
    query: String,
    export: &'static str,
}

async fn load<S: Backend>(
    state: &AppState<S>,
    c: &Ctx,
    q: &YearQuery,
) -> Result<(Dashboard, i32), PageError> {
    let actor = c.actor()?;
    let year = match q.year.trim() {
        "" => state.clock.today().year(),
        s => s
            .parse()
            .map_err(|_| PageError::invalid("year", format!("年份无效 (not a year): {s}")))?,
    };
    let name = c
        .org_names
        .get(actor.org.as_str())
        .cloned()
        .unwrap_or_default();
    Ok((
        recognition::figures(&state.store, actor, &name, year).await?,
        year,
    ))
}

pub async fn show<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Query(q): Query<YearQuery>,
) -> Response {
    let r = async {
        let (d, year) = load(&state, &c, &q).await?;
        page(&FiguresPage {
            c: &c,
            tables: shown(&c, &d),
            d,
            year,
            query: format!("year={year}"),
            export: "/stats/recognition/export.xlsx",
        })
    }
    .await;
    finish(&c, r)
}

pub async fn export<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Query(q): Query<YearQuery>,
) -> Response {
    let r: PageResult = async {
        let (mut d, year) = load(&state, &c, &q).await?;
        only_table(&mut d, &q.table)?;
        let bytes = stats::dashboard_xlsx(&d)?;
        Ok(download(
            bytes,
            XLSX,
            &format!("数字工匠统计-{}-{year}.xlsx", d.org),
        ))
    }
    .await;
    finish(&c, r)
}
