//! 帮扶全貌 — a household's (or a member's household's) whole support over HTTP (issue 15):
//! mutual-aid payouts, reliefs and campaign cash in every state, gift packs, the totals of each
//! year and the flags (double support, gaps) in words. docs/archive.md.

use crate::api::{route, ApiPath};
use crate::auth::Authenticated;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};
use axum::extract::State;
use axum::Json;
use chrono::NaiveDate;
use huzhu_app::support::{self, FlagKind, SupportKind, SupportSubject, SupportView};
use huzhu_app::Backend;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes<S: Backend>() -> OpenApiRouter<AppState<S>> {
    OpenApiRouter::new()
        .routes(route!(household_support::<S>))
        .routes(route!(member_support::<S>))
}

/// The household the support is read for.
#[derive(Serialize, ToSchema)]
pub struct SupportHouseholdBody {
    pub id: i64,
    pub org: String,
    pub org_name: String,
    pub head_member_id: i64,
    /// The record's state (`admitted`, `exited`, …).
    pub state: String,
    pub category: Option<String>,
    pub level: Option<String>,
    pub admitted_on: Option<NaiveDate>,
}

/// A member whose support is listed.
#[derive(Serialize, ToSchema)]
pub struct SupportMemberBody {
    pub id: i64,
    pub name: String,
    pub org: String,
}

/// One thing given (grants in every state).
#[derive(Serialize, ToSchema)]
pub struct SupportLineBody {
    /// `claim` (a mutual-aid payout), `grant` (a relief or a campaign's cash), `gift_pack`.
    pub kind: &'static str,
    pub id: i64,
    pub member_id: i64,
    pub member_name: String,
    /// The claim's policy, or the grant's or gift pack's programme.
    pub programme: String,
    pub programme_zh: String,
    pub programme_en: String,
    pub cycle: String,
    /// The claim's or grant's state; `handed` or `due` for a gift pack.
    pub state: String,
    pub amount_fen: i64,
    pub paid_fen: i64,
    pub on: NaiveDate,
    pub campaign_id: Option<i64>,
}

/// One year's totals.
#[derive(Serialize, ToSchema)]
pub struct SupportYearBody {
    pub year: i32,
    pub claims: i64,
    pub claims_paid_fen: i64,
    /// Grants approved, in a batch or paid (person-times), their amount and what was paid.
    pub grants: i64,
    pub grants_fen: i64,
    pub grants_paid_fen: i64,
    pub gift_packs: i64,
}

/// A flag in words.
#[derive(Serialize, ToSchema)]
pub struct SupportFlagBody {
    /// `double_support` or `gap`.
    pub kind: &'static str,
    pub zh: String,
    pub en: String,
    pub grants: Vec<i64>,
}

/// 帮扶全貌 — everything the federation gave a household's people.
#[derive(Serialize, ToSchema)]
pub struct SupportBody {
    pub household: Option<SupportHouseholdBody>,
    pub members: Vec<SupportMemberBody>,
    pub lines: Vec<SupportLineBody>,
    /// Newest year first.
    pub years: Vec<SupportYearBody>,
    pub flags: Vec<SupportFlagBody>,
    /// The year a gap is looked for.
    pub year: i32,
}

impl SupportBody {
    fn of(v: SupportView) -> SupportBody {
        SupportBody {
            household: v.household.map(|h| SupportHouseholdBody {
                id: h.id,
                org: h.org_code,
                org_name: h.org_name,
                head_member_id: h.head_member_id,
                state: h.state,
                category: h.category,
                level: h.level,
                admitted_on: h.admitted_on,
            }),
            members: v
                .members
                .into_iter()
                .map(|m| SupportMemberBody {
                    id: m.id,
                    name: m.name,
                    org: m.org_code,
                })
                .collect(),
            lines: v
                .lines
                .into_iter()
                .map(|l| SupportLineBody {
                    kind: match l.line.kind {
                        SupportKind::Claim => "claim",
                        SupportKind::Grant => "grant",
                        SupportKind::GiftPack => "gift_pack",
                    },
                    id: l.line.id,
                    member_id: l.line.member_id,
                    member_name: l.member_name,
                    programme: l.line.programme,
                    programme_zh: l.programme_zh,
                    programme_en: l.programme_en,
                    cycle: l.line.cycle,
                    state: l.line.state,
                    amount_fen: l.line.amount_fen,
                    paid_fen: l.line.paid_fen,
                    on: l.line.on,
                    campaign_id: l.line.campaign_id,
                })
                .collect(),
            years: v
                .years
                .into_iter()
                .map(|y| SupportYearBody {
                    year: y.year,
                    claims: y.claims,
                    claims_paid_fen: y.claims_paid_fen,
                    grants: y.grants,
                    grants_fen: y.grants_fen,
                    grants_paid_fen: y.grants_paid_fen,
                    gift_packs: y.gift_packs,
                })
                .collect(),
            flags: v
                .flags
                .into_iter()
                .map(|f| SupportFlagBody {
                    kind: match f.kind {
                        FlagKind::DoubleSupport => "double_support",
                        FlagKind::Gap => "gap",
                    },
                    zh: f.zh,
                    en: f.en,
                    grants: f.grants,
                })
                .collect(),
            year: v.year,
        }
    }
}

/// 帮扶全貌 — the whole support of an archived household.
#[utoipa::path(
    get,
    path = "/api/v1/archive/households/{id}/support",
    tag = "archive",
    params(("id" = i64, Path, description = "record id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the household's support", body = SupportBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read the archive", body = ErrorBody),
        (status = NOT_FOUND, description = "no such record in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn household_support<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<SupportBody>, ApiError> {
    let v = support::whole_support(
        &state.store,
        state.clock.as_ref(),
        &actor,
        SupportSubject::Household(id),
    )
    .await?;
    Ok(Json(SupportBody::of(v)))
}

/// 帮扶全貌 — the whole support of a member's household (the member's own when they are in none).
#[utoipa::path(
    get,
    path = "/api/v1/members/{id}/support",
    tag = "archive",
    params(("id" = i64, Path, description = "member id")),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the member's household's support", body = SupportBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not read the archive", body = ErrorBody),
        (status = NOT_FOUND, description = "no such member in scope", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn member_support<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<SupportBody>, ApiError> {
    let v = support::whole_support(
        &state.store,
        state.clock.as_ref(),
        &actor,
        SupportSubject::Member(id),
    )
    .await?;
    Ok(Json(SupportBody::of(v)))
}
