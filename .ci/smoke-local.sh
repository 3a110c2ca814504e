#!/usr/bin/env bash
# Smoke test of the README's "run it locally" command, exactly as written, on other ports than the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
setsid bash deploy/local/run.sh --http-port 18080 --https-port 18443 --admin-port 18254 >"$log" 2>&1 &
group=$!
stop() { kill -- -"$group" 2>/dev/null || true; wait "$group" 2>/dev/null || true; }
trap stop EXIT

for _ in $(seq 1 300); do
  curl -fs -o /dev/null http://127.0.0.1:18254/readyz && break
  sleep 0.5
done
fail() { echo "smoke-local: $1"; echo "--- run.sh output:"; tail -40 "$log"; exit 1; }
curl -fs -o /dev/null http://127.0.0.1:18254/readyz || fail "Plexus never became ready"

expect() { # description expected-substring curl-args...
  local what=$1 want=$2; shift 2
  local got; got=$(curl -s --max-time 10 "$@" || true)
  [[ "$got" == *"$want"* ]] || fail "$what: expected '$want', got '$got'"
  echo "smoke-local: $what -> $got"
}
expect "h1 client to http backend" "local-h1: HTTP/1.1" http://127.0.0.1:18080/h1
expect "h2c client to h2c backend" "local-h2c: HTTP/2" --http2-prior-knowledge http://127.0.0.1:18080/h2c
expect "h2 client to h2 backend" "local-h2: HTTP/2" -k --http2 https://127.0.0.1:18443/h2
expect "host rule" "local-h2c: HTTP/2" -H 'Host: h2c.localhost' http://127.0.0.1:18080/
echo "smoke-local: ok"
