#!/usr/bin/env bash
# Hotline load test (results in bench/README.md, "Hotline"):
#  1. 200 concurrent anonymous reporters post SYNTHETIC reports for 60 s to a
#     server on SQLite, closed loop (each sends again as soon as answered) and
#     with a think time; p99 latency and throughput;
#  2. every acknowledged receipt is then retrieved through the API;
#  3. the server is killed with SIGKILL in the middle of the load, restarted,
#     and every receipt acknowledged before the kill is retrieved.
# Usage: bash bench/hotline/run.sh     Env: DURATION=60s CONC=200 THINK=1s
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
DURATION=${DURATION:-60s}
CONC=${CONC:-200}
THINK=${THINK:-1s}
OUT=${BENCH_OUT:-$ROOT/bench/out}/hotline
rm -rf "$OUT" && mkdir -p "$OUT"
go build -o "$OUT/vigia" ./cmd/vigia
go build -o "$OUT/load" ./bench/hotline/load
ADDR=127.0.0.1:18090
URL=http://$ADDR
PID=
start() {
  "$OUT/vigia" serve --db "$OUT/bench.db" --addr $ADDR --report-rate 100000000 --receipt-rate 100000000 --receipt-failures 100000000 >>"$OUT/server.out" 2>>"$OUT/server.err" &
  PID=$!
  for _ in $(seq 1 600); do curl -fs "$URL/healthz" >/dev/null 2>&1 && return; sleep 0.1; done
  echo "server did not start" >&2; cat "$OUT/server.err" >&2; exit 1
}
trap '[[ -n $PID ]] && kill $PID 2>/dev/null || true' EXIT
start
echo "== closed loop: $CONC reporters, $DURATION"
"$OUT/load" -url "$URL" -c "$CONC" -d "$DURATION" -receipts "$OUT/closed.txt" | tee "$OUT/closed.result"
"$OUT/load" -url "$URL" -verify "$OUT/closed.txt" -c 32 | tee -a "$OUT/closed.result"
echo "== with think time $THINK: $CONC reporters, $DURATION"
"$OUT/load" -url "$URL" -c "$CONC" -d "$DURATION" -think "$THINK" -receipts "$OUT/think.txt" | tee "$OUT/think.result"
"$OUT/load" -url "$URL" -verify "$OUT/think.txt" -c 32 | tee -a "$OUT/think.result"
echo "== SIGKILL in the middle of the load"
"$OUT/load" -url "$URL" -c "$CONC" -d 20s -receipts "$OUT/kill.txt" > "$OUT/kill.result" || true &
LOADPID=$!
sleep 8
kill -9 $PID
wait $PID 2>/dev/null || true
echo "killed the server after 8 s with $(wc -l < "$OUT/kill.txt") receipts acknowledged"
wait $LOADPID || true
cat "$OUT/kill.result"
start
"$OUT/load" -url "$URL" -verify "$OUT/kill.txt" -c 32 | tee -a "$OUT/kill.result"
"$OUT/vigia" audit verify --db "$OUT/bench.db"
