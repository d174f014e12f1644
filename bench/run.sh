#!/usr/bin/env bash
# Vigía benchmark: read + "Trata de personas" monthly aggregation on three
# inputs (nov24 state incidence, jun25 long victims, a SYNTHETIC municipal
# file of >= 2.5M rows), Go vs pandas vs DuckDB, plus a SQLite import of the
# synthetic file with the vigia CLI. See bench/README.md.
#
# Usage: bash bench/run.sh            (from anywhere)
# Env:   RUNS=3             runs per implementation and input (best wall time kept)
#        ROWS=2600000       rows of the synthetic file (regenerated if the count differs)
#        SEED=1             generator seed
#        BENCH_OUT=bench/out  work dir (git-ignored)
#        SHARED=../shared   where the bundled data lives
#        NO_INSTALL=1       never apt-get/npm install; skip missing peers instead
#        VIGIA_IMPORT_ARGS, VIGIA_BRIEF_ARGS  extra CLI arguments
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
RUNS=${RUNS:-3}
ROWS=${ROWS:-2600000}
SEED=${SEED:-1}
OUT=${BENCH_OUT:-$ROOT/bench/out}
SHARED=${SHARED:-$ROOT/../shared}
PY=/usr/bin/python3
mkdir -p "$OUT/bin" "$OUT/results"
OUT=$(cd "$OUT" && pwd)

say() { printf '%s\n' "$*" >&2; }
die() { say "run.sh: FAIL: $*"; exit 1; }

INCIDENCE=$SHARED/data/sesnsp/lapanquecita/nov24/estatal.csv
VICTIMS=$SHARED/data/sesnsp/isaacarroyov/jun25/db_victimas_delitos_ent_long.csv.bz2
SYNTH=$OUT/municipal_synthetic_${ROWS}_s${SEED}.csv
for f in "$INCIDENCE" "$VICTIMS"; do [[ -r $f ]] || die "missing input $f (set SHARED=...)"; done

can_install() { [[ -z ${NO_INSTALL:-} && $(id -u) == 0 ]]; }

# --- tools -------------------------------------------------------------------
if [[ ! -x /usr/bin/time ]]; then
  if can_install; then
    say "installing GNU time (apt)"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
  fi
  [[ -x /usr/bin/time ]] || die "/usr/bin/time (Debian package 'time') is needed for wall time and peak RSS"
fi

HAVE_PANDAS=0
if ! $PY -c 'import pandas' 2>/dev/null && can_install; then
  say "installing Debian's python3-pandas (apt)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pandas >/dev/null || true
fi
if $PY -c 'import pandas' 2>/dev/null; then HAVE_PANDAS=1
else say "run.sh: pandas peer SKIPPED: $PY cannot import pandas (apt-get install python3-pandas; a pyenv python is not used)"; fi

HAVE_DUCKDB=0
if command -v node >/dev/null; then
  if [[ ! -d bench/peers/node_modules/@duckdb/node-api ]] && [[ -z ${NO_INSTALL:-} ]]; then
    say "installing @duckdb/node-api (npm ci in bench/peers)"
    (cd bench/peers && npm ci --no-audit --no-fund >/dev/null) || say "run.sh: npm ci failed"
  fi
  if [[ -d bench/peers/node_modules/@duckdb/node-api ]]; then HAVE_DUCKDB=1
  else say "run.sh: DuckDB peer SKIPPED: bench/peers/node_modules missing (cd bench/peers && npm ci)"; fi
else
  say "run.sh: DuckDB peer SKIPPED: node is not installed"
fi
command -v bzip2 >/dev/null || say "run.sh: note: the DuckDB peer needs bzip2 for the .bz2 input"

# --- Go binaries ---------------------------------------------------------------
say "building bench/gen and bench/readagg"
go build -o "$OUT/bin/gen" ./bench/gen
HAVE_GO=0
if go build -o "$OUT/bin/readagg" ./bench/readagg 2>"$OUT/readagg-build.log"; then HAVE_GO=1
else say "run.sh: Go side SKIPPED: bench/readagg does not build:"; cat "$OUT/readagg-build.log" >&2; fi

