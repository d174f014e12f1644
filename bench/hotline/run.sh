#!/usr/bin/env bash
# Hotline load test (results in bench/README.md, "Hotline"), on SQLite or
# PostgreSQL:
#  1. console accounts are made with `vigia staff add` (password on standard
#     input, TOTP secret read from its output) and a few cases opened, so
#     that there are case pages to read;
#  2. for 60 s, 200 anonymous reporters post SYNTHETIC reports (a quarter
#     through the web form /reportar, the rest through POST /api/v1/reports,
#     each pausing after every answer) while 50 console readers sign in
#     (password + RFC 6238 code) and read the queue, a report and a case,
#     pausing between pages; p50/p99 per kind of request, the server's peak
#     RSS, the SQLite WAL (peak and after) or the PostgreSQL WAL written;
#  3. every acknowledged receipt is then retrieved through the API;
#  4. the server is killed with SIGKILL 8 s into the same mixed load,
#     restarted, and every receipt acknowledged before the kill is retrieved;
#     then `vigia audit verify`.
# Usage: bash bench/hotline/run.sh
# Env: DB=sqlite|postgres DURATION=60s CONC=200 THINK=1s READERS=50 READER_THINK=2s
#      CLOSED=1 also runs the older reporters-only closed loop
#      PG=postgres://postgres@127.0.0.1:5432 (a database vigia_load is
#      created there and dropped at the end)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
DB=${DB:-sqlite}
DURATION=${DURATION:-60s}
CONC=${CONC:-200}
THINK=${THINK:-1s}
READERS=${READERS:-50}
READER_THINK=${READER_THINK:-2s}
CASES=${CASES:-20}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
OUT=${BENCH_OUT:-$ROOT/bench/out}/hotline-$DB
rm -rf "$OUT" && mkdir -p "$OUT"
go build -o "$OUT/vigia" ./cmd/vigia
go build -o "$OUT/load" ./bench/hotline/load
ADDR=127.0.0.1:18090
URL=http://$ADDR
KEYS=(--hotline-key "$OUT/vigia-hotline.key")
case $DB in
sqlite)
  DBURL=$OUT/bench.db
  WAL=$OUT/bench.db-wal
  ;;
