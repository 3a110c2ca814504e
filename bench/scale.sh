#!/usr/bin/env bash
# Control-plane scale benchmark on loopback (not a test). Publishes Release builds of Plexus.Controller and
# bench/Scale, then bench/Scale starts the fake Kubernetes API (tests/Controller.Tests/FakeApi) on 127.0.0.1:0 with
# 10,000 Ingresses, 10,000 Services and 50,000 endpoints, starts Plexus as a separate process watching it, and prints
# a markdown table: initial list -> first applied snapshot, EndpointSlice change -> traffic at the new endpoint
# (p50/p99), Plexus resident memory, snapshot build durations by kind.
#
# With --mode manifests the same cluster is written as YAML files (one per app, bench-N/svc-M.yaml) and Plexus runs with
# --manifests on them: process start -> /readyz 200, app file rewritten -> traffic at the new endpoint, memory.
#
# usage: bench/scale.sh [--out FILE] [bench/Scale arguments: --mode kubernetes|manifests --services N
#                        --endpoints-per-service N --iterations N --probe-interval HH:MM:SS --first-verdict-wait HH:MM:SS]
# Only 127.0.0.0/8 is touched (endpoints are 127.1.x.y:9, where nothing listens; the backends are on 127.0.0.1).
set -euo pipefail
cd "$(dirname "$0")/.."
W=$(mktemp -d -t plexus-scale.XXXXXX)
trap 'rm -rf "$W"' EXIT
dotnet publish -c Release -v quiet -nologo src/Controller/Plexus.Controller.csproj -o "$W/plexus" >/dev/null
dotnet publish -c Release -v quiet -nologo bench/Scale/Plexus.Bench.Scale.csproj -o "$W/bench" >/dev/null
dotnet "$W/bench/Plexus.Bench.Scale.dll" --plexus "$W/plexus/Plexus.Controller.dll" "$@"