# --- synthetic input ---------------------------------------------------------
if [[ ! -s $SYNTH ]]; then
  say "generating $SYNTH (SYNTHETIC, $ROWS rows, seed $SEED)"
  /usr/bin/time -f 'gen: %e s %M KB' "$OUT/bin/gen" -rows "$ROWS" -seed "$SEED" -o "$SYNTH.tmp"
  mv "$SYNTH.tmp" "$SYNTH"
fi

# --- read + aggregate --------------------------------------------------------
# measure NAME INPUT CMD...: RUNS runs; prints "best_wall_s max_rss_kb"; keeps stdout of the last run.
measure() {
  local name=$1 key=$2; shift 2
  local best="" rss=0 i t m
  for ((i = 1; i <= RUNS; i++)); do
    if ! /usr/bin/time -f '%e %M' -o "$OUT/results/$key.$name.time" "$@" \
        >"$OUT/results/$key.$name.out" 2>"$OUT/results/$key.$name.err"; then
      cat "$OUT/results/$key.$name.err" >&2
      die "$name failed on $key"
    fi
    read -r t m < <(tail -n 1 "$OUT/results/$key.$name.time")
    if [[ -z $best ]] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a < b)}'; then best=$t; fi
    ((m > rss)) && rss=$m
  done
  echo "$best $rss"
}

declare -A T M
INPUTS=(incidence_nov24 victims_jun25 municipal_synthetic)
declare -A FILE=([incidence_nov24]=$INCIDENCE [victims_jun25]=$VICTIMS [municipal_synthetic]=$SYNTH)
IMPLS=()
((HAVE_GO)) && IMPLS+=(go)
((HAVE_PANDAS)) && IMPLS+=(pandas)
((HAVE_DUCKDB)) && IMPLS+=(duckdb)
((${#IMPLS[@]})) || die "no implementation to run"

for key in "${INPUTS[@]}"; do
  f=${FILE[$key]}
  for impl in "${IMPLS[@]}"; do
    say "timing $impl on $key (best of $RUNS)"
    case $impl in
      go) r=$(measure go "$key" "$OUT/bin/readagg" "$f") ;;
      pandas) r=$(measure pandas "$key" "$PY" bench/peers/pandas_readagg.py "$f") ;;
      duckdb) r=$(measure duckdb "$key" node bench/peers/duckdb_readagg.mjs "$f") ;;
    esac
    read -r T[$key.$impl] M[$key.$impl] <<<"$r"
  done
  # Cross-check: every implementation must print the same bytes.
  ref=${IMPLS[0]}
  [[ -s $OUT/results/$key.$ref.out ]] || die "$ref printed nothing for $key"
  for impl in "${IMPLS[@]:1}"; do
    if ! diff -u "$OUT/results/$key.$ref.out" "$OUT/results/$key.$impl.out" >"$OUT/results/$key.$impl.diff"; then
      head -n 40 "$OUT/results/$key.$impl.diff" >&2
      die "OUTPUT MISMATCH on $key: $ref vs $impl (see $OUT/results/$key.$impl.diff)"
    fi
  done
  say "  outputs agree ($(wc -l <"$OUT/results/$key.$ref.out") months)"
done

# --- sanity figures (DATA.md reference figures) --------------------------------
ref=${IMPLS[0]}
h1=$(awk -F, '$1 >= "2022-01" && $1 <= "2022-06" {s += $2} END {print s+0}' "$OUT/results/incidence_nov24.$ref.out")
v22=$(awk -F, '$1 ~ /^2022-/ {s += $2} END {print s+0}' "$OUT/results/victims_jun25.$ref.out")
[[ $h1 == 416 ]] || die "nov24 carpetas Trata de personas Jan-Jun 2022 = $h1, expected 416"
[[ $v22 == 942 ]] || die "jun25 victims Trata de personas 2022 = $v22, expected 942"

