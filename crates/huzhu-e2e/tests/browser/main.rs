//! The console in a real, headless Chromium (WebDriver through chromedriver), against the whole
//! huzhu router served on a socket over a copy of the demo database. Without chromedriver and
//! chromium each test prints a "skipping" line and passes, unless `HUZHU_REQUIRE_BROWSER=1`.
//! The harness is the crate's library (`huzhu_e2e`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod access;
mod archive;
mod campaigns;
mod claims;
mod import;
mod members;
mod page;
mod relief;
mod signin;
// donation module (春风行动, issue 16)
mod donations;
// legal aid and recognition (issue 17)
mod legal_aid;
mod recognition;
// recuperation and procurement pages (issue 17, helper B)
mod procurement;
mod recuperation;
// cloud pairing and the 81890 directory (issue 16)
mod pairing;
mod services;
// employment help (helper D, issue 16)
mod employment;
// bank statements (issue 16)
mod statements;

use huzhu_app::{Clock, SettableClock, SystemClock};
use huzhu_e2e::{tools_or_skip, Browser, DemoServer, Viewport};
use std::path::Path;
use std::sync::Arc;

/// A server over its own copy of the demo and a browser pointed at it; `None` (the test passes
/// after a "skipping" line) when the browser tools are missing and not required.
pub async fn start(test: &str, size: Viewport) -> Option<(DemoServer, Browser)> {
    start_with(test, size, Arc::new(SystemClock)).await
}

/// [`start`] with the server's clock at a settable instant.
pub async fn start_at(
    test: &str,
    size: Viewport,
    clock: SettableClock,
) -> Option<(DemoServer, Browser)> {
    start_with(test, size, Arc::new(clock)).await
}

async fn start_with(
    test: &str,
    size: Viewport,
    clock: Arc<dyn Clock + Send + Sync>,
) -> Option<(DemoServer, Browser)> {
    let tools = tools_or_skip(test).unwrap()?;
    let server = DemoServer::start_with_clock(Some(Path::new(env!("CARGO_TARGET_TMPDIR"))), clock)
        .await
        .unwrap();
    let browser = Browser::launch(&tools, &server.url, size).await.unwrap();
    Some((server, browser))
}
