#!/usr/bin/env bash
# Roster import against the database's own bulk load (issues 13 and 14): one generated roster of
# N rows (default 300,000) imported by huzhu into a fresh SQLite database and a fresh PostgreSQL
# schema, and the same file loaded by `sqlite3 .import` and `psql \copy` into a table keyed on the
# ID number. Prints each time and the ratios huzhu / bulk load (issue 13's target: <= 2.0 each).
# It also loads the rows huzhu stored, exported again, with the same bulk loads into a table of
# huzhu's own `members` shape (its unique identity key, its index by unit, and on PostgreSQL its
# four indexes and its foreign key to orgs): what the database itself needs for that schema,
# before any check of huzhu's, and the ratio huzhu / that floor.
# Usage: bench/import_vs_copy.sh [N]   (PostgreSQL: HUZHU_BENCH_PG_SERVER, default
#        postgres://postgres@127.0.0.1:5432; the run creates and drops database huzhu_bench_import)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-300000}
SERVER=${HUZHU_BENCH_PG_SERVER:-postgres://postgres@127.0.0.1:5432}
PG="$SERVER/huzhu_bench_import"
cargo build --release -q -p huzhu -p huzhu-bench
BIN=target/release/huzhu
GEN=target/release/huzhu-bench
work=$(mktemp -d)
trap 'rm -rf "$work"; psql -q "$SERVER/postgres" -c "DROP DATABASE IF EXISTS huzhu_bench_import" >/dev/null 2>&1 || true' EXIT
"$GEN" roster-orgs > "$work/orgs.csv"
"$GEN" roster-members "$N" > "$work/members.csv"

seconds() { # runs "$@", prints wall seconds
  local t0 t1
  t0=$(date +%s.%N)
  "$@" > "$work/out" 2> "$work/err" || { echo "failed: $*" >&2; head -5 "$work/err" >&2; exit 1; }
  t1=$(date +%s.%N)
  python3 -c "print(f'{$t1 - $t0:.2f}')"
}

# huzhu on SQLite
sq="sqlite://$work/huzhu.db"
HUZHU_DATABASE_URL="$sq" "$BIN" import orgs "$work/orgs.csv" > /dev/null
t_sqlite=$(seconds env HUZHU_DATABASE_URL="$sq" "$BIN" import members "$work/members.csv")

# sqlite3 .import into a table keyed on the ID number (the second column)
cols=$(head -1 "$work/members.csv" | python3 -c "import sys; h=sys.stdin.read().strip().split(','); print(', '.join(f'c{i} TEXT' + (' PRIMARY KEY' if i == 1 else '') for i in range(len(h))))")
sqlite3 "$work/bulk.db" "CREATE TABLE m ($cols);"
tail -n +2 "$work/members.csv" > "$work/rows.csv"
t_sqlite_bulk=$(seconds sqlite3 "$work/bulk.db" ".mode csv" ".import $work/rows.csv m")

# huzhu on PostgreSQL, in a database of its own
psql -q "$SERVER/postgres" -c "DROP DATABASE IF EXISTS huzhu_bench_import" > /dev/null
psql -q "$SERVER/postgres" -c "CREATE DATABASE huzhu_bench_import" > /dev/null
HUZHU_DATABASE_URL="$PG" "$BIN" import orgs "$work/orgs.csv" > /dev/null
t_pg=$(seconds env HUZHU_DATABASE_URL="$PG" "$BIN" import members "$work/members.csv")

# psql \copy into a table keyed on the ID number
psql -q "$PG" -c "CREATE TABLE bulk_m ($cols)" > /dev/null
t_pg_bulk=$(seconds psql -q "$PG" -c "\\copy bulk_m FROM '$work/rows.csv' WITH (FORMAT csv)")

# The floor: the rows huzhu stored, bulk-loaded into a table of the same shape.
stored="tenant_id, id_kind, id_number, name, gender, birth_date, phone, org_id, status, hire_date, join_date, ss_region, tags, bank_account, bank_branch, version, created_at, updated_at"
sqlite3 -csv "$work/huzhu.db" "SELECT $stored FROM members ORDER BY id" > "$work/stored.csv"
# (`id` is SQLite's rowid, given as the row is inserted; the index by unit holds it as huzhu's
# `members_org (org_id, id)` does.)
sqlite3 "$work/floor.db" "PRAGMA journal_mode = WAL" "CREATE TABLE m (tenant_id BIGINT NOT NULL, \
  id_kind TEXT NOT NULL, id_number TEXT NOT NULL, name TEXT NOT NULL, gender TEXT NOT NULL, \
  birth_date TEXT NOT NULL, phone TEXT, org_id BIGINT NOT NULL, status TEXT NOT NULL, \
  hire_date TEXT, join_date TEXT, ss_region TEXT, tags TEXT NOT NULL, bank_account TEXT, \
  bank_branch TEXT, version INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, \
  UNIQUE (id_number, tenant_id, id_kind)); CREATE INDEX m_org ON m (org_id);" > /dev/null
# With the page cache huzhu's writer keeps (64 MiB; the shell's default of 2 MiB spills).
t_sqlite_floor=$(seconds sqlite3 "$work/floor.db" "PRAGMA cache_size = -65536" ".mode csv" ".import $work/stored.csv m")
psql -q "$PG" -c "\\copy (SELECT $stored FROM members ORDER BY id) TO '$work/stored_pg.csv' WITH (FORMAT csv)" > /dev/null
psql -q "$PG" -c "CREATE TABLE floor_m (LIKE members INCLUDING ALL); ALTER TABLE floor_m ADD FOREIGN KEY (org_id) REFERENCES orgs (id)" > /dev/null
t_pg_floor=$(seconds psql -q "$PG" -c "\\copy floor_m ($stored) FROM '$work/stored_pg.csv' WITH (FORMAT csv)")

python3 - "$N" "$t_sqlite" "$t_sqlite_bulk" "$t_pg" "$t_pg_bulk" "$t_sqlite_floor" "$t_pg_floor" <<'PY'
import sys
n = int(sys.argv[1]); ts, tsb, tp, tpb, tsf, tpf = map(float, sys.argv[2:])
print(f"roster import of {n:,} rows (release build), against the database's own bulk load")
print(f"SQLite:     huzhu {ts:8.2f} s ({n/ts:9,.0f} rows/s)   sqlite3 .import {tsb:6.2f} s   ratio {ts/tsb:6.1f} (target <= 2.0)")
print(f"PostgreSQL: huzhu {tp:8.2f} s ({n/tp:9,.0f} rows/s)   psql \\copy     {tpb:6.2f} s   ratio {tp/tpb:6.1f} (target <= 2.0)")
print("the same bulk loads into huzhu's own members schema (the stored rows, exported again):")
print(f"SQLite:     sqlite3 .import {tsf:6.2f} s = {tsf/tsb:4.1f} x the one-key table; huzhu / this floor {ts/tsf:4.1f}")
print(f"PostgreSQL: psql \\copy     {tpf:6.2f} s = {tpf/tpb:4.1f} x the one-key table; huzhu / this floor {tp/tpf:4.1f}")
PY
