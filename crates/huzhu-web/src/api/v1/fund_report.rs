//! 基金公示 — the public fund report of a mutual-aid cycle (issue 18), for anyone, no sign-in:
//! contributions, claims paid by item and month, the fund's balance and the payees with masked
//! names and ID numbers (units with fewer than five payees by totals only). The same figures as
//! `huzhu report fund --cycle` and the page `/fund-report`.

use crate::api::{route, ApiQuery};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use axum::Json;
use huzhu_app::fund_report::{parse_cycle, report, report_xlsx};
use huzhu_app::Backend;
use huzhu_domain::fund_report::FundReport;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes<S: Backend>() -> OpenApiRouter<AppState<S>> {
    OpenApiRouter::new()
        .routes(route!(fund_report::<S>))
        .routes(route!(fund_report_xlsx::<S>))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct CycleQuery {
    /// 年度 — the policies whose cycle starts in this year.
    #[param(example = "2022", pattern = "^(20[0-9]{2}|2100)$")]
    cycle: String,
}

/// 基金公示 (public, no sign-in) — the fund report of a cycle.
#[utoipa::path(
    get,
    path = "/api/v1/public/fund-report",
    tag = "ledger",
    params(CycleQuery),
    responses(
        (status = OK, description = "the report: totals, by item, by month, masked payees", body = FundReport),
        (status = BAD_REQUEST, description = "the cycle is not a year from 2000 to 2100", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn fund_report<S: Backend>(
    State(state): State<AppState<S>>,
    ApiQuery(q): ApiQuery<CycleQuery>,
) -> Result<Json<FundReport>, ApiError> {
    let year = parse_cycle(&q.cycle)?;
    Ok(Json(
        report(&state.store, state.clock.as_ref(), year).await?,
    ))
}

/// 基金公示导出 (public, no sign-in) — the same report as a workbook.
#[utoipa::path(
    get,
    path = "/api/v1/public/fund-report.xlsx",
    tag = "ledger",
    params(CycleQuery),
    responses(
        (status = OK, description = "the workbook, as an attachment", content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = BAD_REQUEST, description = "the cycle is not a year from 2000 to 2100", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn fund_report_xlsx<S: Backend>(
    State(state): State<AppState<S>>,
    ApiQuery(q): ApiQuery<CycleQuery>,
) -> Result<Response, ApiError> {
    let year = parse_cycle(&q.cycle)?;
    let r = report(&state.store, state.clock.as_ref(), year).await?;
    workbook(&r)
}

/// The report's workbook as an attachment named by its cycle.
pub(crate) fn workbook(r: &FundReport) -> Result<Response, ApiError> {
    let bytes = report_xlsx(r)?;
    let disposition = HeaderValue::from_str(&format!(
        "attachment; filename=\"fund-report-{}.xlsx\"",
        r.cycle
    ))
    .unwrap_or(HeaderValue::from_static("attachment"));
    Ok((
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static(
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
            ),
            (CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}
