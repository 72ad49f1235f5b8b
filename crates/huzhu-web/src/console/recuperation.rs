//! 疗休养 in the console (SPEC 7.9; docs/recuperation.md): the bases with today's state, the
//! batches with their places and spend, the figures by region and base (chart and Excel); for
//! federation staff the forms that admit a base, renew or remove it, schedule a batch with its
//! unit quotas and record its spend; for offices a batch's page that signs a member up and
//! cancels a sign-up. Every refusal (a full batch, a member who went within two years, a lapsed
//! base) comes back as the app's 409 page naming the reason.

use super::archive::{fen, record_id};
use super::stats::{only_table, shown, ShownTable};
use super::{download, finish, page, redirect, Console, Ctx, PageError, PageResult, XLSX};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{Datelike, NaiveDate};
use huzhu_app::model::{Base, Quota, RecuperationBatch, SignUp, Spend};
use huzhu_app::recuperation::{self, AdmitBase, NewBatchInput};
use huzhu_app::stats::{self, Dashboard};
use huzhu_app::Backend;
use huzhu_domain::access::Capability;
use huzhu_domain::recuperation::{BaseState, BaseStep};
use serde::Deserialize;

pub fn routes<S: Backend>() -> Router<AppState<S>> {
    Router::new()
        .route("/recuperation", get(show::<S>))
        .route("/recuperation/export.xlsx", get(export::<S>))
        .route("/recuperation/bases", post(admit::<S>))
        .route("/recuperation/bases/{id}/review", post(review::<S>))
        .route("/recuperation/batches", post(create_batch::<S>))
        .route("/recuperation/batches/{id}", get(batch::<S>))
        .route("/recuperation/batches/{id}/sign-up", post(sign_up::<S>))
        .route("/recuperation/batches/{id}/spend", post(spend::<S>))
        .route("/recuperation/sign-ups/{id}/cancel", post(cancel::<S>))
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
    /// The admitted bases (a batch is scheduled only at one of them).
    open_bases: Vec<(i64, String)>,
    batches: Vec<RecuperationBatch>,
    /// Federation staff: admit, review, schedule, record spend.
    is_federation: bool,
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
            open_bases: bases
                .iter()
                .filter(|b| b.state == BaseState::Admitted)
                .map(|b| (b.id, format!("{}（{}）", b.name, b.region)))
                .collect(),
            bases,
            batches,
            is_federation: actor.can(Capability::ApproveClaims),
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
pub struct BaseForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    region: String,
    /// `on` when ticked.
    #[serde(default)]
    partner_region: String,
    /// Percent off the list price.
    #[serde(default)]
    discount: String,
    /// Empty for today.
    #[serde(default)]
    admitted_on: String,
}

/// 基地认定 — admits a base (at least 20% off; due for review two years on).
pub async fn admit<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Form(f): Form<BaseForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        recuperation::admit_base(
            &state.store,
            state.clock.as_ref(),
            actor,
            AdmitBase {
                name: f.name,
                region: f.region,
                partner_region: !f.partner_region.trim().is_empty(),
                discount_bp: super::procurement::percent_bp("discount", &f.discount)?,
                admitted_on: date("admitted_on", &f.admitted_on)?,
            },
        )
        .await?;
        Ok(redirect("/recuperation"))
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct ReviewForm {
    /// `renew` or `remove`.
    #[serde(default)]
    step: String,
    #[serde(default)]
    reason: String,
}

/// 复审 — renews a base for two more years or removes it, with the reason.
pub async fn review<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
    Form(f): Form<ReviewForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let id = record_id(&id)?;
        let step = BaseStep::parse(&f.step).ok_or_else(|| {
            PageError::invalid("step", "请选择续期或撤销 (choose renew or remove)")
        })?;
        recuperation::review_base(
            &state.store,
            state.clock.as_ref(),
            actor,
            id,
            step,
            &f.reason,
        )
        .await?;
        Ok(redirect("/recuperation"))
    }
    .await;
    finish(&c, r)
}

/// Unit quotas typed one a line, `单位代码 名额` (`LA-01-001 5`, `LA-01-001：5`).
fn quotas(raw: &str) -> Result<Vec<(String, i64)>, PageError> {
    let mut out = Vec::new();
    for (n, line) in raw.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let mut parts = line
            .split(|c: char| c.is_whitespace() || matches!(c, ':' | '：' | ',' | '，'))
            .filter(|p| !p.is_empty());
        let bad = || {
            PageError::invalid(
                "quotas",
                format!(
                    "名额第{}行应为“单位代码 名额”，如 LA-01-001 5 (quota line {} is a unit code and a number, like LA-01-001 5): {line}",
                    n + 1,
                    n + 1
                ),
            )
        };
        let (Some(code), Some(q), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        out.push((code.to_string(), q.parse().map_err(|_| bad())?));
    }
    Ok(out)
}

