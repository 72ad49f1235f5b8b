//! 待决事项 — the one API shape of a decision that waits for a second person (ARCHITECTURE.md,
//! the pending-decision pattern): `POST …/{id}/confirm` with no body, `POST …/{id}/refuse` with a
//! [`RefusalRequest`]; both answer the proposal's view, whose decision fields are
//! [`huzhu_app::decision::DecisionView`]. Bank account changes and transfers use it.

use serde::Deserialize;
use utoipa::ToSchema;

/// 拒绝理由 — why the proposal is refused (required, at most 200 characters).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefusalRequest {
    #[schema(example = "查无此人", pattern = "\\S", max_length = 200)]
    pub reason: String,
}
