//! The console in a real, headless Chromium (WebDriver through chromedriver), against the whole
//! huzhu router served on a socket over a copy of the demo database. Without chromedriver and
//! chromium each test prints a "skipping" line and passes, unless `HUZHU_REQUIRE_BROWSER=1`.
//! The harness is the crate's library (`huzhu_e2e`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod access;
mod members;
mod page;
mod signin;

use huzhu_e2e::{tools_or_skip, Browser, DemoServer, Viewport};
use std::path::Path;

/// A server over its own copy of the demo and a browser pointed at it; `None` (the test passes
/// after a "skipping" line) when the browser tools are missing and not required.
pub async fn start(test: &str, size: Viewport) -> Option<(DemoServer, Browser)> {
    let tools = tools_or_skip(test).unwrap()?;
    let server = DemoServer::start(Some(Path::new(env!("CARGO_TARGET_TMPDIR"))))
        .await
        .unwrap();
    let browser = Browser::launch(&tools, &server.url, size).await.unwrap();
    Some((server, browser))
}
