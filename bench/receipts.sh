#!/usr/bin/env bash
# Donation receipts under load (issue 16, donation module): N donations (default 10,000) posted
# by C concurrent clients (default 32) to POST /api/v1/donations of `huzhu serve --demo` on
# 127.0.0.1, on SQLite (a fresh file) and on PostgreSQL (a fresh database, dropped afterwards;
# skipped with a message when unreachable). Prints donations/s and the p50/p99 latency, and
# checks the receipt numbers the answers carry: N distinct numbers, one contiguous block of the
# year (gapless: the demo's own receipts come before it), every donation answered 201.
#
#   bench/receipts.sh [N] [CLIENTS]                   (defaults: 10000 32)
#   HUZHU_BENCH_BIN=PATH   use that binary instead of building the release one (e.g. a debug
#                          build with a small N, to check the script)
#   HUZHU_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres  (the server to create
#                          the bench database on)
# Needs curl and python3 (standard library only).
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-10000}"
CLIENTS="${2:-32}"
PORT="${HUZHU_BENCH_PORT:-18091}"
PG="${HUZHU_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

BIN="${HUZHU_BENCH_BIN:-}"
if [ -z "$BIN" ]; then
    cargo build --release -q -p huzhu -p huzhu-bench
    BIN="${CARGO_TARGET_DIR:-target}/release/huzhu"
fi

run() { # $1 = label, rest = database arguments
    local label="$1"; shift
    local data
    data="$(mktemp -d)"
    "$BIN" --data-dir "$data" "$@" serve --demo --listen "127.0.0.1:$PORT" >"$data/server.log" 2>&1 &
    local server=$!
    local up=0
    for _ in $(seq 1 600); do
        if curl -sf "http://127.0.0.1:$PORT/health" >/dev/null; then up=1; break; fi
        sleep 0.2
    done
    if [ "$up" != 1 ]; then
        echo "$label: the server did not start" >&2
        tail -20 "$data/server.log" >&2
        kill "$server" 2>/dev/null || true
        return 1
    fi
    local status=0
    python3 - "$label" "$PORT" "$N" "$CLIENTS" <<'PY' || status=1
import json, sys, threading, time, urllib.request
label, port, n, clients = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
base = f"http://127.0.0.1:{port}"
def call(method, path, body, token=None):
    req = urllib.request.Request(base + path, method=method,
                                 data=None if body is None else json.dumps(body).encode())
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")
_, s = call("POST", "/api/v1/session", {"username": "city.staff", "password": "huzhu-demo-2022"})
token = s["token"]
lat, numbers, errors = [], [], []
lock = threading.Lock()
counter = iter(range(n))
def worker():
    while True:
        with lock:
            i = next(counter, None)
        if i is None:
            return
        body = {"donor_kind": "person", "donor_name": "压测捐赠人", "channel": "cash",
                "amount_fen": 100 + i}
        t0 = time.perf_counter()
        st, out = call("POST", "/api/v1/donations", body, token)
        dt = time.perf_counter() - t0
        with lock:
            lat.append(dt)
            if st == 201 and out.get("receipt"):
                numbers.append(out["receipt"])
            else:
                errors.append((st, out))
t0 = time.perf_counter()
threads = [threading.Thread(target=worker) for _ in range(clients)]
for t in threads: t.start()
for t in threads: t.join()
wall = time.perf_counter() - t0
lat.sort()
pct = lambda p: lat[min(len(lat) - 1, int(len(lat) * p))] * 1000
seqs = sorted(int(x.split("-")[1]) for x in numbers)
years = {x.split("-")[0] for x in numbers}
gapless = (len(errors) == 0 and len(set(seqs)) == n and len(years) == 1
           and seqs[-1] - seqs[0] + 1 == n)
print(f"{label}: {n} donations from {clients} clients in {wall:.2f} s: "
      f"{n / wall:.0f} donations/s, p50 {pct(0.50):.1f} ms, p99 {pct(0.99):.1f} ms; "
      f"receipts {min(numbers) if numbers else '-'} … {max(numbers) if numbers else '-'}: "
      f"{'gapless, none repeated' if gapless else 'NOT GAPLESS'}")
if errors:
    print(f"{label}: {len(errors)} failed, first: {errors[0]}")
sys.exit(0 if gapless else 1)
PY
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    rm -rf "$data"
    return $status
}

overall=0
run sqlite || overall=1
DB="huzhu_bench_receipts_$$"
if psql "$PG" -qc "CREATE DATABASE $DB" >/dev/null 2>&1; then
    run postgres --database-url "${PG%/*}/$DB" || overall=1
    psql "$PG" -qc "DROP DATABASE $DB WITH (FORCE)" >/dev/null 2>&1 || true
else
    echo "postgres: $PG unreachable, skipped"
fi
exit $overall
