#!/usr/bin/env bash
# Load test of the observatory with wrk (Debian's package): the home page and
# a state page, 64 connections, on SQLite and on PostgreSQL. Only loopback
# addresses are used; each run is bounded by -d.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null; }
DURATION=${DURATION:-20s}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
PGURL=${PGURL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
PGDB=${PGDB:-vigia_bench} # a database of its own, created and dropped here
PORT=${PORT:-18081}        # SQLite on PORT, PostgreSQL on PORT+1 (loopback only)
out=bench/out/web
mkdir -p "$out"
go build -o "$out/vigia" ./cmd/vigia

run_one() { # name db port
  local name=$1 db=$2 port=$3
  "$out/vigia" serve --db "$db" --addr "127.0.0.1:$port" >"$out/$name.serve.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 1; done
  for p in / /estados/mx-bcn; do curl -sf "http://127.0.0.1:$port$p" >/dev/null; done # warm the page cache
  for p in / /estados/mx-bcn; do
    echo "== $name $p (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
    wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "http://127.0.0.1:$port$p" | tee "$out/$name$(echo "$p" | tr / _).txt" | grep -E "Requests/sec|99%|50%|Non-2xx|Socket errors" || true
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

rm -f "$out/bench.db"*
run_one sqlite "$out/bench.db" "$PORT"
psql "$PGURL" -qc "DROP DATABASE IF EXISTS $PGDB" -c "CREATE DATABASE $PGDB" >/dev/null
run_one postgres "${PGURL%/*}/$PGDB?sslmode=disable" "$((PORT + 1))"
psql "$PGURL" -qc "DROP DATABASE IF EXISTS $PGDB" >/dev/null
