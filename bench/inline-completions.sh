#!/usr/bin/env bash
# What inline socket completions buy (not a test): two Plexus instances from one build in front of the bench backend,
# the first with DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 (the opt-in, chart value
# controller.inlineSocketCompletions), the second with .NET's default; measured interleaved, ROUNDS times each, so
# that drift of a shared machine hits both alike. Prints req/s and p99 per round and the median ratio.
#
# usage: bench/inline-completions.sh [--seconds N] [--rounds N]
# CPU layout as bench/run.sh: load on CPU 0, backend + Plexus on CPU 1. Touches only 127.0.0.1:18401-18402, 18430-18442.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=5; ROUNDS=3
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) SECS=$2; shift 2;; --rounds) ROUNDS=$2; shift 2;;
    -h|--help) sed -n 2,8p "$0"; exit 0;;
    *) echo "unknown argument: $1" >&2; exit 2;;
  esac
done
# shellcheck source=bench/lib.sh
. bench/lib.sh
ensure_tools "wrk nghttp2-client" wrk h2load
bench_setup plexus-inline

dotnet publish -c Release -v quiet -nologo bench/Backend/Plexus.Bench.Backend.csproj -o "$W/backend" >/dev/null
dotnet publish -c Release -v quiet -nologo src/Controller/Plexus.Controller.csproj -o "$W/plexus" >/dev/null
mkdir -p "$W/manifests" && cp bench/manifests/bench.yaml "$W/manifests/"

taskset -c $SRVCPU dotnet "$W/backend/Plexus.Bench.Backend.dll" --h1-port 18401 --h2c-port 18402 >"$W/backend.log" 2>&1 & PIDS+=($!)
start() { # inline(1|0) http admin
  local env=(Logging__LogLevel__Default=Warning)
  [ "$1" = 1 ] && env+=(DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1)
  env "${env[@]}" taskset -c $SRVCPU dotnet "$W/plexus/Plexus.Controller.dll" --manifests "$W/manifests" \
    --http-port "$2" --https-port $(( $2 + 1 )) --admin-port "$3" >"$W/plexus-$1.log" 2>&1 & PIDS+=($!)
}
start 1 18430 18432
start 0 18440 18442
for p in 18401 18402 18430 18432 18440 18442; do wait_port $p || { tail -20 "$W"/plexus-*.log; exit 1; }; done
for admin in 18432 18442; do
  for i in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$admin/readyz" && break; sleep 0.1; done
done
# Warm both (a fresh process runs unoptimised code first).
SECS_SAVED=$SECS; SECS=2; h1load 18430 h1.bench >/dev/null; h1load 18440 h1.bench >/dev/null; SECS=$SECS_SAVED

echo "Loopback, $ROUNDS x ${SECS} s per cell, interleaved; 100-byte body; load on CPU $LOADCPU, backend + Plexus on CPU $SRVCPU; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| round | h1 -> h1 inline | h1 -> h1 default | h2c -> h2c inline | h2c -> h2c default |"
echo "|---|--:|--:|--:|--:|"
h1_ratios=(); h2_ratios=()
for r in $(seq 1 "$ROUNDS"); do
  a=$(h1load 18430 h1.bench); b=$(h1load 18440 h1.bench)
  c=$(h2cload 18430 h2c.bench); d=$(h2cload 18440 h2c.bench)
  echo "| $r | $(cell "$a") | $(cell "$b") | $(cell "$c") | $(cell "$d") |"
  h1_ratios+=("$(ratio "$b" "$a")"); h2_ratios+=("$(ratio "$d" "$c")")
done
median() { printf '%s\n' "$@" | sed 's/ %//' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)] " %"}'; }
echo "inline / default, median: h1 -> h1 $(median "${h1_ratios[@]}"), h2c -> h2c $(median "${h2_ratios[@]}")"
