//! 统计 — the dashboard's figures of an org's subtree (SPEC section 8) as JSON tables, and the
//! same tables as an Excel workbook. Read from the maintained aggregates (docs/statistics.md).

use crate::api::{route, ApiQuery};
use crate::auth::Authenticated;
use crate::error::ErrorBody;
use crate::{org_code, ApiError, AppState};
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use axum::Json;
use huzhu_app::stats::{self, ColumnKind, Dashboard};
use huzhu_app::Backend;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes<S: Backend>() -> OpenApiRouter<AppState<S>> {
    OpenApiRouter::new()
        .routes(route!(dashboard::<S>))
        .routes(route!(dashboard_xlsx::<S>))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct StatsQuery {
    /// 组织代码 — the figures of this org's subtree; the actor's own organisation when absent.
    #[param(example = "LA", pattern = "^[A-Za-z0-9-]{1,32}$")]
    org: Option<String>,
    /// 保障期 — a policy cycle id (`hangzhou-2022`); every cycle when absent.
    #[param(example = "hangzhou-2022")]
    cycle: Option<String>,
}

/// A column of a table.
#[derive(Serialize, ToSchema)]
pub struct ColumnView {
    #[schema(example = "paid_fen")]
    pub key: &'static str,
    pub label_zh: &'static str,
    pub label_en: &'static str,
    /// `count`, or `fen` (an amount in fen).
    #[schema(example = "fen")]
    pub kind: &'static str,
}

/// A labelled row; `values[i]` is under `columns[i]`.
#[derive(Serialize, ToSchema)]
pub struct RowView {
    pub key: String,
    pub label: String,
    pub values: Vec<i64>,
}

/// A titled table.
#[derive(Serialize, ToSchema)]
pub struct TableView {
    #[schema(example = "claims_by_month")]
    pub id: &'static str,
    pub title_zh: &'static str,
    pub title_en: &'static str,
    pub columns: Vec<ColumnView>,
    pub rows: Vec<RowView>,
}

/// 统计 — the figures of an org's subtree.
#[derive(Serialize, ToSchema)]
pub struct DashboardView {
    pub org: String,
    pub org_name: String,
    pub policy: Option<String>,
    pub tables: Vec<TableView>,
}

impl DashboardView {
    pub(super) fn of(d: Dashboard) -> DashboardView {
        let Dashboard {
            org,
            org_name,
            policy,
            tables,
        } = d;
        DashboardView {
            org,
            org_name,
            policy,
            tables: tables
                .into_iter()
                .map(|t| TableView {
                    id: t.id,
                    title_zh: t.title_zh,
                    title_en: t.title_en,
                    columns: t
                        .columns
                        .into_iter()
                        .map(|c| ColumnView {
                            key: c.key,
                            label_zh: c.label_zh,
                            label_en: c.label_en,
                            kind: match c.kind {
                                ColumnKind::Count => "count",
                                ColumnKind::Fen => "fen",
                                ColumnKind::Percent => "percent",
                            },
                        })
                        .collect(),
                    rows: t
                        .rows
                        .into_iter()
                        .map(|r| RowView {
                            key: r.key,
                            label: r.label,
                            values: r.values,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

async fn build<S: Backend>(
    state: &AppState<S>,
    actor: &huzhu_domain::access::Actor,
    q: &StatsQuery,
) -> Result<Dashboard, ApiError> {
    let org = match &q.org {
        Some(raw) => org_code("org", raw)?,
        None => actor.org.clone(),
    };
    Ok(stats::dashboard(&state.store, actor, &org, q.cycle.as_deref()).await?)
}

/// 统计 — members, enrolments and claims of an org's subtree, by status, gender, item, month,
/// sub-organisation and disease group.
#[utoipa::path(
    get,
    path = "/api/v1/stats",
    tag = "stats",
    params(StatsQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the dashboard's tables", body = DashboardView),
        (status = BAD_REQUEST, description = "malformed org code", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read members", body = ErrorBody),
        (status = NOT_FOUND, description = "no such org in scope, or no such cycle", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn dashboard<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<StatsQuery>,
) -> Result<Json<DashboardView>, ApiError> {
    Ok(Json(DashboardView::of(build(&state, &actor, &q).await?)))
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// 统计导出 — the same tables as an Excel workbook, one sheet per table, amounts in 元.
#[utoipa::path(
    get,
    path = "/api/v1/stats.xlsx",
    tag = "stats",
    params(StatsQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the workbook, as an attachment", content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = BAD_REQUEST, description = "malformed org code", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read members", body = ErrorBody),
        (status = NOT_FOUND, description = "no such org in scope, or no such cycle", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn dashboard_xlsx<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<StatsQuery>,
) -> Result<Response, ApiError> {
    let d = build(&state, &actor, &q).await?;
    workbook_response(&d, "stats")
}

/// The statistics tables as a downloaded workbook named `{prefix}-{org}.xlsx`.
pub(super) fn workbook_response(
    d: &huzhu_app::stats::Dashboard,
    prefix: &str,
) -> Result<Response, ApiError> {
    let bytes = stats::dashboard_xlsx(d)?;
    let disposition =
        HeaderValue::from_str(&format!("attachment; filename=\"{prefix}-{}.xlsx\"", d.org))
            .unwrap_or(HeaderValue::from_static("attachment"));
    Ok((
        [
            (CONTENT_TYPE, HeaderValue::from_static(XLSX)),
            (CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}
