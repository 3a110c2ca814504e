# Shared by bench/run.sh and bench/floor.sh (sourced): tools, work folder, waiting for ports and one measurement of a
# load. The measurements expect SECS (seconds per measurement) and what bench_setup sets.

# Installs the Debian packages when one of the commands is missing. usage: ensure_tools "pkg pkg" cmd cmd...
ensure_tools() {
  local packages=$1 cmd; shift
  for cmd in "$@"; do
    if ! command -v "$cmd" >/dev/null 2>&1; then
      export DEBIAN_FRONTEND=noninteractive
      # shellcheck disable=SC2086
      (apt-get update -qq && apt-get install -y -qq $packages) >/dev/null || { echo "cannot install $packages" >&2; exit 2; }
      return
    fi
  done
}

# W: a work folder removed on exit, with every process in PIDS stopped; LOADCPU for the load generator, SRVCPU for
# backend and server under test. usage: bench_setup name
bench_setup() {
  W=$(mktemp -d -t "$1.XXXXXX"); PIDS=()
  trap 'for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$W"' EXIT
  LOADCPU=0; SRVCPU=$(( $(nproc) > 1 ? 1 : 0 ))
}

wait_port() { local i=0; while [ $i -lt 600 ]; do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; i=$((i+1)); done; echo "port $1 never opened" >&2; return 1; }

# One measurement, printing "rps p99_ms".
h1load() { # port host
  taskset -c $LOADCPU wrk -t1 -c64 -d"${SECS}s" --latency -H "Host: $2" "http://127.0.0.1:$1/" 2>&1 |
    awk '/Requests\/sec/ {r=$2} /^ +99%/ {l=$2} /Non-2xx|Socket errors/ {bad=1} END {
      if (l ~ /us$/) {sub(/us/,"",l); l=l/1000} else if (l ~ /ms$/) {sub(/ms/,"",l)} else if (l ~ /s$/) {sub(/s/,"",l); l=l*1000}
      if (bad) r=0; printf "%d %.2f\n", r, l }'
}
h2load_p99() { # log file -> p99 in ms (third column: microseconds until the end of the response)
  sort -n -k3,3 "$1" | awk '{a[NR]=$3} END { if (NR==0) {print 0; exit} i=int(NR*0.99); if (i<1) i=1; printf "%.2f\n", a[i]/1000 }'
}
h2cload() { # port host [grpc]
  local log="$W/h2load.log" extra=()
  rm -f "$log"
  if [ "${3:-}" = grpc ]; then
    extra=(-d "$W/grpc.bin" -H 'content-type: application/grpc' -H 'te: trailers')
    path=/plexus.testing.Echo/Say
  else
    path=/
  fi
  local out; out=$(taskset -c $LOADCPU h2load -c16 -m16 -t1 -D "$SECS" --log-file="$log" -H ":authority: $2" "${extra[@]}" "http://127.0.0.1:$1$path" 2>&1)
  local rps failed
  rps=$(awk '/^finished in/ {gsub(/,/,""); for(i=1;i<=NF;i++) if ($i=="req/s") print $(i-1)}' <<<"$out")
  failed=$(awk '/^requests:/ {for(i=1;i<=NF;i++) if ($i=="failed,") print $(i-1)}' <<<"$out")
  [ "${failed:-1}" = 0 ] || rps=0
  printf "%d %s\n" "${rps%.*}" "$(h2load_p99 "$log")"
}
cell() { local r l; read -r r l <<<"$1"; if [ "${r:-0}" = 0 ]; then echo "failed"; else printf "%s req/s, p99 %s ms" "$r" "$l"; fi; }
ratio() { local a b; a=${1%% *}; b=${2%% *}; if [ "${a:-0}" -gt 0 ] && [ "${b:-0}" -gt 0 ]; then echo "$(( b * 100 / a )) %"; else echo "–"; fi; }
