#!/usr/bin/env bash
# Runs Plexus with no cluster: builds, starts the three loopback backends (deploy/local/backends) and Plexus on
# deploy/local/manifests. Extra arguments go to Plexus (e.g. --http-port 9080). Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/../.."

dotnet build -c Release -v quiet -nologo deploy/local/backends/Plexus.LocalBackends.csproj
dotnet build -c Release -v quiet -nologo src/Controller/Plexus.Controller.csproj

dotnet deploy/local/backends/bin/Release/net10.0/Plexus.LocalBackends.dll &
backends=$!
trap 'kill "$backends" 2>/dev/null || true; wait 2>/dev/null || true' EXIT INT TERM

cat <<'TXT'

Plexus is starting on 127.0.0.1 (traffic 8080 plain h1+h2c, 8443 TLS; admin 10254). Try:
  curl http://127.0.0.1:8080/h1
  curl --http2-prior-knowledge http://127.0.0.1:8080/h2c
  curl -k https://127.0.0.1:8443/h2
  curl -H 'Host: h2c.localhost' http://127.0.0.1:8080/
  curl http://127.0.0.1:10254/api/snapshot

TXT
dotnet src/Controller/bin/Release/net10.0/Plexus.Controller.dll --manifests deploy/local/manifests "$@"
