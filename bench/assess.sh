#!/usr/bin/env bash
# `huzhu assess` through the CLI (issue 15: >= 200,000 cases/s per core). Generates N varied SPEC 11
# cases for each of the six reference programmes (huzhu-bench assess-cases, deterministic), then —
# timed in the same run, on one core (taskset -c 0 when available) — the baseline (huzhu-bench
# json-echo: every line parsed into a serde_json::Value and written back, nothing decided) and
# `huzhu assess --programme ID cases.jsonl` on the same file. Prints cases/s per core for both and
# the ratio assess/baseline in time, per programme and in all.
# Usage: bench/assess.sh [N]      (default 1000000 cases per programme)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
cargo build --release -q -p huzhu -p huzhu-bench
BIN=${CARGO_TARGET_DIR:-target}/release
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
PIN=""
if command -v taskset >/dev/null; then PIN="taskset -c 0"; fi
now() { date +%s.%N; }
total_a=0; total_b=0; total_n=0
for p in hardship-archive dialysis-relief major-illness-relief golden-autumn one-off-relief two-festivals-2026; do
  "$BIN/huzhu-bench" assess-cases "$N" "$p" > "$DIR/$p.jsonl"
  t0=$(now); $PIN "$BIN/huzhu-bench" json-echo < "$DIR/$p.jsonl" > "$DIR/echo.out"; t1=$(now)
  $PIN "$BIN/huzhu" assess --programme "$p" "$DIR/$p.jsonl" > "$DIR/assess.out"; t2=$(now)
  lines=$(wc -l < "$DIR/assess.out")
  if [ "$lines" -ne "$N" ]; then echo "$p: $lines answers for $N cases" >&2; exit 1; fi
  b=$(echo "$t1 - $t0" | bc -l); a=$(echo "$t2 - $t1" | bc -l)
  eligible=$(grep -c '"eligible":true' "$DIR/assess.out" || true)
  printf '%-22s %9d cases (%d eligible): assess %7.3f s = %9.0f cases/s; baseline json-echo %7.3f s = %9.0f lines/s; ratio %.2f\n' \
    "$p" "$N" "$eligible" "$a" "$(echo "$N / $a" | bc -l)" "$b" "$(echo "$N / $b" | bc -l)" "$(echo "$a / $b" | bc -l)"
  total_a=$(echo "$total_a + $a" | bc -l); total_b=$(echo "$total_b + $b" | bc -l); total_n=$((total_n + N))
done
per_core=$(echo "$total_n / $total_a" | bc -l)
printf 'all six: %d cases, assess %.3f s = %.0f cases/s per core (target >= 200,000: %s); ratio to json-echo %.2f\n' \
  "$total_n" "$total_a" "$per_core" "$( (( $(echo "$per_core >= 200000" | bc -l) )) && echo ok || echo MISSED)" "$(echo "$total_a / $total_b" | bc -l)"
