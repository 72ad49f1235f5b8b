#!/usr/bin/env bash
# Statistics at city scale (issue 6): MEMBERS members (all enrolled in item A, half in B) and
# CLAIMS decided claims of hangzhou-2022, bulk-loaded into a fresh database, the aggregates
# recounted, then the city's dashboard timed REPS times from the maintained aggregates and REPS
# times by a full scan of the base tables. Prints both times, the ratio (target <= 0.1) and
# checks that both give equal tables; on SQLite (a file in a temporary directory) and on
# PostgreSQL (a fresh schema, dropped afterwards; skipped with a message when unreachable).
# Usage: bench/dashboard.sh [MEMBERS] [CLAIMS] [REPS]     (default 3000000 300000 5)
#        HUZHU_BENCH_POSTGRES_URL=postgres://…  (default postgres://postgres@127.0.0.1:5432/test)
set -euo pipefail
cd "$(dirname "$0")/.."
MEMBERS=${1:-3000000}
CLAIMS=${2:-300000}
REPS=${3:-5}
export HUZHU_BENCH_POSTGRES_URL=${HUZHU_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
cargo build --release -q -p huzhu-bench
BIN=${CARGO_TARGET_DIR:-target}/release/huzhu-bench
status=0
for backend in sqlite postgres; do
  "$BIN" dashboard --backend "$backend" --members "$MEMBERS" --claims "$CLAIMS" --reps "$REPS" || status=1
  echo
done
exit $status
