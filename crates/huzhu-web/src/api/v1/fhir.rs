//! HL7 FHIR R4 (issue 18): a decided claim as a `collection` Bundle of its `Claim` and its
//! `ExplanationOfBenefit`, scoped like the claim (outside scope 404, like a missing id), and the
//! refusal code system huzhu publishes, public, at its stable address. Both answer
//! `application/fhir+json`. The mapping is `huzhu_domain::fhir`; docs/fhir.md.

use crate::api::{route, ApiPath};
use crate::auth::Authenticated;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use huzhu_app::model::ClaimId;
use huzhu_app::Backend;
use utoipa_axum::router::OpenApiRouter;

/// FHIR's JSON media type.
pub const FHIR_JSON: &str = "application/fhir+json";

pub(super) fn routes<S: Backend>() -> OpenApiRouter<AppState<S>> {
    OpenApiRouter::new()
        .routes(route!(claim_fhir::<S>))
        .routes(route!(refusal_code_system))
}

fn fhir_json(text: String) -> Response {
    (
        [(
            CONTENT_TYPE,
            HeaderValue::from_static("application/fhir+json; charset=utf-8"),
        )],
        text,
    )
        .into_response()
}

/// 申请的 FHIR 导出 — a decided claim as an HL7 FHIR R4 `collection` Bundle: the `Claim`, then
/// the `ExplanationOfBenefit` (items, amounts in CNY, each line's clause in
/// `adjudication.reason`, refusals coded in huzhu's refusal code system). The member is named
/// by the member id only.
#[utoipa::path(
    get,
    path = "/api/v1/claims/{id}/fhir",
    tag = "claims",
    params(("id" = i64, Path, description = "claim id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "FHIR R4 Bundle (type collection) of the Claim and its ExplanationOfBenefit", content((Object = "application/fhir+json"))),
        (status = BAD_REQUEST, description = "malformed id", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = NOT_FOUND, description = "no such claim in scope", body = ErrorBody),
        (status = CONFLICT, description = "the claim is not decided yet", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn claim_fhir<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    let text =
        huzhu_app::fhir::claim_bundle(&state.store, state.clock.as_ref(), &actor, ClaimId(id))
            .await?;
    Ok(fhir_json(text))
}

/// 不予补助原因代码系统 (public, no sign-in) — the FHIR R4 `CodeSystem` of huzhu's refusal
/// codes, canonical URL `urn:huzhu:fhir:CodeSystem:huzhu-refusal`.
#[utoipa::path(
    get,
    path = "/fhir/CodeSystem/huzhu-refusal",
    tag = "claims",
    responses(
        (status = OK, description = "FHIR R4 CodeSystem", content((Object = "application/fhir+json"))),
    )
)]
async fn refusal_code_system() -> Response {
    fhir_json(huzhu_app::fhir::refusal_code_system())
}
