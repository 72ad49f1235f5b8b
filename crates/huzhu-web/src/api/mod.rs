//! The JSON API, one module per area.

pub mod session;
