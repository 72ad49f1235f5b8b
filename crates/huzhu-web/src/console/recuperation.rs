//! 疗休养 and 消费帮扶 in the console (SPEC 7.9, 7.10; docs/recuperation.md,
//! docs/procurement.md): the recuperation bases with today's state, the batches with their
//! places and spend, the figures by region and base (chart and Excel); the procurement report
//! with each org's share against its floor, the units below it and the catalogue.

use super::stats::{only_table, shown, ShownTable};
use super::{download, finish, page, Console, Ctx, PageError, PageResult, XLSX};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use chrono::{Datelike, NaiveDate};
use huzhu_app::model::{Base, CatalogueEntry, RecuperationBatch};
use huzhu_app::procurement::{self, ProcurementReport};
use huzhu_app::recuperation;
use huzhu_app::stats::{self, Dashboard};
use huzhu_app::Backend;
use serde::Deserialize;

pub fn routes<S: Backend>() -> Router<AppState<S>> {
    Router::new()
        .route("/recuperation", get(show::<S>))
        .route("/recuperation/export.xlsx", get(export::<S>))
        .route("/procurement", get(show_procurement::<S>))
        .route("/procurement/export.xlsx", get(export_procurement::<S>))
}

#[derive(Deserialize, Default)]
pub struct PeriodQuery {
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
#[template(path = "recuperation/index.html")]
struct RecuperationPage<'a> {
    c: &'a Ctx,
    bases: Vec<Base>,
    batches: Vec<RecuperationBatch>,
    d: Dashboard,
    from: NaiveDate,
    to: NaiveDate,
    tables: Vec<ShownTable>,
    query: String,
    export: &'static str,
}

use super::programme_stats::date;

async fn figures<S: Backend>(
    state: &AppState<S>,
    c: &Ctx,
    q: &PeriodQuery,
) -> Result<(Dashboard, NaiveDate, NaiveDate), PageError> {
    let actor = c.actor()?;
    let to = date("to", &q.to)?.unwrap_or_else(|| state.clock.today());
    let from = date("from", &q.from)?
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(to.year(), 1, 1).unwrap_or(to));
    let d = recuperation::figures(&state.store, actor, None, from, to).await?;
    Ok((d, from, to))
}

pub async fn show<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Query(q): Query<PeriodQuery>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let bases = recuperation::bases(&state.store, state.clock.as_ref(), actor).await?;
        let batches = recuperation::batches(&state.store, actor, None).await?;
        let (d, from, to) = figures(&state, &c, &q).await?;
        page(&RecuperationPage {
            c: &c,
            bases,
            batches,
            tables: shown(&c, &d),
            d,
            from,
            to,
            query: format!("from={from}&to={to}"),
            export: "/recuperation/export.xlsx",
        })
    }
    .await;
    finish(&c, r)
}

/// The recuperation figures (or one table) as an Excel workbook.
pub async fn export<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Query(q): Query<PeriodQuery>,
) -> Response {
    let r: PageResult = async {
        let (mut d, from, to) = figures(&state, &c, &q).await?;
        only_table(&mut d, &q.table)?;
        let bytes = stats::dashboard_xlsx(&d)?;
        Ok(download(
            bytes,
            XLSX,
            &format!("疗休养统计-{}-{from}至{to}.xlsx", d.org),
        ))
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct YearQuery {
    #[serde(default)]
    year: String,
    #[serde(default)]
    table: String,
}

#[derive(Template)]
#[template(path = "procurement/index.html")]
struct ProcurementPage<'a> {
    c: &'a Ctx,
    r: ProcurementReport,
    catalogue: Vec<CatalogueEntry>,
    tables: Vec<ShownTable>,
    query: String,
    export: &'static str,
}

fn year<S: Backend>(state: &AppState<S>, raw: &str) -> Result<i32, PageError> {
    match raw.trim() {
        "" => Ok(state.clock.today().year()),
        s => s
            .parse()
            .map_err(|_| PageError::invalid("year", format!("年份无效 (not a year): {s}"))),
    }
}

pub async fn show_procurement<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Query(q): Query<YearQuery>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let y = year(&state, &q.year)?;
        let r = procurement::report(&state.store, actor, None, y).await?;
        let catalogue = procurement::catalogue(&state.store, actor).await?;
        let d = procurement::dashboard(&r);
        page(&ProcurementPage {
            c: &c,
            tables: shown(&c, &d),
            query: format!("year={y}"),
            r,
            catalogue,
            export: "/procurement/export.xlsx",
        })
    }
    .await;
    finish(&c, r)
}

pub async fn export_procurement<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Query(q): Query<YearQuery>,
) -> Response {
    let r: PageResult = async {
        let actor = c.actor()?;
        let y = year(&state, &q.year)?;
        let r = procurement::report(&state.store, actor, None, y).await?;
        let mut d = procurement::dashboard(&r);
        only_table(&mut d, &q.table)?;
        let bytes = stats::dashboard_xlsx(&d)?;
        Ok(download(
            bytes,
            XLSX,
            &format!("消费帮扶-{}-{y}.xlsx", d.org),
        ))
    }
    .await;
    finish(&c, r)
}
