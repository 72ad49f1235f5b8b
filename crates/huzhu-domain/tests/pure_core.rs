//! The domain must stay pure (STYLE.md): nothing async, no database, no HTTP, no templates.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

#[test]
fn the_domain_depends_on_nothing_async_or_io() {
    let out = Command::new(env!("CARGO"))
        .args([
            "tree",
            "-p",
            "huzhu-domain",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    if !out.status.success() {
        // No lock file or registry to read (a packaged build): nothing to check here.
        eprintln!(
            "cargo tree failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return;
    }
    let tree = String::from_utf8_lossy(&out.stdout);
    for banned in ["sqlx", "tokio", "axum", "askama", "hyper", "reqwest"] {
        assert!(
            !tree.lines().any(|l| l.starts_with(&format!("{banned} "))),
            "huzhu-domain depends on {banned}:\n{tree}"
        );
    }
}
