//! `huzhu serve [--demo] [--listen ADDR:PORT]` and `huzhu demo`.

use crate::backend::Location;
use anyhow::Context;
use huzhu_app::{demo, SystemClock};
use huzhu_store::Store;
use std::net::SocketAddr;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Load the demo city (organisations and a few thousand members) if it is not there yet.
    #[arg(long)]
    demo: bool,
}

pub async fn load_demo<S: Store>(store: &S) -> anyhow::Result<ExitCode> {
    let loaded = demo::load_demo(store, &SystemClock)
        .await
        .context("while loading the demo city")?;
    if loaded {
        eprintln!("已载入演示数据：杭州市总工会及其下属组织与会员 (demo city loaded)");
    } else {
        eprintln!("演示数据已存在，未重复载入 (demo city already loaded)");
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn run<S: Store>(
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
    axum::serve(listener, huzhu_web::router(store))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .context("while serving")?;
    Ok(ExitCode::SUCCESS)
}
