//! huzhu's use cases (import a roster, list members, seed the demo), shared by the web server and
//! the CLI. This is the imperative shell around the pure domain: it owns the clock
//! ([`clock::Clock`]), reads files, and decides where transactions begin and end by calling the
//! store's atomic methods. It is generic over [`huzhu_store::Store`]: only the binary names a
//! backend. It must not depend on HTTP or on the terminal.

pub mod access;
pub mod accounts;
pub mod audit;
pub mod bank_changes;
pub mod batch;
pub mod claims;
pub mod clock;
pub mod demo;
pub mod demo_claims;
pub mod demo_cycle;
pub mod demo_money;
pub mod digest;
pub mod documents;
pub mod enrolment;
pub mod error;
pub mod import;
pub mod ledger;
pub mod members;
pub mod payouts;
pub mod policies;
pub mod replay;
pub mod review;
pub mod stats;
pub mod transfers;

pub use clock::{Clock, FixedClock, SettableClock, SystemClock};
pub use error::{AppError, AuthFailure};
