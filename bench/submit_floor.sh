#!/usr/bin/env bash
# The floor under claim submission (issue 5): how far a route that commits one small row per
# request can get against a no-op route of the same server, on this machine, with huzhu's stack
# (axum on tokio, SQLite in WAL with synchronous=NORMAL) and nothing of huzhu in it. Same wrk
# settings as bench/submit.sh. See crates/huzhu-bench/src/floor.rs for the routes.
#
#   bench/submit_floor.sh [DURATION_SECONDS] [CONNECTIONS]      (defaults: 10 32)
#
# HUZHU_BENCH_BIN=PATH uses that huzhu-bench binary instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-10}"
CONNS="${2:-32}"
PORT="${HUZHU_BENCH_PORT:-18090}"
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 2; }
BIN="${HUZHU_BENCH_BIN:-}"
if [ -z "$BIN" ]; then
    cargo build --release -q -p huzhu-bench
    BIN="${CARGO_TARGET_DIR:-target}/release/huzhu-bench"
fi
DATA="$(mktemp -d)"
"$BIN" floor "$PORT" "$DATA" >"$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$PORT/noop" >/dev/null && break
    sleep 0.1
done
cat >"$DATA/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local n = 0
request = function()
    n = n + 1
    return wrk.format(nil, nil, nil, string.format('{"member_id":%d,"claim":{"kind":"hospital_stay","admitted":"2022-05-01","discharged":"2022-05-08","costs_fen":{"total":2000000,"self_borne":800000},"invoices":["INV-%d"]}}', n % 5000, n))
end
LUA
rps() { sed -n 's/^Requests\/sec:[[:space:]]*//p'; }
p99() { sed -n 's/^[[:space:]]*99%[[:space:]]*//p'; }
run() {
    local out
    if [ "$1" = noop ]; then
        out=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "http://127.0.0.1:$PORT/noop")
    else
        out=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -s "$DATA/post.lua" "http://127.0.0.1:$PORT/$1")
    fi
    if echo "$out" | grep -q 'Non-2xx'; then echo "WARNING: /$1 answered errors" >&2; fi
    echo "$(echo "$out" | rps) $(echo "$out" | p99)"
}
read -r NOOP NOOP_P99 < <(run noop)
printf '%-12s %10.1f req/s  p99 %s\n' "/noop" "$NOOP" "$NOOP_P99"
for route in sqlx sqlx-batch thread; do
    read -r R P < <(run "$route")
    python3 -c "import sys; r=float(sys.argv[2]); print(f'{sys.argv[1]:<12} {r:10.1f} req/s  p99 {sys.argv[3]}  ratio to no-op {r/float(sys.argv[4]):.3f}')" "/$route" "$R" "$P" "$NOOP"
done
