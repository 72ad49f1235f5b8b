//! The money path's JSON routes (issue 5): enrolment and bills ([`enrolment`]), claims and the
//! workflow ([`claims`]), their documents ([`documents`]), the review rule ([`review`]), payouts
//! ([`payouts`]), the ledger and the audit log ([`ledger`]), statistics ([`stats`]), pending bank account
//! changes ([`bank_changes`]), transfer requests between units ([`transfers`]), both decided
//! through one shape ([`decision`]), the hardship-worker archive and its public notice
//! ([`archive`]). Each handler extracts, calls the use case in `huzhu_app` and answers the app's
//! own view (documented there, `utoipa::ToSchema`), so a concept has one view in every layer and
//! the OpenAPI document says what the app hands out.

pub mod archive;
pub mod bank_changes;
pub mod campaigns;
pub mod claims;
pub mod decision;
pub mod documents;
pub mod enrolment;
pub mod fund_report;
pub mod grants;
pub mod ledger;
pub mod payouts;
pub mod programme_stats;
pub mod review;
pub mod stats;
pub mod support;
pub mod transfers;
// recuperation, procurement (helper M)
pub mod procurement;
pub mod recuperation;
// donation module (春风行动, issue 16)
pub mod donations;
// legal aid 法律援助 and craftsman recognition 数字工匠 (issue 17)
pub mod legal_aid;
pub mod recognition;
// pairing and services (helper K, issue 16)
pub mod pairing;
pub mod services;
// FHIR R4 export (helper E, issue 18)
pub mod fhir;
// employment help 春风就业 (helper D, issue 16)
pub mod employment;
// bank statement import and matching (helper D, issue 16)
pub mod statements;

use crate::AppState;
use huzhu_app::Backend;
use utoipa_axum::router::OpenApiRouter;

/// Every money-path route, documented.
pub(crate) fn routes<S: Backend>() -> OpenApiRouter<AppState<S>> {
    OpenApiRouter::new()
        .merge(enrolment::routes::<S>())
        .merge(claims::routes::<S>())
        .merge(documents::routes::<S>())
        .merge(review::routes::<S>())
        .merge(payouts::routes::<S>())
        .merge(ledger::routes::<S>())
        .merge(stats::routes::<S>())
        .merge(fund_report::routes::<S>())
        .merge(programme_stats::routes::<S>())
        .merge(support::routes::<S>())
        .merge(bank_changes::routes::<S>())
        .merge(transfers::routes::<S>())
        .merge(grants::routes::<S>())
        .merge(campaigns::routes::<S>())
        .merge(archive::routes::<S>())
        // recuperation, procurement (helper M)
        .merge(recuperation::routes::<S>())
        .merge(procurement::routes::<S>())
        // donation module (春风行动, issue 16)
        .merge(donations::routes::<S>())
        // legal aid and recognition (issue 17)
        .merge(legal_aid::routes::<S>())
        .merge(recognition::routes::<S>())
        // pairing and services (helper K, issue 16)
        .merge(pairing::routes::<S>())
        .merge(services::routes::<S>())
        // FHIR R4 export (helper E, issue 18)
        .merge(fhir::routes::<S>())
        // employment help (helper D, issue 16)
        .merge(employment::routes::<S>())
        // bank statements (helper D, issue 16)
        .merge(statements::routes::<S>())
}
