//! `huzhu-screenshots [OUT_DIR]`: PNG screenshots of the console's main pages, per role, at
//! desktop (1366×900) and phone (390×844) sizes, into `OUT_DIR` (default `screenshots`). It
//! serves the demo city from a fresh database in a temporary folder, as `huzhu serve --demo`
//! would, and drives a headless Chromium through chromedriver. Run by `scripts/screenshots.sh`.
//! A page that does not exist (yet) is skipped and said so.

use anyhow::{anyhow, Context, Result};
use huzhu_domain::org::OrgCode;
use huzhu_e2e::{Browser, DemoServer, Tools, Viewport};
use huzhu_store::{Page, Store};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What to photograph: who is signed in (none: the sign-in page) and their pages as
/// (file name, path); `{member}` and `{claim}` are filled in from the demo.
type Shots = (
    Option<&'static str>,
    &'static [(&'static str, &'static str)],
);

const SHOTS: &[Shots] = &[
    (None, &[("login", "/login")]),
    (
        Some("city.staff"),
        &[
            ("home-city-staff", "/"),
            ("orgs", "/orgs"),
            ("members", "/members?org=LA-01-001"),
            ("member", "/members/{member}"),
            ("claims", "/claims"),
            ("claim", "/claims/{claim}"),
            ("letter", "/claims/{claim}/letter"),
            ("queues", "/queues"),
            ("stats", "/stats"),
        ],
    ),
    (
        Some("officer.la01001"),
        &[
            ("home-officer", "/"),
            (
                "new-claim",
                "/claims/new?member={member}&kind=hospital_stay",
            ),
            ("enrolment", "/enrolment"),
            ("import", "/import"),
        ],
    ),
    (
        Some("finance"),
        &[
            ("home-finance", "/"),
            ("payouts", "/payouts"),
            ("payout-batch", "/payouts/{batch}"),
            ("ledger", "/ledger"),
        ],
    ),
    (Some("auditor"), &[("audit", "/audit")]),
    (
        Some("member.demo"),
        &[("home-member", "/"), ("my-claims", "/claims")],
    ),
];

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("huzhu-screenshots: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<()> {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "screenshots".into()),
    );
    std::fs::create_dir_all(&out).with_context(|| format!("while creating {}", out.display()))?;
    let tools = Tools::find().map_err(|e| {
        anyhow!(
            "{e}: install chromium and chromedriver (README, \"Browser tests and screenshots\")"
        )
    })?;
    let cjk = std::process::Command::new("fc-list")
        .arg(":lang=zh")
        .output()
        .map(|o| !o.stdout.is_empty())
        .unwrap_or(true);
    if !cjk {
        eprintln!(
            "warning: no Chinese font is installed, Chinese text will show as boxes \
             (apt-get install fonts-wqy-microhei)"
        );
    }
    eprintln!("loading the demo city…");
    let server = DemoServer::start(None).await?;
    let member = server
        .store
        .members_under(
            &OrgCode::parse("LA-01-001")?,
            Page {
                after: None,
                limit: 2,
            },
        )
        .await?
        .last()
        .map(|m| m.id.0)
        .ok_or_else(|| anyhow!("the demo has no member in LA-01-001"))?;
    let b = Browser::launch(&tools, &server.url, Viewport::DESKTOP).await?;
    let result = shoot_all(&b, &out, member).await;
    b.close().await?;
    result
}

/// The id in the first link `/{area}/ID` on `page`, if it exists and shows one.
async fn first_link(b: &Browser, page: &str, area: &str) -> Result<Option<String>> {
    b.goto(page).await?;
    let href = b
        .js(
            "const re = new RegExp('^/' + arguments[0] + '/\\\\d+$'); \
             return Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))\
             .find(h => re.test(h)) || null;",
            vec![json!(area)],
        )
        .await?;
    Ok(href
        .as_str()
        .and_then(|h| h.rsplit('/').next())
        .map(str::to_string))
}

async fn shoot_all(b: &Browser, out: &Path, member: i64) -> Result<()> {
    let mut taken = 0;
    for (who, pages) in SHOTS {
        if let Some(u) = who {
            b.sign_in(u).await?;
        }
        // A paid claim of the demo (its page and decision letter) and a payout batch.
        let (claim, batch) = if who.is_some() {
            (
                first_link(b, "/claims?state=paid", "claims").await?,
                first_link(b, "/payouts", "payouts").await?,
            )
        } else {
            (None, None)
        };
        for (name, path) in pages.iter() {
            let path = path.replace("{member}", &member.to_string());
            let mut path = path;
            let mut missing = None;
            for (key, value) in [("{claim}", &claim), ("{batch}", &batch)] {
                match value {
                    Some(v) => path = path.replace(key, v),
                    None if path.contains(key) => missing = Some(key),
                    None => {}
                }
            }
            if let Some(key) = missing {
                eprintln!("skipped {name}: no {key} found for this account");
                continue;
            }
            for (size, label) in [(Viewport::DESKTOP, "desktop"), (Viewport::PHONE, "phone")] {
                b.resize(size).await?;
                b.goto(&path).await?;
                let page = b
                    .js(
                        "return {title: document.title, error: !!document.querySelector('.error-page')};",
                        vec![],
                    )
                    .await?;
                if page["error"] == json!(true)
                    || !page["title"].as_str().unwrap_or("").contains('·')
                {
                    eprintln!(
                        "skipped {name} ({path}): not a console page yet ({})",
                        page["title"]
                    );
                    break;
                }
                let file = out.join(format!("{name}-{label}.png"));
                b.screenshot_page(&file).await?;
                taken += 1;
            }
        }
        if who.is_some() {
            b.resize(Viewport::DESKTOP).await?;
            b.goto("/").await?;
            b.sign_out().await?;
        }
    }
    eprintln!("{taken} screenshots in {}", out.display());
    Ok(())
}
