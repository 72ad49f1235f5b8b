//! huzhu's console in a real browser.
//!
//! - [`DemoServer`]: the whole huzhu router (`huzhu_web::router_with`), served on `127.0.0.1:0`
//!   in this process, over a copy of a SQLite database holding the demo city and its 2022 money
//!   cycle. Loading the demo takes a while, so it is loaded once per build of the calling binary
//!   and kept in a cache folder; each server gets its own copy.
//! - [`Browser`]: a headless Chromium driven over WebDriver (`fantoccini`) through a
//!   `chromedriver` this harness starts on a free port and stops when done.
//! - [`tools_or_skip`]: finds `chromedriver` and `chromium`. When they are missing a test prints
//!   a "skipping" line and passes — unless `HUZHU_REQUIRE_BROWSER=1` (CI sets it), then it fails.
//!
//! The browser tests are `tests/browser/`; the screenshot tool is `src/bin/huzhu-screenshots.rs`
//! (run by `scripts/screenshots.sh`).

mod browser;
mod server;

pub use browser::{tools_or_skip, Browser, Tools, Viewport};
pub use server::DemoServer;

/// The demo accounts' password.
pub const PASSWORD: &str = huzhu_app::demo::DEMO_PASSWORD;
