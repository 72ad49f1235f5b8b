//! `huzhu serve [--demo] [--listen ADDR:PORT]` and `huzhu demo`.

use crate::backend::Location;
use anyhow::Context;
use huzhu_app::{demo, SystemClock};
use huzhu_store::Repo;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Load the demo city (organisations and a few thousand members), its 2022 cycle and the
    /// current year's cycle with last year's claims, if they are not there yet.
    #[arg(long)]
    demo: bool,
    /// Mark the session cookie Secure: set this when huzhu is served over HTTPS.
    #[arg(long, env = "HUZHU_SECURE_COOKIES")]
    secure_cookies: bool,
}

pub async fn load_demo<S: Repo>(store: &S) -> anyhow::Result<ExitCode> {
    let loaded = demo::load_demo(store, &SystemClock)
        .await
        .context("while loading the demo city")?;
    if loaded {
        eprintln!("已载入演示数据：杭州市总工会及其下属组织与会员 (demo city loaded)");
    } else {
        eprintln!("演示数据已存在，未重复载入 (demo city already loaded)");
    }
    if huzhu_app::demo_money::load_money_demo(store)
        .await
        .context("while loading the demo's 2022 cycle")?
    {
        eprintln!(
            "已载入临安区2022年度参保、缴费、各状态的补助申请与一个已结算的支付批次 \
             (demo 2022 cycle loaded: enrolments, contributions, claims in every state, a settled batch)"
        );
    }
    if let Some(cycle) = huzhu_app::demo_cycle::load_cycle_demo(store, &SystemClock)
        .await
        .context("while loading the demo's current cycle")?
    {
        eprintln!(
            "已载入本年度 {cycle}（上年度数百件已决申请、本年度各状态的申请）；本年度参保窗口延至年末，任何一天均可参保与申请 \
             (demo cycle {cycle} loaded: last year's few hundred decided claims, this year's claims \
             in every state; this year's enrolment window stays open to the year's end)"
        );
    }
    if huzhu_app::demo_programmes::load_programme_demo(store)
        .await
        .context("while loading the demo's assistance programmes")?
    {
        eprintln!(
            "已载入西湖区一个基层工会的帮扶数据：各状态的困难职工档案、各状态的临时救助（含已结算支付批次）、\
             帮扶资金与送温暖经费、进行中的2026年两节送温暖活动 \
             (demo programmes loaded: hardship households in every state, reliefs in every state \
             with a settled batch, funds, the two-festivals-2026 campaign under way)"
        );
    }
    // pairing and services (helper K, issue 16)
    if huzhu_app::demo_programmes::demo_pairing::load_pairing_demo(store)
        .await
        .context("while loading the demo's cloud pairing and 81890 directory")?
    {
        eprintln!("已载入云结对与81890服务演示数据 (demo pairing and 81890 services loaded)");
    }
    eprintln!(
        "演示账号，密码均为 {} (demo accounts, password):",
        demo::DEMO_PASSWORD
    );
    for (username, role, org, note) in demo::DEMO_ACCOUNTS {
        eprintln!("  {username:<16} {:<17} {org:<10} {note}", role.code());
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn run<S: Repo>(
    store: S,
    location: &Location,
    args: ServeArgs,
) -> anyhow::Result<ExitCode> {
    if args.demo {
        load_demo(&store).await?;
    }
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("while listening on {}", args.listen))?;
    let addr = listener.local_addr()?;
    eprintln!(
        "huzhu 已启动 (listening): http://{addr}/  数据 (data): {}",
        location.describe()
    );
    tracing::info!(%addr, backend = store.backend().name(), "listening");
    let mut state = huzhu_web::AppState::new(store, Arc::new(SystemClock));
    state.secure_cookies = args.secure_cookies;
    state.demo = args.demo;
    let app = huzhu_web::router_with(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .context("while serving")?;
    Ok(ExitCode::SUCCESS)
}