postgres)
  [[ $PG == postgres://*@127.0.0.1:* || $PG == postgres://*@localhost:* ]] || { echo "PG must be on loopback" >&2; exit 2; }
  PGHOST=$(sed -E 's|postgres://[^@]*@([^:/]*).*|\1|' <<<"$PG")
  PGPORT=$(sed -E 's|postgres://[^@]*@[^:]*:([0-9]+).*|\1|' <<<"$PG")
  PGUSER=$(sed -E 's|postgres://([^@:]*).*|\1|' <<<"$PG")
  export PGHOST PGPORT PGUSER
  dropdb --if-exists vigia_load
  createdb vigia_load
  DBURL=$PG/vigia_load?sslmode=disable
  WAL=
  ;;
*) echo "DB is sqlite or postgres" >&2; exit 2 ;;
esac
pgwal() { psql -d vigia_load -Atc "select pg_current_wal_lsn()"; }
PID=
start() {
  "$OUT/vigia" serve --db "$DBURL" "${KEYS[@]}" --key-file "$OUT/vigia-screen.key" --addr $ADDR \
    --report-rate 100000000 --receipt-rate 100000000 --receipt-failures 100000000 >>"$OUT/server.out" 2>>"$OUT/server.err" &
  PID=$!
  for _ in $(seq 1 600); do curl -fs "$URL/healthz" >/dev/null 2>&1 && return; sleep 0.1; done
  echo "server did not start" >&2; cat "$OUT/server.err" >&2; exit 1
}
cleanup() {
  [[ -n $PID ]] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
  [[ $DB == postgres ]] && dropdb --if-exists vigia_load || true
}
trap cleanup EXIT
start

echo "== console accounts"
# One account per reader (a TOTP code signs in once) and one that opens the
# cases. The password is made here and goes on standard input; the file
# holding passwords and secrets is 0600 and inside $OUT.
umask 077
PW=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
: >"$OUT/staff.txt"
add() {
  local secret
  secret=$(printf '%s\n' "$PW" | "$OUT/vigia" staff add "$1" --role supervisor --db "$DBURL" "${KEYS[@]}" 2>/dev/null | sed -n 's/^TOTP secret: //p')
  [[ -n $secret ]] || { echo "staff add $1 failed" >&2; return 1; }
  echo "$1 $PW $secret"
}
add abridor >"$OUT/opener.txt"
for i in $(seq -w 1 "$READERS"); do add "lector$i"; done >>"$OUT/staff.txt"
echo "$(wc -l <"$OUT/staff.txt") readers' accounts"
"$OUT/load" -url "$URL" -c 20 -d 3s -receipts "$OUT/seed.txt" >/dev/null
"$OUT/load" -url "$URL" -open-cases "$CASES" -staff "$OUT/opener.txt"

echo "== $CONC reporters (think $THINK) and $READERS console readers (think $READER_THINK), $DURATION, $DB; load average $(cut -d' ' -f1-3 /proc/loadavg)"
[[ $DB == postgres ]] && LSN0=$(pgwal)
"$OUT/load" -url "$URL" -c "$CONC" -think "$THINK" -readers "$READERS" -reader-think "$READER_THINK" -staff "$OUT/staff.txt" \
  -d "$DURATION" -receipts "$OUT/mixed.txt" -pid "$PID" ${WAL:+-wal "$WAL"} | tee "$OUT/mixed.result"
if [[ $DB == postgres ]]; then
  LSN1=$(pgwal)
  echo "PostgreSQL WAL written during the load: $(psql -d vigia_load -Atc "select pg_size_pretty(pg_wal_lsn_diff('$LSN1','$LSN0'))")" | tee -a "$OUT/mixed.result"
else
  sleep 5
  echo "SQLite WAL 5 s after the load: $(stat -c %s "$WAL") bytes; database $(stat -c %s "$DBURL") bytes" | tee -a "$OUT/mixed.result"
fi
"$OUT/load" -url "$URL" -verify "$OUT/mixed.txt" -c 32 | tee -a "$OUT/mixed.result"
"$OUT/load" -url "$URL" -verify "$OUT/seed.txt" -c 32 | sed 's/^/warm-up reports: /'

if [[ ${CLOSED:-} == 1 ]]; then
  echo "== closed loop, reporters only: $CONC reporters, $DURATION"
  "$OUT/load" -url "$URL" -c "$CONC" -d "$DURATION" -receipts "$OUT/closed.txt" -pid "$PID" ${WAL:+-wal "$WAL"} | tee "$OUT/closed.result"
  "$OUT/load" -url "$URL" -verify "$OUT/closed.txt" -c 32 | tee -a "$OUT/closed.result"
fi

echo "== SIGKILL 8 s into the same mixed load"
"$OUT/load" -url "$URL" -c "$CONC" -think "$THINK" -readers "$READERS" -reader-think "$READER_THINK" -staff "$OUT/staff.txt" \
  -d 20s -receipts "$OUT/kill.txt" > "$OUT/kill.result" || true &
LOADPID=$!
sleep 8
kill -9 "$PID"
wait "$PID" 2>/dev/null || true
echo "killed the server after 8 s with $(wc -l < "$OUT/kill.txt") receipts acknowledged"
[[ $DB == sqlite ]] && echo "SQLite WAL left by the kill: $(stat -c %s "$WAL" 2>/dev/null || echo 0) bytes"
wait $LOADPID || true
cat "$OUT/kill.result"
start
[[ $DB == sqlite ]] && echo "SQLite WAL after the restart: $(stat -c %s "$WAL" 2>/dev/null || echo 0) bytes"
"$OUT/load" -url "$URL" -verify "$OUT/kill.txt" -c 32 | tee -a "$OUT/kill.result"
"$OUT/vigia" audit verify --db "$DBURL" "${KEYS[@]}"
