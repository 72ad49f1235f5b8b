//! 消费帮扶 — consumption-poverty procurement (SPEC 7.10; docs/procurement.md): the catalogue of
//! designated products, units' gift purchases (by hand or from an xlsx/csv list), the floor per
//! org and year, the share report with the units below the floor (JSON or workbook), and a
//! campaign's gift packs valued at a purchase's unit price.

use crate::api::{route, ApiJson, ApiPath, ApiQuery};
use crate::auth::Authenticated;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use huzhu_app::model::{CatalogueEntry, GiftValue, Purchase};
use huzhu_app::procurement::{self, ProcurementReport, ShareLine};
use huzhu_app::Backend;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes<S: Backend>() -> OpenApiRouter<AppState<S>> {
    OpenApiRouter::new()
        .routes(route!(add_entry::<S>))
        .routes(route!(catalogue::<S>))
        .routes(route!(record::<S>))
        .routes(route!(list::<S>))
        .routes(route!(import::<S>))
        .routes(route!(floor::<S>))
        .routes(route!(report::<S>))
        .routes(route!(report_xlsx::<S>))
        .routes(route!(link_gift::<S>))
        .routes(route!(gift_value::<S>))
}

/// A designated product of the catalogue.
#[derive(Serialize, ToSchema)]
pub struct CatalogueBody {
    pub id: i64,
    pub region: String,
    pub supplier: String,
    pub product: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl CatalogueBody {
    fn of(c: CatalogueEntry) -> CatalogueBody {
        CatalogueBody {
            id: c.id,
            region: c.region,
            supplier: c.supplier,
            product: c.product,
            created_by: c.created_by,
            created_at: c.created_at,
        }
    }
}

/// A gift purchase.
#[derive(Serialize, ToSchema)]
pub struct PurchaseBody {
    pub id: i64,
    pub org: String,
    pub org_name: String,
    pub supplier: String,
    pub product: String,
    pub quantity: i64,
    pub amount_fen: i64,
    pub purchased_on: NaiveDate,
    /// From the catalogue: its entry when designated.
    pub designated: bool,
    pub catalogue_entry: Option<i64>,
    /// `hand` or `import`.
    pub source: String,
    pub recorded_by: String,
}

impl PurchaseBody {
    fn of(p: Purchase) -> PurchaseBody {
        PurchaseBody {
            id: p.id,
            org: p.org,
            org_name: p.org_name,
            supplier: p.supplier,
            product: p.product,
            quantity: p.quantity,
            amount_fen: p.amount_fen,
            purchased_on: p.purchased_on,
            designated: p.designated,
            catalogue_entry: p.catalogue_id,
            source: p.source,
            recorded_by: p.recorded_by,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RowErrorBody {
    pub row: u64,
    pub column: String,
    pub reason: String,
}

/// What an import did: every row recorded, or none and the errors row by row.
#[derive(Serialize, ToSchema)]
pub struct PurchaseImportBody {
    pub rows: u64,
    pub recorded: Vec<PurchaseBody>,
    pub errors: Vec<RowErrorBody>,
}

#[derive(Serialize, ToSchema)]
pub struct ShareLineBody {
    pub org: String,
    pub name: String,
    pub level: i64,
    pub designated_fen: i64,
    pub total_fen: i64,
    /// Basis points, rounded down.
    pub share_bp: u32,
    pub subtree_designated_fen: i64,
    pub subtree_total_fen: i64,
    pub subtree_share_bp: u32,
    pub floor_bp: u32,
    /// `met`, `below` or `no_purchases` (the org's own purchases against the floor).
    pub standing: String,
}

impl ShareLineBody {
    fn of(l: ShareLine) -> ShareLineBody {
        ShareLineBody {
            org: l.org,
            name: l.name,
            level: l.level,
            designated_fen: l.designated_fen,
            total_fen: l.total_fen,
            share_bp: l.share_bp,
            subtree_designated_fen: l.subtree_designated_fen,
            subtree_total_fen: l.subtree_total_fen,
            subtree_share_bp: l.subtree_share_bp,
            floor_bp: l.floor_bp,
            standing: l.standing.code().into(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ReportBody {
    pub org: String,
    pub org_name: String,
    pub year: i32,
    pub lines: Vec<ShareLineBody>,
    /// The units whose own share is below their floor.
    pub below: Vec<ShareLineBody>,
}

impl ReportBody {
    fn of(r: ProcurementReport) -> ReportBody {
        ReportBody {
            org: r.org,
            org_name: r.org_name,
            year: r.year,
            lines: r.lines.into_iter().map(ShareLineBody::of).collect(),
            below: r.below.into_iter().map(ShareLineBody::of).collect(),
        }
    }
}

/// A campaign's gift packs valued at a purchase.
#[derive(Serialize, ToSchema)]
pub struct GiftValueBody {
    pub campaign: i64,
    pub purchase: i64,
    pub supplier: String,
    pub product: String,
    pub designated: bool,
    /// Amount ÷ quantity, rounded half up.
    pub unit_price_fen: i64,
    /// Gift packs on the list (in the reader's subtree).
    pub packs: i64,
    pub value_fen: i64,
}

impl GiftValueBody {
    fn of(g: GiftValue) -> GiftValueBody {
        GiftValueBody {
            campaign: g.campaign_id,
            purchase: g.purchase_id,
            supplier: g.supplier,
            product: g.product,
            designated: g.designated,
            unit_price_fen: g.unit_price_fen,
            packs: g.packs,
            value_fen: g.value_fen,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogueInput {
    #[schema(example = "四川泸定", pattern = "\\S", max_length = 100)]
    pub region: String,
    #[schema(pattern = "\\S", max_length = 100)]
    pub supplier: String,
    #[schema(example = "苹果", pattern = "\\S", max_length = 100)]
    pub product: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PurchaseInputBody {
    /// The unit (in the actor's subtree); the actor's own org when absent.
    #[schema(pattern = "^[A-Za-z0-9-]{0,32}$")]
    pub org: Option<String>,
    #[schema(pattern = "\\S", max_length = 100)]
    pub supplier: String,
    #[schema(pattern = "\\S", max_length = 100)]
    pub product: String,
    #[schema(minimum = 1, maximum = 10_000_000)]
    pub quantity: i64,
    #[schema(minimum = 1, maximum = 10_000_000_000_i64)]
    pub amount_fen: i64,
    pub purchased_on: NaiveDate,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FloorBody {
    /// The org whose subtree the floor is for; the actor's own org when absent.
    #[schema(pattern = "^[A-Za-z0-9-]{1,32}$")]
    pub org: Option<String>,
    pub year: i32,
    /// Basis points (2000 = 20%).
    pub floor_bp: u32,
}

#[derive(Serialize, ToSchema)]
pub struct FloorSetBody {
    /// The floor replaced, if one was set.
    pub old_floor_bp: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GiftLinkBody {
    pub purchase: i64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct YearQuery {
    /// The calendar year; this year when absent.
    year: Option<i32>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ReportQuery {
    /// 组织代码 — this org's subtree; the actor's own organisation when absent.
    #[param(pattern = "^[A-Za-z0-9-]{0,32}$")]
    org: Option<String>,
    /// The calendar year; this year when absent.
    year: Option<i32>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ImportQuery {
    /// The unit the purchases are for; the actor's own org when absent.
    #[param(pattern = "^[A-Za-z0-9-]{1,32}$")]
    org: Option<String>,
    /// The file's name (its extension tells csv from xlsx when the bytes do not).
    file_name: Option<String>,
}

/// 添加帮扶产品 — adds a designated product to the federation's catalogue.
#[utoipa::path(
    post,
    path = "/api/v1/procurement/catalogue",
    tag = "procurement",
    request_body = CatalogueInput,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = CREATED, description = "the entry", body = CatalogueBody),
        (status = BAD_REQUEST, description = "a missing or too long name; `field` names it", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not keep the catalogue", body = ErrorBody),
        (status = CONFLICT, description = "the supplier's product is listed already", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn add_entry<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiJson(req): ApiJson<CatalogueInput>,
) -> Result<(StatusCode, Json<CatalogueBody>), ApiError> {
    let c = procurement::add_catalogue_entry(
        &state.store,
        state.clock.as_ref(),
        &actor,
        &req.region,
        &req.supplier,
        &req.product,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(CatalogueBody::of(c))))
}

/// 帮扶产品目录
#[utoipa::path(
    get,
    path = "/api/v1/procurement/catalogue",
    tag = "procurement",
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the catalogue", body = Vec<CatalogueBody>),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read procurement", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn catalogue<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
) -> Result<Json<Vec<CatalogueBody>>, ApiError> {
    let list = procurement::catalogue(&state.store, &actor).await?;
    Ok(Json(list.into_iter().map(CatalogueBody::of).collect()))
}

/// 录入采购 — one purchase, designated when the catalogue lists its supplier and product.
#[utoipa::path(
    post,
    path = "/api/v1/procurement/purchases",
    tag = "procurement",
    request_body = PurchaseInputBody,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = CREATED, description = "the purchase", body = PurchaseBody),
        (status = BAD_REQUEST, description = "a bad quantity, amount, date or name; `field` names it", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not record purchases", body = ErrorBody),
        (status = NOT_FOUND, description = "no such org in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn record<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiJson(req): ApiJson<PurchaseInputBody>,
) -> Result<(StatusCode, Json<PurchaseBody>), ApiError> {
    let p = procurement::record_purchase(
        &state.store,
        state.clock.as_ref(),
        &actor,
        procurement::PurchaseInput {
            org: req.org,
            supplier: req.supplier,
            product: req.product,
            quantity: req.quantity,
            amount_fen: req.amount_fen,
            purchased_on: req.purchased_on,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(PurchaseBody::of(p))))
}

/// 采购记录 — the purchases of the actor's subtree in a year.
#[utoipa::path(
    get,
    path = "/api/v1/procurement/purchases",
    tag = "procurement",
    params(YearQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "purchases, newest first", body = Vec<PurchaseBody>),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read procurement", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn list<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> Result<Json<Vec<PurchaseBody>>, ApiError> {
    let year = q.year.unwrap_or_else(|| state.clock.today().year());
    let list = procurement::purchases(&state.store, &actor, year).await?;
    Ok(Json(list.into_iter().map(PurchaseBody::of).collect()))
}

/// 导入采购清单 — the request body is an xlsx or csv list (供应商, 产品, 数量, 金额, 采购日期).
/// A list with a bad row records nothing and answers the errors row by row.
#[utoipa::path(
    post,
    path = "/api/v1/procurement/purchases/import",
    tag = "procurement",
    params(ImportQuery),
    request_body(
        description = "the file's bytes",
        content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("text/csv"), ("application/octet-stream"))
    ),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "what the import did", body = PurchaseImportBody),
        (status = BAD_REQUEST, description = "not a readable list, a missing column, or no rows", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not record purchases", body = ErrorBody),
        (status = NOT_FOUND, description = "no such org in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn import<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: Bytes,
) -> Result<Json<PurchaseImportBody>, ApiError> {
    let r = procurement::import_purchases(
        &state.store,
        state.clock.as_ref(),
        &actor,
        q.org.as_deref(),
        q.file_name.as_deref().unwrap_or("purchases.xlsx"),
        body.to_vec(),
    )
    .await?;
    Ok(Json(PurchaseImportBody {
        rows: r.rows,
        recorded: r.recorded.into_iter().map(PurchaseBody::of).collect(),
        errors: r
            .errors
            .into_iter()
            .map(|e| RowErrorBody {
                row: e.row,
                column: e.column,
                reason: e.reason,
            })
            .collect(),
    }))
}

/// 设定比例下限 — the floor of an org's subtree for a year (basis points).
#[utoipa::path(
    put,
    path = "/api/v1/procurement/floors",
    tag = "procurement",
    request_body = FloorBody,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "set; the floor replaced", body = FloorSetBody),
        (status = BAD_REQUEST, description = "a floor above 100% or a bad year; `field` names it", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not set floors", body = ErrorBody),
        (status = NOT_FOUND, description = "no such org in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn floor<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiJson(req): ApiJson<FloorBody>,
) -> Result<Json<FloorSetBody>, ApiError> {
    let old = procurement::set_floor(
        &state.store,
        state.clock.as_ref(),
        &actor,
        req.org.as_deref(),
        req.year,
        req.floor_bp,
    )
    .await?;
    Ok(Json(FloorSetBody { old_floor_bp: old }))
}

async fn build<S: Backend>(
    state: &AppState<S>,
    actor: &huzhu_domain::access::Actor,
    q: &ReportQuery,
) -> Result<ProcurementReport, ApiError> {
    let year = q.year.unwrap_or_else(|| state.clock.today().year());
    Ok(procurement::report(&state.store, actor, q.org.as_deref(), year).await?)
}

/// 消费帮扶报表 — each org's and each subtree's designated share against its floor, and the
/// units below it.
#[utoipa::path(
    get,
    path = "/api/v1/procurement/report",
    tag = "procurement",
    params(ReportQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the report", body = ReportBody),
        (status = BAD_REQUEST, description = "a malformed org code", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read procurement", body = ErrorBody),
        (status = NOT_FOUND, description = "no such org in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn report<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Json<ReportBody>, ApiError> {
    Ok(Json(ReportBody::of(build(&state, &actor, &q).await?)))
}

/// 消费帮扶报表导出 — the report as an Excel workbook (by subtree; the units below the floor).
#[utoipa::path(
    get,
    path = "/api/v1/procurement/report.xlsx",
    tag = "procurement",
    params(ReportQuery),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the workbook, as an attachment", content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = BAD_REQUEST, description = "a malformed org code", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read procurement", body = ErrorBody),
        (status = NOT_FOUND, description = "no such org in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn report_xlsx<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Response, ApiError> {
    let r = build(&state, &actor, &q).await?;
    super::stats::workbook_response(&procurement::dashboard(&r), "procurement")
}

/// 慰问品计价 — counts a campaign's gift packs at a purchase's unit price.
#[utoipa::path(
    put,
    path = "/api/v1/campaigns/{id}/gift-purchase",
    tag = "procurement",
    params(("id" = i64, Path, description = "campaign id")),
    request_body = GiftLinkBody,
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the gift packs' value", body = GiftValueBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not value gift packs", body = ErrorBody),
        (status = NOT_FOUND, description = "no such campaign or purchase in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn link_gift<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<GiftLinkBody>,
) -> Result<Json<GiftValueBody>, ApiError> {
    let g = procurement::link_gift_purchase(
        &state.store,
        state.clock.as_ref(),
        &actor,
        id,
        req.purchase,
    )
    .await?;
    Ok(Json(GiftValueBody::of(g)))
}

/// 慰问品价值 — the campaign's gift packs at their purchase's unit price (null when unlinked).
#[utoipa::path(
    get,
    path = "/api/v1/campaigns/{id}/gift-purchase",
    tag = "procurement",
    params(("id" = i64, Path, description = "campaign id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the gift packs' value, or null", body = Option<GiftValueBody>),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read campaigns", body = ErrorBody),
        (status = NOT_FOUND, description = "no such campaign", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn gift_value<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Option<GiftValueBody>>, ApiError> {
    let g = procurement::gift_value(&state.store, &actor, id).await?;
    Ok(Json(g.map(GiftValueBody::of)))
}
