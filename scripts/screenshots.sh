#!/usr/bin/env bash
# Screenshots of the console's main pages, per role, at desktop (1366×900) and phone (390×844)
# sizes: screenshots/<page>-desktop.png and <page>-phone.png (git-ignored; not test assertions).
# It serves the demo city from a fresh temporary database and drives a headless Chromium
# (crates/huzhu-e2e/src/bin/huzhu-screenshots.rs). Needs chromium and chromedriver: see the
# README, "Browser tests and screenshots". Usage: scripts/screenshots.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-screenshots}"
cargo run --quiet -p huzhu-e2e --bin huzhu-screenshots -- "$out"
