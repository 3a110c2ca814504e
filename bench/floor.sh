#!/usr/bin/env bash
# The floor under Plexus' data plane (not a test): how many requests/s the .NET stack Plexus is built on reaches with
# nothing of Plexus on it, under the load and CPU layout of shared/bench/peers.sh. Backend: nginx (one worker, 100-byte
# answer) on 127.0.0.1:18401 (HTTP/1.1) and :18402 (h2c). In front of it, one at a time on the backend's CPU:
#   kestrel  Kestrel answering 100 bytes itself (no upstream: what the server half alone costs)
#   client   Kestrel + a bare SocketsHttpHandler forwarding each request (no YARP)
#   yarp     Kestrel + YARP's IHttpForwarder, nothing else
#   routes   Kestrel + YARP's whole proxy (MapReverseProxy, a route per host, Plexus' transforms), no Plexus code
#   Plexus   the published controller in local mode (bench/manifests/bench.yaml)
# Same runtime settings for all: the projects' GC and JIT settings, 512 pooled arrays per size (the default Plexus sets
# for itself, src/Controller/Hosting/RuntimeEnvironmentDefaults.cs) and inline socket completions (an operator's opt-in
# since it stopped being a default; set here so the figures compare with the runs in the README).
#
# usage: bench/floor.sh [--seconds N] [--out FILE]
# Needs nginx, wrk, h2load (Debian: nginx-light wrk nghttp2-client); installs them when missing.
# Touches only 127.0.0.1:18401-18402, 18410-18412 and 18501-18504.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=5; OUT=""
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) SECS=$2; shift 2;; --out) OUT=$2; shift 2;;
    -h|--help) sed -n 2,14p "$0"; exit 0;;
    *) echo "unknown argument: $1" >&2; exit 2;;
  esac
done
# shellcheck source=bench/lib.sh
. bench/lib.sh
ensure_tools "nginx-light wrk nghttp2-client" nginx wrk h2load
bench_setup plexus-floor

dotnet publish -c Release -v quiet -nologo bench/Floor/Plexus.Bench.Floor.csproj -o "$W/floor" >/dev/null
dotnet publish -c Release -v quiet -nologo src/Controller/Plexus.Controller.csproj -o "$W/plexus" >/dev/null
mkdir -p "$W/manifests" "$W/be" && cp bench/manifests/bench.yaml "$W/manifests/"

BODY=$(head -c 100 /dev/zero | tr '\0' 'x')
cat > "$W/be/nginx.conf" <<NGINX
worker_processes 1; daemon off; pid $W/be/nginx.pid; error_log $W/be/error.log warn;
events { worker_connections 4096; }
http {
  access_log off; keepalive_requests 1000000; client_body_temp_path $W/be;
  server { listen 127.0.0.1:18401; location / { return 200 "$BODY"; } }
  server { listen 127.0.0.1:18402 http2; http2_max_concurrent_streams 256; location / { return 200 "$BODY"; } }
}
NGINX
taskset -c $SRVCPU nginx -c "$W/be/nginx.conf" -p "$W/be" 2>"$W/be/stderr" & PIDS+=($!)
wait_port 18401; wait_port 18402

# Runs one server on the backend's CPU, warms it (a fresh .NET process starts on unoptimised code), then measures
# h1 -> h1, h1 -> h2c, h2c -> h1, h2c -> h2c; prints them as one space-separated line of "rps/p99" cells.
measure() { # name ports(4) hosts(4) command...
  local name=$1 ports=($2) hosts=($3); shift 3
  DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION=512 \
    Logging__LogLevel__Default=Warning taskset -c $SRVCPU "$@" >"$W/$name.log" 2>&1 &
  local pid=$!
  wait_port "${ports[0]}" || { tail -20 "$W/$name.log" >&2; exit 1; }
  [ "$name" = plexus ] && for i in $(seq 1 100); do curl -fs -o /dev/null http://127.0.0.1:18412/readyz && break; sleep 0.1; done
  taskset -c $LOADCPU wrk -t1 -c64 -d"${SECS}s" -H "Host: ${hosts[0]}" "http://127.0.0.1:${ports[0]}/" >/dev/null 2>&1 || true
  taskset -c $LOADCPU h2load -c16 -m16 -t1 -D "$SECS" -H ":authority: ${hosts[3]}" "http://127.0.0.1:${ports[3]}/" >/dev/null 2>&1 || true
  local line="" r l
  for i in 0 1; do read -r r l <<<"$(h1load "${ports[$i]}" "${hosts[$i]}")"; line+="$r/$l "; done
  for i in 2 3; do read -r r l <<<"$(h2cload "${ports[$i]}" "${hosts[$i]}")"; line+="$r/$l "; done
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$line"
}
FLOOR_PORTS="18501 18502 18503 18504"; ANY="x x x x"; HOSTS="h1.bench h2c.bench h1.bench h2c.bench"
direct="$(h1load 18401 localhost | tr ' ' /) - - $(h2cload 18402 localhost | tr ' ' /)"
kestrel=$(measure kestrel "$FLOOR_PORTS" "$ANY" dotnet "$W/floor/Plexus.Bench.Floor.dll" kestrel)
client=$(measure client "$FLOOR_PORTS" "$ANY" dotnet "$W/floor/Plexus.Bench.Floor.dll" client)
yarp=$(measure yarp "$FLOOR_PORTS" "$ANY" dotnet "$W/floor/Plexus.Bench.Floor.dll" yarp)
routes=$(measure routes "$FLOOR_PORTS" "$HOSTS" dotnet "$W/floor/Plexus.Bench.Floor.dll" routes)
plexus=$(measure plexus "18410 18410 18410 18410" "$HOSTS" \
  dotnet "$W/plexus/Plexus.Controller.dll" --manifests "$W/manifests" --http-port 18410 --https-port 18411 --admin-port 18412)

{
echo "Loopback, ${SECS} s per cell; 100-byte body; load on CPU $LOADCPU, backend (nginx) + server under test on CPU $SRVCPU."
echo "h1 load: wrk -t1 -c64; h2c load: h2load -c16 -m16. Cell: req/s / p99 ms."
echo
echo "| client -> upstream | nginx backend direct | Kestrel alone (no upstream) | Kestrel + HttpClient | Kestrel + YARP forwarder | YARP routes, no Plexus | Plexus |"
echo "|---|--:|--:|--:|--:|--:|--:|"
labels=("h1 -> h1" "h1 -> h2c" "h2c -> h1" "h2c -> h2c")
read -ra d <<<"$direct"; read -ra k <<<"$kestrel"; read -ra c <<<"$client"; read -ra y <<<"$yarp"; read -ra r <<<"$routes"
read -ra p <<<"$plexus"
for i in 0 1 2 3; do
  printf "| %s | %s | %s | %s | %s | %s | %s |\n" "${labels[$i]}" "${d[$i]}" "${k[$i]}" "${c[$i]}" "${y[$i]}" "${r[$i]}" "${p[$i]}"
done
} | tee "$W/table"
[ -n "$OUT" ] && cp "$W/table" "$OUT"
exit 0
