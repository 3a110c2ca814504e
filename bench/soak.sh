#!/usr/bin/env bash
# Reliability soak on loopback (not a test; long): Plexus in local mode in front of two benchmark backends (bench/Backend,
# "A" and "B", each HTTP/1.1 + h2c), under h1 load (wrk) and h2c load (h2load) at once, through four phases:
#   1. configuration churn: N changes (default 1,000) written to the manifest folder while the load runs; every change
#      is waited for until it serves (its new host answers 200), and every 10th one rewrites the loaded Ingress itself;
#   2. endpoint rolling: the loaded Services move between backend A and B R times (default 20), the way a Deployment
#      rolls: new endpoint added, old one removed, then the old backend gets SIGTERM and is started again;
#   3. SIGTERM under load: Plexus gets SIGTERM one second into a load; the drain delay outlasts the load, so every
#      request must complete, and Plexus must exit 0;
#   4. limits: the request limits answer as the README says (431 on oversized headers, 414 on a long request line).
# It prints a table: for each phase and load, requests done, failed (non-2xx, socket errors, h2 errored/timeout).
# Target: 0 failed everywhere.
#
# usage: bench/soak.sh [--changes N] [--rolls R] [--out FILE]
# CPU layout: load generators on CPU 0; backends and Plexus on CPU 1. Touches only 127.0.0.1:18501-18522.
set -euo pipefail
cd "$(dirname "$0")/.."
CHANGES=1000; ROLLS=20; OUT=""
while [ $# -gt 0 ]; do
  case $1 in
    --changes) CHANGES=$2; shift 2;; --rolls) ROLLS=$2; shift 2;; --out) OUT=$2; shift 2;;
    -h|--help) sed -n 2,16p "$0"; exit 0;;
    *) echo "unknown argument: $1" >&2; exit 2;;
  esac
done
# shellcheck source=bench/lib.sh
. bench/lib.sh
ensure_tools "wrk nghttp2-client curl" wrk h2load curl
bench_setup plexus-soak

HTTP=18510; HTTPS=18511; ADMIN=18512
A_H1=18501; A_H2C=18502; B_H1=18503; B_H2C=18504

dotnet publish -c Release -v quiet -nologo bench/Backend/Plexus.Bench.Backend.csproj -o "$W/backend" >/dev/null
dotnet publish -c Release -v quiet -nologo src/Controller/Plexus.Controller.csproj -o "$W/plexus" >/dev/null

declare -A BACKEND_PID
start_backend() { # name h1-port h2c-port
  taskset -c $SRVCPU dotnet "$W/backend/Plexus.Bench.Backend.dll" --h1-port "$2" --h2c-port "$3" >>"$W/backend-$1.log" 2>&1 &
  BACKEND_PID[$1]=$!; PIDS+=($!)
  wait_port "$2"; wait_port "$3"
}
stop_backend() { # name: SIGTERM, as the kubelet does; Kestrel completes what is in flight
  kill -TERM "${BACKEND_PID[$1]}" 2>/dev/null || true
  wait "${BACKEND_PID[$1]}" 2>/dev/null || true
}

M="$W/manifests"; mkdir -p "$M"
cat >"$M/base.yaml" <<'YAML'
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: plexus}
spec: {controller: plexus.dev/ingress-controller}
---
apiVersion: v1
kind: Service
metadata: {name: be-h1, namespace: soak, annotations: {plexus.dev/backend-protocol: http}}
spec: {ports: [{name: web, port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: be-h2c, namespace: soak, annotations: {plexus.dev/backend-protocol: h2c}}
spec: {ports: [{name: grpc, port: 80}]}
YAML
# The loaded Ingress; its extra host changes during the churn (the bench backend answers only "/"). usage: loaded_ingress EXTRA_HOST
loaded_ingress() {
  cat >"$M/.loaded.tmp" <<YAML
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: loaded, namespace: soak}
spec:
  ingressClassName: plexus
  rules:
  - host: h1.soak
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: be-h1, port: {number: 80}}}}]}
  - host: $1
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: be-h1, port: {number: 80}}}}]}
  - host: h2c.soak
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: be-h2c, port: {number: 80}}}}]}
YAML
  mv "$M/.loaded.tmp" "$M/loaded.yaml"   # an atomic replace, as editors and kubectl-style tools write
}
# One EndpointSlice with one ready endpoint on 127.0.0.1. usage: slice NAME SERVICE PORT_NAME PORT
slice() {
  cat <<YAML
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: $1, namespace: soak, labels: {kubernetes.io/service-name: $2}}
addressType: IPv4
ports: [{name: $3, port: $4, protocol: TCP}]
endpoints: [{addresses: ["127.0.0.1"], conditions: {ready: true}}]
YAML
}
# The endpoints of both Services: one slice per backend present. usage: endpoints "A" | "B" | "A B"
endpoints() {
  { for b in $1; do
      if [ "$b" = A ]; then h1=$A_H1; h2c=$A_H2C; else h1=$B_H1; h2c=$B_H2C; fi
      slice "be-h1-$b" be-h1 web "$h1"
      slice "be-h2c-$b" be-h2c grpc "$h2c"
    done; } >"$M/.endpoints.tmp"
  mv "$M/.endpoints.tmp" "$M/endpoints.yaml"
}
# An Ingress that exists only to change: host churn-I.soak. usage: churn_ingress I
churn_ingress() {
  cat >"$M/.churn.tmp" <<YAML
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: churn, namespace: soak}
spec:
  ingressClassName: plexus
  rules:
  - host: churn-$1.soak
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: be-h1, port: {number: 80}}}}]}
YAML
  mv "$M/.churn.tmp" "$M/churn.yaml"
}

