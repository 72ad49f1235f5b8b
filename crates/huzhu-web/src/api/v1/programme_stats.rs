//! 帮扶统计 — the assistance programmes' figures of an org's subtree (SPEC 7.2–7.4 and 8, issue
//! 15): archived households by category, level and month, exits by reason, grants by programme,
//! org and month, campaigns; as JSON tables (the statistics page's shape) and as a workbook.

use super::stats::DashboardView;
use crate::api::{route, ApiQuery};
use crate::auth::Authenticated;
use crate::error::ErrorBody;
use crate::{org_code, ApiError, AppState};
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use chrono::NaiveDate;
use huzhu_app::programme_stats::{self, period_or_year_to_date};
use huzhu_app::stats::Dashboard;
use huzhu_app::Backend;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes<S: Backend>() -> OpenApiRouter<AppState<S>> {
    OpenApiRouter::new()
        .routes(route!(programme_figures::<S>))
        .routes(route!(programme_figures_xlsx::<S>))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ProgrammeStatsQuery {
    /// 组织代码 — the figures of this org's subtree; the actor's own organisation when absent.
    #[param(example = "LA", pattern = "^[A-Za-z0-9-]{1,32}$")]
    org: Option<String>,
    /// 起始日期 — exits and grants from this day; 1 January of `to`'s year when absent.
    #[param(example = "2026-01-01")]
    from: Option<NaiveDate>,
    /// 截止日期 — the archive as of this day, exits and grants up to it; today when absent.
    #[param(example = "2026-12-31")]
    to: Option<NaiveDate>,
}

async fn build<S: Backend>(
    state: &AppState<S>,
    actor: &huzhu_domain::access::Actor,
    q: &ProgrammeStatsQuery,
) -> Result<Dashboard, ApiError> {
    let org = q
        .org
        .as_deref()
        .map(|raw| org_code("org", raw))
        .transpose()?;
    let period = period_or_year_to_date(q.from, q.to, state.clock.today());
    let (d, _) = programme_stats::figures(&state.store, actor, org.as_ref(), period).await?;
    Ok(d)
}

/// 帮扶统计 — archived households by category, level and month, their people, exits by reason,
/// grants (person-times and amounts, approved and paid) by programme, org and month, and the
/// campaigns' progress, in an org's subtree for a period.
#[utoipa::path(
    get,
    path = "/api/v1/stats/programmes",
    tag = "stats",
    params(ProgrammeStatsQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the programmes' tables; `policy` holds the period", body = DashboardView),
        (status = BAD_REQUEST, description = "malformed org code or date, or `from` after `to`", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read the archive", body = ErrorBody),
        (status = NOT_FOUND, description = "no such org in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn programme_figures<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<ProgrammeStatsQuery>,
) -> Result<Json<DashboardView>, ApiError> {
    Ok(Json(DashboardView::of(build(&state, &actor, &q).await?)))
}

/// 帮扶统计导出 — the same tables as an Excel workbook: one sheet per table, sheet and column
/// names in Chinese, amounts in 元, words not codes.
#[utoipa::path(
    get,
    path = "/api/v1/stats/programmes.xlsx",
    tag = "stats",
    params(ProgrammeStatsQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the workbook, as an attachment", content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = BAD_REQUEST, description = "malformed org code or date, or `from` after `to`", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read the archive", body = ErrorBody),
        (status = NOT_FOUND, description = "no such org in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn programme_figures_xlsx<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<ProgrammeStatsQuery>,
) -> Result<Response, ApiError> {
    let d = build(&state, &actor, &q).await?;
    super::stats::workbook_response(&d, "programme-stats")
}
