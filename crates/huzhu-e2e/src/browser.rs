//! Finding Chromium and chromedriver, starting them, and driving pages over WebDriver.

use anyhow::{anyhow, bail, Context, Result};
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::future::Future;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a wait for something on a page lasts before the test fails.
const WAIT: Duration = Duration::from_secs(15);

/// The two programs a browser test needs.
#[derive(Debug, Clone)]
pub struct Tools {
    pub chromedriver: PathBuf,
    pub chromium: PathBuf,
}

fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

impl Tools {
    /// `HUZHU_CHROMEDRIVER` / `HUZHU_CHROMIUM`, or the first of the usual names on `PATH`.
    pub fn find() -> std::result::Result<Tools, String> {
        let from_env = |var: &str| {
            std::env::var_os(var)
                .map(PathBuf::from)
                .filter(|p| p.is_file())
        };
        let chromedriver = from_env("HUZHU_CHROMEDRIVER")
            .or_else(|| on_path(&["chromedriver"]))
            .ok_or("chromedriver is not on PATH")?;
        let chromium = from_env("HUZHU_CHROMIUM")
            .or_else(|| {
                on_path(&[
                    "chromium",
                    "chromium-browser",
                    "google-chrome",
                    "google-chrome-stable",
                ])
            })
            .ok_or("chromium is not on PATH")?;
        Ok(Tools {
            chromedriver,
            chromium,
        })
    }
}

/// The browser tools, or `None` after a "skipping" line when they are missing — an error
/// instead when `HUZHU_REQUIRE_BROWSER=1`.
pub fn tools_or_skip(test: &str) -> Result<Option<Tools>> {
    match Tools::find() {
        Ok(t) => Ok(Some(t)),
        Err(why) => {
            let install = "apt-get install chromium chromium-driver";
            if std::env::var("HUZHU_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
                bail!("{test}: {why}, and HUZHU_REQUIRE_BROWSER=1 ({install})");
            }
            eprintln!("skipping browser test {test}: {why} ({install}; HUZHU_REQUIRE_BROWSER=1 makes this a failure)");
            Ok(None)
        }
    }
}

/// A window size in CSS pixels; `phone` emulates a touch device (its viewport meta applies).
#[derive(Debug, Clone, Copy)]
pub struct Viewport {
    pub width: u32,
    pub height: u32,
    pub phone: bool,
}

impl Viewport {
    pub const DESKTOP: Viewport = Viewport {
        width: 1366,
        height: 900,
        phone: false,
    };
    pub const PHONE: Viewport = Viewport {
        width: 390,
        height: 844,
        phone: true,
    };
}

fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

/// A headless Chromium on its own chromedriver, pointed at one huzhu server.
pub struct Browser {
    pub client: Client,
    /// The server's `http://127.0.0.1:PORT`.
    pub base: String,
    driver: Child,
    port: u16,
    session: Option<String>,
}

/// A chromedriver command the WebDriver standard does not have: Chrome DevTools, by name.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> std::result::Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _url: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({"cmd": self.cmd, "params": self.params}).to_string()),
        )
    }
}

