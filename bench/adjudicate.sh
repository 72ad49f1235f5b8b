#!/usr/bin/env bash
# Batch adjudication of a stored cycle (issue 5): MEMBERS members and CLAIMS submitted claims of
# hangzhou-2022 in a fresh database, then — timed in the same run — the baseline (read every claim
# page by page and rewrite its decision unchanged) and the batch (read, decide, write the same
# rows). Prints claims/s for both, the ratio adjudicate/baseline and whether it meets the target
# (<= 2.0), on SQLite (a file in a temporary directory) and on PostgreSQL (a fresh schema,
# dropped afterwards; skipped with a message when unreachable).
# Usage: bench/adjudicate.sh [MEMBERS] [CLAIMS] [PAGE]     (default 100000 1000000 5000)
#        HUZHU_BENCH_POSTGRES_URL=postgres://…  (default postgres://postgres@127.0.0.1:5432/test)
set -euo pipefail
cd "$(dirname "$0")/.."
MEMBERS=${1:-100000}
CLAIMS=${2:-1000000}
PAGE=${3:-5000}
export HUZHU_BENCH_POSTGRES_URL=${HUZHU_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
cargo build --release -q -p huzhu-bench
BIN=${CARGO_TARGET_DIR:-target}/release/huzhu-bench
status=0
for backend in sqlite postgres; do
  "$BIN" cycle --backend "$backend" --members "$MEMBERS" --claims "$CLAIMS" --page "$PAGE" || status=1
  echo
done
exit $status
