#!/usr/bin/env bash
# Granting a care campaign's cash (issue 15): a city of MEMBERS members (default 3,000,000) and a
# campaign whose list names RECIPIENTS of them (default 50,000), in a fresh database; then — timed
# in the same run — the baseline (the same grants, ledger entries and postings inserted into the
# same tables by plain multi-row INSERTs of 1,000 rows, one transaction) and huzhu's grant (the
# list read, the grants written through the unique key index, the fund taken with its check, the
# ledger and the audit entry, one transaction). Prints both times, the ratio grant/baseline and
# whether it meets the target (<= 2.0), on SQLite (a file in a temporary directory) and on
# PostgreSQL (a fresh schema, dropped afterwards; skipped with a message when unreachable).
# Set-up is not timed.
# Usage: bench/campaign_grant.sh [MEMBERS] [RECIPIENTS]
#        HUZHU_BENCH_POSTGRES_URL=postgres://…  (default postgres://postgres@127.0.0.1:5432/test)
set -euo pipefail
cd "$(dirname "$0")/.."
MEMBERS=${1:-3000000}
RECIPIENTS=${2:-50000}
export HUZHU_BENCH_POSTGRES_URL=${HUZHU_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
cargo build --release -q -p huzhu-bench
BIN=${CARGO_TARGET_DIR:-target}/release/huzhu-bench
status=0
for backend in sqlite postgres; do
  "$BIN" campaign --backend "$backend" --members "$MEMBERS" --recipients "$RECIPIENTS" || status=1
  echo
done
exit $status