impl Browser {
    /// Starts chromedriver on a free port and a headless Chromium of `size`.
    pub async fn launch(tools: &Tools, base: &str, size: Viewport) -> Result<Browser> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let driver = Command::new(&tools.chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("while starting {}", tools.chromedriver.display()))?;
        let mut browser = Browser {
            // Replaced below once chromedriver answers.
            client: connect(port, &tools.chromium, size).await?,
            base: base.trim_end_matches('/').to_string(),
            driver,
            port,
            session: None,
        };
        browser.session = browser.client.session_id().await?;
        browser.resize(size).await?;
        Ok(browser)
    }

    /// Ends the browser session and stops chromedriver.
    pub async fn close(mut self) -> Result<()> {
        let client = self.client.clone();
        self.session = None;
        client.close().await?;
        Ok(())
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sets the viewport to `size` (a phone size also emulates a touch device).
    pub async fn resize(&self, size: Viewport) -> Result<()> {
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": size.width, "height": size.height, "deviceScaleFactor": 1,
                   "mobile": size.phone}),
        )
        .await?;
        Ok(())
    }

    /// A Chrome DevTools command, through chromedriver.
    pub async fn cdp(&self, cmd: &'static str, params: Value) -> Result<Value> {
        self.client
            .issue_cmd(Cdp { cmd, params })
            .await
            .with_context(|| format!("while running {cmd}"))
    }

    /// Opens `path` of the server and waits for it to load.
    pub async fn goto(&self, path: &str) -> Result<()> {
        self.client
            .goto(&self.url(path))
            .await
            .with_context(|| format!("while opening {path}"))
    }

    /// The current path and query.
    pub async fn path(&self) -> Result<String> {
        let u = self.client.current_url().await?;
        Ok(match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        })
    }

    /// Fills and sends the sign-in form (from whatever page: it opens `/login` first).
    pub async fn submit_sign_in(&self, username: &str, password: &str) -> Result<()> {
        self.goto("/login").await?;
        self.type_into("#username", username).await?;
        self.type_into("#password", password).await?;
        self.click("form[action='/login'] button[type=submit]")
            .await?;
        Ok(())
    }

    /// Signs in through the form as a demo account and waits for the signed-in page.
    pub async fn sign_in(&self, username: &str) -> Result<()> {
        self.submit_sign_in(username, crate::PASSWORD).await?;
        self.wait_for("[data-testid=whoami]")
            .await
            .with_context(|| format!("{username} did not get signed in"))?;
        Ok(())
    }

    /// Presses the header's sign-out button and waits for the sign-in form.
    pub async fn sign_out(&self) -> Result<()> {
        self.click("form[action='/logout'] button").await?;
        self.wait_for("#username").await?;
        Ok(())
    }

    pub async fn find(&self, css: &str) -> Result<fantoccini::elements::Element> {
        let found = self.client.find(Locator::Css(css)).await;
        match found {
            Ok(e) => Ok(e),
            Err(e) => Err(e).context(format!("no {css} on {}", self.path().await?)),
        }
    }

    /// Waits until an element matches `css`.
    pub async fn wait_for(&self, css: &str) -> Result<fantoccini::elements::Element> {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .with_context(|| format!("waited in vain for {css}"))
    }

    pub async fn exists(&self, css: &str) -> Result<bool> {
        Ok(!self.client.find_all(Locator::Css(css)).await?.is_empty())
    }

    /// The visible text of the first element matching `css`.
    pub async fn text(&self, css: &str) -> Result<String> {
        Ok(self.find(css).await?.text().await?)
    }

    /// The visible texts of every element matching `css`, read at one instant (an htmx swap
    /// cannot leave a stale element half-way).
    pub async fn texts(&self, css: &str) -> Result<Vec<String>> {
        let v = self
            .js(
                "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.innerText.trim());",
                vec![json!(css)],
            )
            .await?;
        Ok(serde_json::from_value(v)?)
    }

    pub async fn click(&self, css: &str) -> Result<()> {
        self.find(css).await?.click().await?;
        Ok(())
    }

    /// Clears a field and types `text` into it, key by key.
    pub async fn type_into(&self, css: &str, text: &str) -> Result<()> {
        let e = self.find(css).await?;
        e.clear().await?;
        e.send_keys(text).await?;
        Ok(())
    }

    /// Presses and releases one key on whatever has the focus.
    pub async fn press(&self, key: Key) -> Result<()> {
        let k: char = key.into();
        let actions = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: k })
            .then(KeyAction::Up { value: k });
        self.client.perform_actions(actions).await?;
        Ok(())
    }

    /// Runs `script` (a function body; `arguments` are `args`) in the page.
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        Ok(self.client.execute(script, args).await?)
    }

    /// Polls `check` until it answers true (or fails after a while, saying `what`).
    pub async fn wait_until<F, Fut>(&self, what: &str, mut check: F) -> Result<()>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<bool>>,
    {
        let start = Instant::now();
        loop {
            // A check that fails is "not yet": an element read while the page is being
            // replaced (a form's redirect, an htmx swap) goes stale under it. The last such
            // failure is reported if the wait runs out.
            let last = match check().await {
                Ok(true) => return Ok(()),
                Ok(false) => None,
                Err(e) => Some(e),
            };
            if start.elapsed() > WAIT {
                let on = self.path().await?;
                match last {
                    Some(e) => bail!("waited in vain: {what} (on {on}): {e:#}"),
                    None => bail!("waited in vain: {what} (on {on})"),
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// A PNG of the whole page (not just the viewport) at the current viewport width.
    pub async fn screenshot_page(&self, to: &Path) -> Result<()> {
        let metrics = self.cdp("Page.getLayoutMetrics", json!({})).await?;
        let size = &metrics["cssContentSize"];
        let (w, h) = (
            size["width"].as_f64().unwrap_or(1366.0).ceil(),
            size["height"].as_f64().unwrap_or(900.0).ceil().min(8000.0),
        );
        let shot = self
            .cdp(
                "Page.captureScreenshot",
                json!({"format": "png", "captureBeyondViewport": true,
                       "clip": {"x": 0, "y": 0, "width": w, "height": h, "scale": 1}}),
            )
            .await?;
        let data = shot["data"]
            .as_str()
            .ok_or_else(|| anyhow!("Page.captureScreenshot gave no data"))?;
        use base64::Engine as _;
        let png = base64::engine::general_purpose::STANDARD.decode(data)?;
        std::fs::write(to, png).with_context(|| format!("while writing {}", to.display()))?;
        Ok(())
    }
}

/// Connects to the chromedriver on `port` (waiting for it to listen) and opens a session.
async fn connect(port: u16, chromium: &Path, size: Viewport) -> Result<Client> {
    let mut args = vec![
        "--headless=new".to_string(),
        format!("--window-size={},{}", size.width, size.height),
        "--disable-gpu".into(),
        "--disable-dev-shm-usage".into(),
        "--no-first-run".into(),
        "--no-default-browser-check".into(),
        "--disable-extensions".into(),
        "--disable-background-networking".into(),
        "--disable-features=Translate,MediaRouter".into(),
        "--lang=zh-CN".into(),
    ];
    if running_as_root() {
        args.push("--no-sandbox".into());
    }
    let mut caps = Capabilities::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({"binary": chromium, "args": args}),
    );
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let start = Instant::now();
    while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
        if start.elapsed() > Duration::from_secs(20) {
            bail!("chromedriver did not listen on port {port}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let client = ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .context("while opening a browser session (is chromium working?)")?;
    Ok(client)
}

impl Drop for Browser {
    fn drop(&mut self) {
        // A test that failed half-way never reached `close`: end the session by hand so that
        // chromedriver stops its Chromium, then stop chromedriver.
        if let Some(id) = self.session.take() {
            let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
            if let Ok(mut s) = TcpStream::connect_timeout(&addr, Duration::from_secs(2)) {
                let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
                let _ = write!(
                    s,
                    "DELETE /session/{id} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    self.port
                );
                let mut sink = Vec::new();
                let _ = s.read_to_end(&mut sink);
            }
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
