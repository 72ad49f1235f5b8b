//! Black-box tests of the `huzhu` binary, as an officer or a script uses it. One test binary for
//! the whole command line: each binary costs link time on small machines.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod backup;
mod engine;
mod kill_matrix;
mod money;
mod programme;
mod receipts_kill;
mod roster;
mod user;
// the API contract, schemathesis (issue 18)
mod contract;
