#!/usr/bin/env bash
# The test command: installs what the tests need on a fresh machine (helm, kubectl and chromium through
# .ci/install-tools.sh; podman and the Plexus image through deploy/image/build.sh, which needs root), then runs every
# test project. Idempotent and fast when everything is installed. Extra arguments go to dotnet test
# (e.g. --filter "FullyQualifiedName~TlsChain").
set -euo pipefail
cd "$(dirname "$0")"

bash .ci/install-tools.sh
# The image tests (tests/Image.Tests) read the image name and podman's Docker API socket from these two variables.
image_env=$(bash deploy/image/build.sh)
# shellcheck disable=SC2086 # two NAME=value words
export $image_env

dotnet test Ingress.sln "$@"