# Waits (at most 10 s) until a request answers 200. usage: wait_served HOST PATH
wait_served() {
  local i=0
  while [ $i -lt 1000 ]; do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Host: $1" "http://127.0.0.1:$HTTP$2")" = 200 ] && return 0
    sleep 0.01; i=$((i+1))
  done
  echo "not served within 10 s: $1$2" >&2; curl -s -i -H "Host: $1" "http://127.0.0.1:$HTTP$2" >&2; tail -20 "$W/plexus.log" >&2; return 1
}
# Waits (at most 10 s) until the applied snapshot routes to exactly these backend ports. usage: wait_ports "18501 18502"
wait_ports() {
  local i=0 want got
  want=$(tr ' ' '\n' <<<"$1" | sort | tr '\n' ' ')
  while [ $i -lt 1000 ]; do
    got=$(curl -s "http://127.0.0.1:$ADMIN/api/snapshot" | grep -o '127\.0\.0\.1:185[0-9][0-9]' | sed 's/.*://' | sort -u | tr '\n' ' ')
    [ "$got" = "$want" ] && return 0
    sleep 0.01; i=$((i+1))
  done
  echo "endpoints not applied within 10 s: want $want, got $got" >&2; return 1
}

start_plexus() {
  Logging__LogLevel__Default=Warning taskset -c $SRVCPU dotnet "$W/plexus/Plexus.Controller.dll" --manifests "$M" \
    --http-port $HTTP --https-port $HTTPS --admin-port $ADMIN --drain-delay 6s --shutdown-timeout 10s >>"$W/plexus.log" 2>&1 &
  PLEXUS_PID=$!; PIDS+=($PLEXUS_PID)
  wait_port $HTTP; wait_port $ADMIN
  for _ in $(seq 1 200); do curl -fs -o /dev/null "http://127.0.0.1:$ADMIN/readyz" && return 0; sleep 0.05; done
  echo "Plexus not ready" >&2; tail -20 "$W/plexus.log" >&2; return 1
}

# Load in the background for SECONDS; results land in $W/h1.out and $W/h2c.out. usage: load_start SECONDS
load_start() {
  taskset -c $LOADCPU wrk -t1 -c16 -d"${1}s" -H "Host: h1.soak" "http://127.0.0.1:$HTTP/" >"$W/h1.out" 2>&1 & H1_LOAD=$!
  taskset -c $LOADCPU h2load -c4 -m8 -t1 -D "$1" -H ":authority: h2c.soak" "http://127.0.0.1:$HTTP/" >"$W/h2c.out" 2>&1 & H2C_LOAD=$!
}
load_wait() { wait "$H1_LOAD" || true; wait "$H2C_LOAD" || true; }
# "done failed" from the two load outputs.
h1_result() {
  awk '/requests in/ {d=$1} /Non-2xx/ {f+=$NF} /Socket errors/ {gsub(/,/,""); f+=$4+$6+$8+$10} END {printf "%d %d\n", d, f}' "$W/h1.out"
}
h2c_result() {
  awk '/^requests:/ {gsub(/,/,""); for(i=1;i<=NF;i++){ if($(i+1)=="succeeded") s=$i; if($(i+1)=="failed") f+=$i; if($(i+1)=="errored") f+=$i; if($(i+1)=="timeout") f+=$i }}
       /^status codes:/ {gsub(/,/,""); for(i=1;i<=NF;i++){ if($(i+1)=="4xx" || $(i+1)=="5xx") f+=$i }}
       END {printf "%d %d\n", s, f}' "$W/h2c.out"
}
row() { # phase what
  local h1 h2c; h1=$(h1_result); h2c=$(h2c_result)
  printf "| %s | %s | %s | %s | %s | %s |\n" "$1" "$2" "${h1% *}" "${h1#* }" "${h2c% *}" "${h2c#* }" | tee -a "$W/table"
}

