//! The money path's JSON routes (issue 5): enrolment and bills, claims and their documents, the
//! workflow, payouts, the ledger.

use crate::AppState;
use huzhu_store::Repo;
use utoipa_axum::router::OpenApiRouter;

/// Every money-path route, documented.
pub(crate) fn routes<S: Repo>() -> OpenApiRouter<AppState<S>> {
    OpenApiRouter::new()
}
