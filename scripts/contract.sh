#!/usr/bin/env bash
# The API contract (issue 18): schemathesis, from PyPI, sends generated requests to every operation
# of the OpenAPI document that `huzhu serve --demo` serves, signed in (signing out excluded), and
# fails on any server error, any answer that breaks the document, any schema-valid request refused
# as malformed, and any schema-violating request accepted.
#
#   scripts/contract.sh                    # the fixed run CI makes (see docs/reliability.md)
#   HUZHU_CONTRACT_EXAMPLES=200 scripts/contract.sh   # a longer run
#
# Settings (environment):
#   HUZHU_BIN                 the huzhu binary (default: target/debug/huzhu, built when missing)
#   HUZHU_CONTRACT_EXAMPLES   generated cases per operation and phase (default 20)
#   HUZHU_CONTRACT_SEED       the generator's seed (default 18: the same requests every run)
#   HUZHU_CONTRACT_ACCOUNTS   the demo accounts to sign in as, one run each (default: city.staff)
#   HUZHU_CONTRACT_VENV       where schemathesis is installed (default ~/.cache/huzhu-contract/venv-VERSION)
#   HUZHU_CONTRACT_REPORT     directory for the JUnit and NDJSON reports (default: a temporary one)
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
examples="${HUZHU_CONTRACT_EXAMPLES:-20}"
seed="${HUZHU_CONTRACT_SEED:-18}"
accounts="${HUZHU_CONTRACT_ACCOUNTS:-city.staff}"
venv="${HUZHU_CONTRACT_VENV:-$HOME/.cache/huzhu-contract/venv-$SCHEMATHESIS_VERSION}"
bin="${HUZHU_BIN:-target/debug/huzhu}"
password="huzhu-demo-2022"

if [ ! -x "$venv/bin/schemathesis" ]; then
    echo "contract: installing schemathesis $SCHEMATHESIS_VERSION into $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
fi
if [ ! -x "$bin" ]; then
    cargo build --workspace --bin huzhu
fi

work="$(mktemp -d)"
report="${HUZHU_CONTRACT_REPORT:-$work/report}"
mkdir -p "$report"
server=""
cleanup() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
"$bin" --data-dir "$work/data" serve --demo --listen "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 600); do
    if curl -fsS "$base/health" >/dev/null 2>&1; then
        break
    fi
    if ! kill -0 "$server" 2>/dev/null; then
        echo "contract: the server stopped:" >&2
        cat "$work/serve.log" >&2
        exit 1
    fi
    sleep 0.5
done
curl -fsS "$base/health" >/dev/null

sign_in() {
    curl -fsS -H 'content-type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"$password\"}" "$base/api/v1/session" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}

status=0
for account in $accounts; do
    token="$(sign_in "$account")"
    echo "contract: schemathesis as $account, $examples examples per operation, seed $seed" >&2
    # Signing out would end the session the rest of the run uses. Every check that judges the
    # server's contract is on; the stateful checks that need links between operations
    # (use_after_free, ensure_resource_availability) have none to follow in the document.
    "$venv/bin/schemathesis" --config-file scripts/contract.toml run "$base/api/openapi.json" \
        --header "Authorization: Bearer $token" \
        --exclude-name 'DELETE /api/v1/session' \
        --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,positive_data_acceptance,negative_data_rejection \
        --phases examples,coverage,fuzzing \
        --max-examples "$examples" --seed "$seed" --generation-deterministic \
        --workers 1 --no-color \
        --report junit,ndjson --report-dir "$report/$account" ||
        status=1
done
if [ "$status" != 0 ]; then
    echo "contract: failures above; the server's log is $work/serve.log:" >&2
    tail -n 50 "$work/serve.log" >&2
fi
exit "$status"