#[derive(Deserialize, Default)]
pub struct BatchForm {
    #[serde(default)]
    base_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    start_on: String,
    #[serde(default)]
    end_on: String,
    #[serde(default)]
    capacity: String,
    #[serde(default)]
    quotas: String,
}

fn required_date(field: &str, raw: &str) -> Result<NaiveDate, PageError> {
    date(field, raw)?
        .ok_or_else(|| PageError::invalid(field, format!("{field} 不能为空 ({field} is required)")))
}

/// 安排批次 — a batch at an admitted base, with its places and unit quotas.
pub async fn create_batch<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Form(f): Form<BatchForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let base_id = f
            .base_id
            .trim()
            .parse()
            .map_err(|_| PageError::invalid("base_id", "请选择基地 (choose a base)"))?;
        let capacity = f.capacity.trim().parse().map_err(|_| {
            PageError::invalid("capacity", "名额应为整数 (the places are a whole number)")
        })?;
        let b = recuperation::create_batch(
            &state.store,
            state.clock.as_ref(),
            actor,
            NewBatchInput {
                base_id,
                name: f.name,
                start_on: required_date("start_on", &f.start_on)?,
                end_on: required_date("end_on", &f.end_on)?,
                capacity,
                quotas: quotas(&f.quotas)?,
            },
        )
        .await?;
        Ok(redirect(&format!("/recuperation/batches/{}", b.id)))
    }
    .await;
    finish(&c, r)
}

#[derive(Template)]
#[template(path = "recuperation/batch.html")]
struct BatchPage<'a> {
    c: &'a Ctx,
    t: RecuperationBatch,
    quotas: Vec<Quota>,
    sign_ups: Vec<SignUp>,
    is_federation: bool,
    /// Sign-ups close the day the batch starts.
    open: bool,
}

pub async fn batch<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let id = record_id(&id)?;
        let mut t = recuperation::batch(&state.store, actor, id).await?;
        let sign_ups = recuperation::sign_ups(&state.store, actor, id).await?;
        page(&BatchPage {
            c: &c,
            quotas: std::mem::take(&mut t.quotas),
            open: state.clock.today() < t.start_on,
            t,
            sign_ups,
            is_federation: actor.can(Capability::ApproveClaims),
        })
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct SignUpForm {
    #[serde(default)]
    member_id: String,
}

/// 报名 — signs a member of the actor's subtree up (in service, once in two years, within the
/// unit's quota and the batch's places).
pub async fn sign_up<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
    Form(f): Form<SignUpForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let id = record_id(&id)?;
        let member = f.member_id.trim().parse().map_err(|_| {
            PageError::invalid("member_id", "会员编号应为数字 (the member id is a number)")
        })?;
        recuperation::sign_up(&state.store, state.clock.as_ref(), actor, id, member).await?;
        Ok(redirect(&format!("/recuperation/batches/{id}")))
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct CancelForm {
    #[serde(default)]
    reason: String,
}

/// 取消报名 — frees the place, with the reason.
pub async fn cancel<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
    Form(f): Form<CancelForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let id = record_id(&id)?;
        let s =
            recuperation::cancel_sign_up(&state.store, state.clock.as_ref(), actor, id, &f.reason)
                .await?;
        Ok(redirect(&format!("/recuperation/batches/{}", s.batch_id)))
    }
    .await;
    finish(&c, r)
}

#[derive(Deserialize, Default)]
pub struct SpendForm {
    /// 元
    #[serde(default)]
    lodging: String,
    #[serde(default)]
    transport: String,
    #[serde(default)]
    purchases: String,
}

/// 记录支出 — the batch's lodging, transport and local purchases, in yuan.
pub async fn spend<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
    Form(f): Form<SpendForm>,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let id = record_id(&id)?;
        recuperation::record_spend(
            &state.store,
            state.clock.as_ref(),
            actor,
            id,
            Spend {
                lodging_fen: fen("lodging", &f.lodging)?,
                transport_fen: fen("transport", &f.transport)?,
                purchases_fen: fen("purchases", &f.purchases)?,
            },
        )
        .await?;
        Ok(redirect(&format!("/recuperation/batches/{id}")))
    }
    .await;
    finish(&c, r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotas_are_read_one_unit_a_line() {
        let q = quotas("LA-01-001 5\n\n  LA-01-002：3 \r\n").ok();
        assert_eq!(
            q,
            Some(vec![("LA-01-001".into(), 5), ("LA-01-002".into(), 3)])
        );
        assert!(quotas("LA-01-001").is_err());
        assert!(quotas("LA-01-001 five").is_err());
        assert!(quotas("LA-01-001 5 6").is_err());
    }
}
