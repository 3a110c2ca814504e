#!/usr/bin/env bash
# Installs the tools tests need that a fresh machine lacks. Idempotent; safe to run by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
# Nothing beyond the .NET SDK yet.
exit 0