start_backend A $A_H1 $A_H2C
start_backend B $B_H1 $B_H2C
endpoints "A"; loaded_ingress h1-0.soak; churn_ingress 0
start_plexus
wait_served h1.soak /; wait_served churn-0.soak /

{
echo "Loopback; backends and Plexus on CPU $SRVCPU, load on CPU $LOADCPU. h1: wrk -t1 -c16; h2c: h2load -c4 -m8."
echo "Failed = non-2xx answers + socket errors (h1); failed + errored + timed-out streams + 4xx/5xx (h2c)."
echo
echo "| phase | what | h1 requests | h1 failed | h2c requests | h2c failed |"
echo "|---|---|--:|--:|--:|--:|"
} | tee "$W/table"

# Warm-up, not reported: tier-0 code at first (see bench/run.sh).
SECS=5; load_start 5; load_wait

# 1. Configuration churn.
pace_ms=100
secs=$(( CHANGES * pace_ms / 1000 + 10 ))
load_start $secs
start=$(date +%s%N); slow=0
for i in $(seq 1 "$CHANGES"); do
  if [ $((i % 10)) = 0 ]; then loaded_ingress "h1-$i.soak"; wait_served "h1-$i.soak" /; else churn_ingress "$i"; wait_served "churn-$i.soak" /; fi
  due=$(( start + i * pace_ms * 1000000 )); now=$(date +%s%N)
  if [ "$now" -lt "$due" ]; then sleep "$(awk -v n=$(( due - now )) 'BEGIN {printf "%.3f", n/1e9}')"; else slow=$((slow+1)); fi
done
load_wait
row "config churn" "$CHANGES changes, each served before the next ($slow took longer than ${pace_ms} ms)"

# 2. Endpoint rolling: add the new backend, remove the old one, SIGTERM it, start it again.
per_roll=3
load_start $(( ROLLS * per_roll + 5 ))
current=A
for r in $(seq 1 "$ROLLS"); do
  roll_start=$(date +%s)
  if [ "$current" = A ]; then next=B; else next=A; fi
  endpoints "$current $next"; wait_ports "$A_H1 $A_H2C $B_H1 $B_H2C"
  endpoints "$next"
  if [ "$next" = A ]; then wait_ports "$A_H1 $A_H2C"; else wait_ports "$B_H1 $B_H2C"; fi
  stop_backend "$current"
  if [ "$current" = A ]; then start_backend A $A_H1 $A_H2C; else start_backend B $B_H1 $B_H2C; fi
  current=$next
  while [ $(( $(date +%s) - roll_start )) -lt $per_roll ]; do sleep 0.1; done
done
load_wait
row "endpoint rolling" "$ROLLS rolls: new endpoint in, old out, old backend SIGTERM and restarted"

# 3. SIGTERM under load: the drain delay (6 s) outlasts the 4 s load; Plexus must finish it all and exit 0.
load_start 4
sleep 1
term_at=$(date +%s%N)
kill -TERM "$PLEXUS_PID"
load_wait
set +e; wait "$PLEXUS_PID"; code=$?; set -e
exit_ms=$(( ($(date +%s%N) - term_at) / 1000000 ))
row "SIGTERM under load" "exit code $code after $exit_ms ms (drain delay 6 s)"

# 4. Limits, on a fresh Plexus.
start_plexus
big=$(head -c 40000 /dev/zero | tr '\0' a)
hdr=$(curl -s -o /dev/null -w '%{http_code}' -H "Host: h1.soak" -H "X-Big: $big" "http://127.0.0.1:$HTTP/")
line=$(curl -s -o /dev/null -w '%{http_code}' -H "Host: h1.soak" "http://127.0.0.1:$HTTP/$big")
{
echo
echo "Limits: a 40 KB header answers $hdr (expected 431), a 40 KB request line answers $line (expected 414)."
echo "Plexus log lines at warning or above: $(grep -ciE 'warn|fail|crit' "$W/plexus.log" || true)"
} | tee -a "$W/table"
[ -n "$OUT" ] && cp "$W/table" "$OUT"
exit 0
