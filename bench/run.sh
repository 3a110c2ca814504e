#!/usr/bin/env bash
# Data-plane benchmark on loopback (not a test): one backend (bench/Backend: 100-byte answer over HTTP/1.1 and h2c,
# gRPC Echo.Say on h2c) and Plexus in local mode in front of it. For each case it measures the load sent straight
# to the backend and through Plexus, and prints requests/s, p99 latency and the ratio to direct. Then it measures
# h1 -> h1 and h2c -> h2c again, through Plexus and through a second Plexus started with --request-metrics=false,
# back to back, to show what the request metrics cost.
#
# usage: bench/run.sh [--seconds N] [--out FILE] [--plexus-args "..."]
# CPU layout: load generator on CPU 0; backend and Plexus share CPU 1 (as shared/bench/peers.sh does).
# Needs wrk and h2load (Debian: wrk nghttp2-client); installs them when missing. Touches only 127.0.0.1:18401-18422.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=5; OUT=""; PLEXUS_ARGS=""
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) SECS=$2; shift 2;; --out) OUT=$2; shift 2;; --plexus-args) PLEXUS_ARGS=$2; shift 2;;
    -h|--help) sed -n 2,10p "$0"; exit 0;;
    *) echo "unknown argument: $1" >&2; exit 2;;
  esac
done
# shellcheck source=bench/lib.sh
. bench/lib.sh
ensure_tools "wrk nghttp2-client" wrk h2load
bench_setup plexus-bench

dotnet publish -c Release -v quiet -nologo bench/Backend/Plexus.Bench.Backend.csproj -o "$W/backend" >/dev/null
dotnet publish -c Release -v quiet -nologo src/Controller/Plexus.Controller.csproj -o "$W/plexus" >/dev/null

mkdir -p "$W/manifests" && cp bench/manifests/bench.yaml "$W/manifests/"

taskset -c $SRVCPU dotnet "$W/backend/Plexus.Bench.Backend.dll" --h1-port 18401 --h2c-port 18402 >"$W/backend.log" 2>&1 & PIDS+=($!)
# shellcheck disable=SC2086
Logging__LogLevel__Default=Warning taskset -c $SRVCPU dotnet "$W/plexus/Plexus.Controller.dll" --manifests "$W/manifests" \
  --http-port 18410 --https-port 18411 --admin-port 18412 $PLEXUS_ARGS >"$W/plexus.log" 2>&1 & PLEXUS_PID=$!; PIDS+=($PLEXUS_PID)
# The same proxy without request metrics (idle while the first one is measured, and the other way round).
# shellcheck disable=SC2086
Logging__LogLevel__Default=Warning taskset -c $SRVCPU dotnet "$W/plexus/Plexus.Controller.dll" --manifests "$W/manifests" \
  --http-port 18420 --https-port 18421 --admin-port 18422 --request-metrics=false $PLEXUS_ARGS >"$W/plexus-nometrics.log" 2>&1 & PIDS+=($!)
for p in 18401 18402 18410 18412 18420 18422; do wait_port $p || { tail -20 "$W/plexus.log" "$W/plexus-nometrics.log"; exit 1; }; done
for admin in 18412 18422; do
  for i in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$admin/readyz" && break; sleep 0.1; done
done

# gRPC unary request body: 5-byte gRPC frame header + EchoRequest{text: "hi"}.
printf '\x00\x00\x00\x00\x04\x0a\x02hi' > "$W/grpc.bin"

peak() { awk '/VmHWM/ {printf "%d", $2/1024}' /proc/$PLEXUS_PID/status; }

{
echo "Loopback, ${SECS} s per cell; 100-byte body; load on CPU $LOADCPU, backend + Plexus on CPU $SRVCPU."
echo "h1 load: wrk -t1 -c64; h2c and gRPC load: h2load -c16 -m16 (p99 from its per-request log)."
echo
echo "| client -> upstream | direct to backend | through Plexus | Plexus / direct |"
echo "|---|--:|--:|--:|"
} | tee "$W/table"
# Warm-up, not measured: a fresh .NET process runs unoptimised (tier-0) code at first, and pinned to one CPU the
# runtime waits ten times longer (1 s of no new code) before it starts optimising; both instances get the same.
for port in 18410 18420; do
  taskset -c $LOADCPU wrk -t1 -c64 -d"${SECS}s" -H "Host: h1.bench" "http://127.0.0.1:$port/" >/dev/null 2>&1 || true
  taskset -c $LOADCPU h2load -c16 -m16 -t1 -D "$SECS" -H ":authority: h2c.bench" "http://127.0.0.1:$port/" >/dev/null 2>&1 || true
done
row() { printf "| %s | %s | %s | %s |\n" "$1" "$(cell "$2")" "$(cell "$3")" "$(ratio "$2" "$3")" | tee -a "$W/table"; }
d=$(h1load 18401 localhost);          p=$(h1load 18410 h1.bench);           row "h1 -> h1" "$d" "$p"
d=$(h1load 18401 localhost);          p=$(h1load 18410 h2c.bench);          row "h1 -> h2c (direct: h1)" "$d" "$p"
d=$(h2cload 18402 localhost);         p=$(h2cload 18410 h2c.bench);         row "h2c -> h2c" "$d" "$p"
d=$(h2cload 18402 localhost grpc);    p=$(h2cload 18410 h2c.bench grpc);    row "gRPC unary (h2c -> h2c)" "$d" "$p"
echo | tee -a "$W/table"
echo "Plexus peak resident memory: $(peak) MB" | tee -a "$W/table"

{
echo
echo "Request metrics on vs off (same build; the second instance runs with --request-metrics=false):"
echo
echo "| client -> upstream | metrics on | metrics off | on / off |"
echo "|---|--:|--:|--:|"
} | tee -a "$W/table"
onoff() { printf "| %s | %s | %s | %s |\n" "$1" "$(cell "$2")" "$(cell "$3")" "$(ratio "$3" "$2")" | tee -a "$W/table"; }
on=$(h1load 18410 h1.bench);          off=$(h1load 18420 h1.bench);         onoff "h1 -> h1" "$on" "$off"
on=$(h2cload 18410 h2c.bench);        off=$(h2cload 18420 h2c.bench);       onoff "h2c -> h2c" "$on" "$off"
[ -n "$OUT" ] && cp "$W/table" "$OUT"
exit 0
