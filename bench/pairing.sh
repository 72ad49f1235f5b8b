#!/usr/bin/env bash
# Cloud pairing under load (issue 16): `huzhu serve --demo` on 127.0.0.1, STUDENTS students
# published (seeded by SQL beside the demo's golden-autumn grants), then `wrk` with CONNECTIONS
# connections claiming them in turn for DURATION through the public claim route. Checks in the
# database afterwards that exactly STUDENTS claims won (one sponsor per student, every student
# held) and prints claims/s and the p99 latency; on SQLite and PostgreSQL (a fresh schema,
# dropped afterwards).
# Usage: bench/pairing.sh [STUDENTS] [CONNECTIONS] [DURATION] [PROFILE]
#        (default 1000 64 10s release; PROFILE debug checks the script on a debug build)
#        HUZHU_BENCH_POSTGRES_URL=postgres://…  (default postgres://postgres@127.0.0.1:5432/test)
set -euo pipefail
cd "$(dirname "$0")/.."
STUDENTS=${1:-1000}
CONNECTIONS=${2:-64}
DURATION=${3:-10s}
PROFILE=${4:-release}
PG=${HUZHU_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
THREADS=4
if [ "$PROFILE" = release ]; then cargo build --release -q -p huzhu -p huzhu-bench; else cargo build -q -p huzhu -p huzhu-bench; fi
BIN=${CARGO_TARGET_DIR:-target}/$PROFILE/huzhu
WORK=$(mktemp -d)
SERVER=
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

seed_sql() { # $1: sqlite | postgres
  local series token
  if [ "$1" = sqlite ]; then
    series="WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $STUDENTS)"
    token="printf('%032x', id)"
  else
    series="WITH n(i) AS (SELECT generate_series(1, $STUDENTS))"
    token="lpad(to_hex(id), 32, '0')"
  fi
  cat <<SQL
$series
INSERT INTO grants (tenant_id, programme_id, programme_version, cycle, grant_key,
  subject_id_number, member_id, org_id, fund, amount_fen, state, assessment, approval_level,
  applied_by, applied_at)
SELECT g.tenant_id, 'golden-autumn-bench', g.programme_version, g.cycle, 'bench:' || n.i,
  g.subject_id_number, g.member_id, g.org_id, g.fund, g.amount_fen, 'applied', '{}',
  g.approval_level, 'bench', g.applied_at
FROM n, (SELECT * FROM grants WHERE programme_id = 'golden-autumn' LIMIT 1) g;
INSERT INTO pairing_students (tenant_id, org_id, grant_id, token, public_name, grade,
  school_level, district, need_fen, academic_year, state, consent, published_by, published_at)
SELECT tenant_id, org_id, id, $token, '测同学', 1, 'undergraduate', '西湖区', 500000, '2026',
  'published', FALSE, 'bench', applied_at FROM grants WHERE programme_id = 'golden-autumn-bench';
SQL
}

run() { # $1: backend name; $2: sql runner command; database env already set
  local backend=$1 port=$((18000 + RANDOM % 1000))
  "$BIN" --data-dir "$WORK/$backend" serve --demo --listen "127.0.0.1:$port" >"$WORK/$backend.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 600); do
    curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
    sleep 1
  done
  seed_sql "$backend" | $2 >/dev/null
  echo "SELECT token FROM pairing_students WHERE published_by = 'bench' ORDER BY id;" | $2 2>/dev/null \
    | tr -d ' ' | grep -E '^[0-9a-f]{32}$' >"$WORK/tokens" || true
  echo "== $backend: $(wc -l <"$WORK/tokens") students, $CONNECTIONS connections, $DURATION"
  TOKENS="$WORK/tokens" WRK_THREADS=$THREADS wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" \
    --latency -s bench/pairing.lua "http://127.0.0.1:$port" | grep -E "won|claims/s"
  local held sponsors
  held=$(echo "SELECT count(*) FROM pairing_students WHERE published_by = 'bench' AND state = 'held';" | $2 | tr -d ' \n')
  sponsors=$(echo "SELECT count(*) FROM pairing_sponsors s JOIN pairing_students p ON p.id = s.student_id WHERE p.published_by = 'bench';" | $2 | tr -d ' \n')
  echo "in the database: $held held, $sponsors winning claims (expected $STUDENTS)"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=
  [ "$held" = "$STUDENTS" ] && [ "$sponsors" = "$STUDENTS" ]
}

status=0
sqlite_cli() { sqlite3 -cmd ".timeout 10000" "$WORK/sqlite/huzhu.db"; }
unset HUZHU_DATABASE_URL
mkdir -p "$WORK/sqlite"
run sqlite sqlite_cli || status=1
if psql "$PG" -c 'SELECT 1' >/dev/null 2>&1; then
  SCHEMA=bench_pairing_$$
  psql -q "$PG" -c "CREATE SCHEMA $SCHEMA" >/dev/null
  pg_cli() { PGOPTIONS="-c search_path=$SCHEMA" psql -q -t -A "$PG"; }
  SEP=$([[ $PG == *\?* ]] && echo '&' || echo '?')
  export HUZHU_DATABASE_URL="$PG${SEP}options=-c%20search_path%3D$SCHEMA"
  mkdir -p "$WORK/postgres"
  run postgres pg_cli || status=1
  unset HUZHU_DATABASE_URL
  psql -q "$PG" -c "DROP SCHEMA $SCHEMA CASCADE" >/dev/null
else
  echo "== postgres: unreachable at $PG, skipped"
fi
exit $status
