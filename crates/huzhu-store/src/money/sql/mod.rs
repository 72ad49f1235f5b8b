//! The SQL of the money path, shared by both backends like `crate::sql`, one file per concept
//! ([`policies`], [`members`], [`enrolment`], [`claims`], [`documents`], [`payouts`],
//! [`ledger`]); [`impl_money_store!`] expands [`super::MoneyStore`] once per backend from each
//! concept's macro.

pub(crate) mod claims;
pub(crate) mod documents;
pub(crate) mod enrolment;
pub(crate) mod ledger;
pub(crate) mod members;
pub(crate) mod payouts;
pub(crate) mod policies;

macro_rules! impl_money_store {
    ($store:ty) => {
        impl $crate::money::MoneyStore for $store {
            fn identity(&self) -> usize {
                self.instance
            }

            $crate::money::sql::policies::money_policies!(store $store);
            $crate::money::sql::members::money_members!(store $store);
            $crate::money::sql::enrolment::money_enrolment!(store $store);
            $crate::money::sql::claims::money_claims!(store $store);
            $crate::money::sql::documents::money_documents!(store $store);
            $crate::money::sql::payouts::money_payouts!(store $store);
            $crate::money::sql::ledger::money_ledger!(store $store);
        }

        $crate::money::sql::members::money_members!(helpers $store);
        $crate::money::sql::claims::money_claims!(helpers $store);
        $crate::money::sql::ledger::money_ledger!(helpers $store);
    };
}

pub(crate) use impl_money_store;

/// Ids per `IN (…)` list: well under either backend's limit on bound parameters (SQLite 32,766,
/// PostgreSQL 65,535), and few distinct statement shapes for the statement cache.
pub(crate) const IN_CHUNK: usize = 1_000;

/// Claims per multi-row `UPDATE` (three parameters each).
pub(crate) const UPDATE_CHUNK: usize = 500;
