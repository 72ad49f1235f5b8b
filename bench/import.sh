#!/usr/bin/env bash
# Roster import benchmark (issue 3): imports generated member rosters of SMALL and BIG rows
# (default 50,000 and 500,000) into a fresh SQLite database with the release binary, then
# re-imports the big one (every row unchanged). Prints rows/s, peak memory, and the ratios
# against the small run measured in the same run:
#   time(big) / time(small)  — linear cost means ≈ BIG/SMALL (target ≤ 1.1 × BIG/SMALL)
#   peak RSS(big) / peak RSS(small) — streaming means ≈ 1 (target ≤ 1.5)
# Usage: bench/import.sh [SMALL] [BIG]     (set HUZHU_BENCH_DATABASE_URL=postgres://… for PostgreSQL)
set -euo pipefail
cd "$(dirname "$0")/.."
SMALL=${1:-50000}
BIG=${2:-500000}
cargo build --release -q -p huzhu -p huzhu-bench
BIN=target/release/huzhu
GEN=target/release/huzhu-bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$GEN" roster-orgs > "$work/orgs.csv"
"$GEN" roster-members "$SMALL" > "$work/small.csv"
"$GEN" roster-members "$BIG" > "$work/big.csv"

# runs an import; prints "seconds max_rss_kib"
measure() {
  local db=$1 file=$2
  /usr/bin/time -f "%e %M" -o "$work/time" \
    env HUZHU_DATABASE_URL="$db" "$BIN" import members "$file" > /dev/null 2> "$work/stderr" || {
      echo "import of $file failed or rejected rows:" >&2; head -5 "$work/stderr" >&2; exit 1; }
  cat "$work/time"
}

fresh_db() {
  if [ -n "${HUZHU_BENCH_DATABASE_URL:-}" ]; then
    echo "$HUZHU_BENCH_DATABASE_URL"
  else
    echo "sqlite://$work/$1.db"
  fi
}
if [ -n "${HUZHU_BENCH_DATABASE_URL:-}" ]; then
  echo "note: PostgreSQL runs share one database; empty it first (the big run then re-imports the small run's rows too)." >&2
fi

db_small=$(fresh_db small); db_big=$(fresh_db big)
HUZHU_DATABASE_URL="$db_small" "$BIN" import orgs "$work/orgs.csv" > /dev/null
HUZHU_DATABASE_URL="$db_big" "$BIN" import orgs "$work/orgs.csv" > /dev/null
read -r t_small m_small < <(measure "$db_small" "$work/small.csv")
read -r t_big m_big < <(measure "$db_big" "$work/big.csv")
read -r t_again m_again < <(measure "$db_big" "$work/big.csv")

python3 - "$SMALL" "$BIG" "$t_small" "$m_small" "$t_big" "$m_big" "$t_again" "$m_again" <<'PY'
import sys
small, big, ts, ms, tb, mb, ta, ma = sys.argv[1:]
small, big = int(small), int(big)
ts, tb, ta = float(ts), float(tb), float(ta)
ms, mb, ma = int(ms), int(mb), int(ma)
print(f"huzhu roster import benchmark (release build, CSV, batches of 500 rows)")
print(f"baseline {small:>9,} rows: {ts:7.2f} s  {small/ts:10,.0f} rows/s  peak RSS {ms/1024:7.1f} MiB")
print(f"big      {big:>9,} rows: {tb:7.2f} s  {big/tb:10,.0f} rows/s  peak RSS {mb/1024:7.1f} MiB")
print(f"re-import (unchanged): {ta:7.2f} s  {big/ta:10,.0f} rows/s  peak RSS {ma/1024:7.1f} MiB")
scale = big / small
tr, mr = tb / ts, mb / ms
print(f"time ratio big/baseline: {tr:.2f} for {scale:.0f}x the rows (target <= {1.1*scale:.1f}: {'ok' if tr <= 1.1*scale else 'MISSED'})")
print(f"memory ratio big/baseline: {mr:.2f} (target <= 1.5: {'ok' if mr <= 1.5 else 'MISSED'})")
PY