# --- report --------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
{
  echo "## Read + aggregate (best of $RUNS; wall time, peak RSS)"
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "| input | rows | Go | pandas | DuckDB | pandas / Go (floor ≥ 3) | Go / DuckDB (floor ≤ 1.5) |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for key in "${INPUTS[@]}"; do
    f=${FILE[$key]}
    if [[ $f == *.bz2 ]]; then rows=$(bzip2 -dc "$f" | tail -n +2 | wc -l); else rows=$(tail -n +2 "$f" | wc -l); fi
    cell() { local k=$key.$1; [[ -n ${T[$k]:-} ]] && printf '%s s, %s MB' "${T[$k]}" "$((M[$k] / 1024))" || printf 'skipped'; }
    pg=n/a gd=n/a
    if [[ -n ${T[$key.go]:-} && -n ${T[$key.pandas]:-} ]]; then
      pg=$(ratio "${T[$key.pandas]}" "${T[$key.go]}")
      pg="$pg $(awk -v r="$pg" 'BEGIN{print (r >= 3 ? "PASS" : "FAIL")}')"
    fi
    if [[ -n ${T[$key.go]:-} && -n ${T[$key.duckdb]:-} ]]; then
      gd=$(ratio "${T[$key.go]}" "${T[$key.duckdb]}")
      gd="$gd $(awk -v r="$gd" 'BEGIN{print (r <= 1.5 ? "PASS" : "FAIL")}')"
    fi
    echo "| $key | $rows | $(cell go) | $(cell pandas) | $(cell duckdb) | $pg | $gd |"
  done
  echo
  echo "Sanity: nov24 Trata de personas carpetas Jan-Jun 2022 = $h1 (expected 416); jun25 victims 2022 = $v22 (expected 942)."
  echo "DuckDB on the .bz2 input includes a 'bzip2 -dc' to a temp file (DuckDB's read_csv has no bzip2)."
} | tee "$OUT/results/readagg.md"

# --- SQLite import with the vigia CLI ---------------------------------------------
echo
echo "## Import into SQLite (floor: < 60 s, peak RSS < 500 MB)"
echo
if [[ -d cmd/vigia ]] && go build -o "$OUT/bin/vigia" ./cmd/vigia 2>"$OUT/vigia-build.log"; then
  # Built first, then timed: this is what `go run ./cmd/vigia ...` runs, minus compilation.
  # timed NAME CMD...: one run; prints "wall_s rss_kb" or "FAILED".
  timed() {
    local name=$1; shift
    if /usr/bin/time -f '%e %M' -o "$OUT/results/$name.time" "$@" >"$OUT/results/$name.out" 2>"$OUT/results/$name.err"; then
      tail -n 1 "$OUT/results/$name.time"
    else
      echo FAILED
    fi
  }
  row() { # row LABEL "wall rss" VERDICT
    local t m; read -r t m <<<"$2"
    if [[ $t == FAILED ]]; then echo "| $1 | failed, see $OUT/results/*.err | | |"
    else echo "| $1 | $t s | $((m / 1024)) MB | $3 |"; fi
  }
  BUNDLED=$OUT/bundled.db DB=$OUT/bench.db
  rm -f "$BUNDLED" "$BUNDLED"-* "$DB" "$DB"-*
  BRIEF_ARGS=${VIGIA_BRIEF_ARGS:---from 2022-01 --to 2022-06}
  echo "| step | wall | peak RSS | verdict |"
  echo "|---|---:|---:|---|"
  # 1. A new database is seeded with the bundled releases on first open.
  r=$(timed seed "$OUT/bin/vigia" releases --db "$BUNDLED"); row "new DB: seed bundled releases (vigia releases --db new.db)" "$r" "–"
  [[ $r == FAILED ]] || cp "$BUNDLED" "$DB"
  # 2. The floor: import the synthetic municipal file into an already seeded DB.
  # shellcheck disable=SC2086
  r=$(timed import "$OUT/bin/vigia" import --db "$DB" ${VIGIA_IMPORT_ARGS:-} "$SYNTH")
  verdict=FAIL
  if [[ $r != FAILED ]]; then
    read -r t m <<<"$r"
    verdict=$(awk -v t="$t" -v m="$m" 'BEGIN{print (t < 60 && m < 500*1024 ? "PASS" : "FAIL")}')
  fi
  row "vigia import --db bench.db <synthetic, $ROWS rows>" "$r" "$verdict"
  # 3. The brief on the bundled data only (not on the DB holding the synthetic release).
  # shellcheck disable=SC2086
  r=$(timed brief "$OUT/bin/vigia" brief --db "$BUNDLED" $BRIEF_ARGS); row "vigia brief $BRIEF_ARGS (bundled data)" "$r" "–"
  [[ $verdict == PASS ]] || say "run.sh: import floor not met (see $OUT/results/import.err)"
else
  echo "SKIPPED: ./cmd/vigia does not exist or does not build yet (see $OUT/vigia-build.log)."
fi
