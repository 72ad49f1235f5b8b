//! The subcommands. Exit codes: 0 done; 1 failure (database unreachable, bug); 2 bad input
//! (unreadable file, missing column, malformed argument); 3 import finished but some rows were
//! rejected (the good rows are stored, the bad ones are in the report).

pub mod adjudicate;
pub mod assess;
pub mod backup;
pub mod import;
pub mod ledger;
pub mod members;
pub mod policy;
pub mod programme;
pub mod replay;
pub mod report;
pub mod serve;
pub mod user;
// FHIR R4 export (helper E, issue 18)
pub mod export;

use huzhu_app::AppError;

pub const EXIT_BAD_INPUT: u8 = 2;
pub const EXIT_ROWS_REJECTED: u8 = 3;

pub fn exit_code_of(e: &anyhow::Error) -> u8 {
    for cause in e.chain() {
        if let Some(app) = cause.downcast_ref::<AppError>() {
            return match app {
                AppError::File(_) | AppError::Invalid { .. } | AppError::Io(_) => EXIT_BAD_INPUT,
                AppError::NotFound { .. } => EXIT_BAD_INPUT,
                AppError::Store(_) => 1,
                AppError::Unauthenticated(_) | AppError::Forbidden { .. } => 1,
                AppError::Transition(_) | AppError::Conflict(_) => 1,
            };
        }
        if cause.downcast_ref::<std::io::Error>().is_some() {
            return EXIT_BAD_INPUT;
        }
    }
    1
}
