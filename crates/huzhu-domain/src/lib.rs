//! The pure core of huzhu (SPEC sections 2–6): resident ID numbers, money in fen, the four-level
//! organisation tree, member records, policies and the adjudication engine.
//!
//! Plain data in, plain data out. This crate must never depend on anything async, on a database,
//! on HTTP or on the clock: `cargo tree -p huzhu-domain -e normal` shows serde, thiserror and chrono
//! only (a test in `tests/` guards this).
#![deny(clippy::float_arithmetic)]

pub mod access;
pub mod archive;
pub mod id_number;
pub mod member;
pub mod money;
pub mod notice;
pub mod org;
pub mod personal;

pub use id_number::{Gender, IdKind, IdNumber, IdNumberError};
pub use money::Money;
pub use org::{OrgCode, OrgLevel, RegionCode};
pub mod claim_input;
pub mod decision;
pub mod engine;
pub mod enrolment;
pub mod fund_report;
pub mod grant;
pub mod ledger;
pub mod policy;
pub mod programme;
pub mod review;
pub mod scenario;
pub mod stats;
pub mod workflow;
// recuperation, procurement (helper M)
pub mod procurement;
pub mod recuperation;
// donation module (春风行动, issue 16)
pub mod donation;
// legal aid 法律援助 and craftsman recognition 数字工匠 (issue 17)
pub mod legal_aid;
pub mod recognition;
// pairing and services (helper K, issue 16)
pub mod pairing;
pub mod services;
// FHIR R4 export of decided claims (helper E, issue 18)
pub mod fhir;
// employment help 春风就业 (helper D, issue 16)
pub mod employment;
// bank statement import and matching (helper D, issue 16)
pub mod statement;
