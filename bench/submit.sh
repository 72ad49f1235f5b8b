#!/usr/bin/env bash
# Claim submission over HTTP under wrk (issue 5): POST /api/v1/claims with 32 connections for 30 s
# on 127.0.0.1, against the no-op route /health of the same server in the same run. Prints both
# throughputs, the ratio (target >= 0.3) and the p99 latency of each.
#
#   bench/submit.sh [--database-url URL] [DURATION_SECONDS] [CONNECTIONS]      (defaults: 30 32)
#
# With --database-url (e.g. postgres://postgres@127.0.0.1:5432/bench) the server runs on that
# database instead of a fresh SQLite file; it must be empty or hold an earlier run's demo (the
# demo is loaded once).
#
# HUZHU_BENCH_BIN=PATH uses that binary instead of building one.
# Needs wrk (Debian package `wrk`; installed here when missing and run as root), curl, python3.
# The server is the release binary on a fresh SQLite database holding the demo city.
set -euo pipefail
cd "$(dirname "$0")/.."
DB_ARGS=()
if [ "${1:-}" = "--database-url" ]; then
    DB_ARGS=(--database-url "$2")
    shift 2
fi
DURATION="${1:-30}"
CONNS="${2:-32}"
PORT="${HUZHU_BENCH_PORT:-18089}"

if ! command -v wrk >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get install -y wrk >/dev/null
    else
        echo "wrk is not installed: apt-get install wrk" >&2
        exit 2
    fi
fi

# HUZHU_BENCH_BIN=path runs a binary built beforehand (e.g. to compare with an older build).
BIN="${HUZHU_BENCH_BIN:-}"
if [ -z "$BIN" ]; then
    cargo build --release -q -p huzhu
    BIN="${CARGO_TARGET_DIR:-target}/release/huzhu"
fi
DATA="$(mktemp -d)"
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$DATA"' EXIT
"$BIN" --data-dir "$DATA" "${DB_ARGS[@]}" serve --demo --listen "127.0.0.1:$PORT" >"$DATA/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break
    sleep 0.2
done

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
# District staff at the window of 临安 submit on behalf of the district's members (the demo
# enrols them in 2022), spread over all of them as real submissions are.
TOKEN=$(curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/session" \
    -H 'content-type: application/json' \
    -d '{"username":"district.staff","password":"huzhu-demo-2022"}' | json '["token"]')
MEMBERS=$(curl -sf "http://127.0.0.1:$PORT/api/v1/members?org=LA&limit=1000" \
    -H "authorization: Bearer $TOKEN" \
    | python3 -c "import json,sys; print(','.join(str(m['id']) for m in json.load(sys.stdin)['members'] if m['status']=='在职'))")
MEMBER="${MEMBERS%%,*}"

cat >"$DATA/submit.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
wrk.body = '{"member_id":$MEMBER,"policy":"hangzhou-2022","submit":true,"claim":{"kind":"hospital_stay","admitted":"2022-05-01","discharged":"2022-05-08","hospital_grade":3,"costs_fen":{"total":2000000,"self_borne":800000},"invoices":["3301229999"]}}'
local members = {$MEMBERS}
local n = 0
request = function()
    n = n + 1
    local m = members[math.random(#members)]
    local body = string.format('{"member_id":%d,"policy":"hangzhou-2022","submit":true,"claim":{"kind":"hospital_stay","admitted":"2022-05-01","discharged":"2022-05-08","hospital_grade":3,"costs_fen":{"total":2000000,"self_borne":800000},"invoices":["INV%d-%d"]}}', m, m, n)
    return wrk.format(nil, nil, nil, body)
end
LUA
cat >"$DATA/health.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA

# One request first, so that a broken route fails loudly instead of measuring errors.
STATUS=$(curl -s -o "$DATA/first.json" -w '%{http_code}' -X POST "http://127.0.0.1:$PORT/api/v1/claims" \
    -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" \
    -d "$(sed -n "s/^wrk.body = '\(.*\)'$/\1/p" "$DATA/submit.lua")")
if [ "$STATUS" != 201 ]; then
    echo "POST /api/v1/claims answered $STATUS: $(cat "$DATA/first.json")" >&2
    exit 1
fi

run() { wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -s "$DATA/$1.lua" "http://127.0.0.1:$PORT$2"; }
echo "== baseline: GET /health (no-op), $CONNS connections, ${DURATION}s"
run health /health | tee "$DATA/health.txt"
echo "== POST /api/v1/claims, $CONNS connections, ${DURATION}s"
run submit /api/v1/claims | tee "$DATA/submit.txt"

python3 - "$DATA/health.txt" "$DATA/submit.txt" <<'PY'
import re, sys
def read(path):
    text = open(path).read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    p99 = re.search(r"\s99%\s+(\S+)", text).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return rps, p99, int(errors.group(1)) if errors else 0
h, s = read(sys.argv[1]), read(sys.argv[2])
print(f"no-op  /health        {h[0]:10.1f} req/s  p99 {h[1]}  non-2xx {h[2]}")
print(f"submit /api/v1/claims {s[0]:10.1f} req/s  p99 {s[1]}  non-2xx {s[2]}")
ratio = s[0] / h[0]
print(f"ratio submit/no-op {ratio:.3f}  (target >= 0.3: {'met' if ratio >= 0.3 else 'NOT met'})")
if s[2]:
    print("WARNING: some submissions failed; see the server log")
PY
