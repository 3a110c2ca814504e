#!/usr/bin/env bash
# Builds the Plexus image from the repository's Dockerfile with podman, on a machine that reaches no container
# registry: the SDK and runtime base images are stand-ins made here (a debootstrapped Debian with this machine's
# .NET on top) and passed to the Dockerfile as build arguments. Then starts `podman system service`, the
# Docker-compatible API that tests/Image.Tests talks to through Testcontainers.
#
# Idempotent: packages, containers.conf settings and stand-in base images are made only when missing (the stand-ins
# are tagged with this machine's .NET versions, so a .NET update makes new ones); the image build reuses podman's
# layer cache. Needs root (CI runs as root). Prints the image name and the API socket on its last lines.
#
#   bash deploy/image/build.sh            # image localhost/plexus-ingress:dev, socket unix:///run/podman/podman.sock
#   PLEXUS_IMAGE=localhost/plexus-ingress:ci bash deploy/image/build.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

image=${PLEXUS_IMAGE:-localhost/plexus-ingress:dev}
socket_path=${PLEXUS_PODMAN_SOCKET:-/run/podman/podman.sock}
cache=${PLEXUS_IMAGE_CACHE:-/var/cache/plexus-image}
say() { echo "image: $*" >&2; }
die() { echo "image: $*" >&2; exit 1; }

[[ $(id -u) == 0 ]] || die "must run as root (podman builds here rootful; apt-get installs the tools)"
mkdir -p "$cache"

# --- tools -------------------------------------------------------------------------------------------------------
missing=()
command -v podman >/dev/null || missing+=(podman)
command -v runc >/dev/null || missing+=(runc)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if ((${#missing[@]})); then
  command -v apt-get >/dev/null || die "apt-get is required to install ${missing[*]}"
  say "installing ${missing[*]}"
  apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >&2
fi

# --- /etc/containers/containers.conf: runc (crun refuses this machine's cgroup layout), ulimits within the hard
# limits. Merged into an existing file: only these two keys are set, everything else is kept. ----------------------
python3 - /etc/containers/containers.conf <<'PY'
import os, re, sys, tomllib
path = sys.argv[1]
wanted = {
    "engine": ("runtime", '"runc"'),
    "containers": ("default_ulimits", '["nofile=1024:1024", "nproc=1024:1024"]'),
}
old = open(path).read() if os.path.exists(path) else ""
lines = old.splitlines()
for section, (key, value) in wanted.items():
    setting = f"{key} = {value}"
    header = next((i for i, l in enumerate(lines) if re.fullmatch(rf"\s*\[\s*{section}\s*\]\s*(#.*)?", l)), None)
    if header is None:
        lines += ["", f"[{section}]", setting]
        continue
    end = next((i for i in range(header + 1, len(lines)) if re.match(r"\s*\[", lines[i])), len(lines))
    start = next((i for i in range(header + 1, end) if re.match(rf"\s*{key}\s*=", lines[i])), None)
    if start is None:
        lines.insert(header + 1, setting)
        continue
    # The old value may span lines (a multi-line array): it ends where its brackets balance.
    stop, depth = start, 0
    while True:
        code = re.sub(r'"[^"]*"', "", lines[stop].split("#")[0])
        depth += code.count("[") - code.count("]")
        if depth <= 0 or stop + 1 >= end:
            break
        stop += 1
    lines[start:stop + 1] = [setting]
text = "\n".join(lines).lstrip("\n") + "\n"
parsed = tomllib.loads(text)
assert parsed["engine"]["runtime"] == "runc" and len(parsed["containers"]["default_ulimits"]) == 2, text
if text != old:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path, "w").write(text)
PY

# --- stand-in base images ----------------------------------------------------------------------------------------
exists() { podman image exists "$1"; }
debian=localhost/plexus-standin/debian:bookworm
sdk_version=$(dotnet --version)
runtime_version=$(dotnet --list-runtimes | awk '$1 == "Microsoft.AspNetCore.App" { v = $2 } END { print v }')
[[ -n "$runtime_version" ]] || die "this machine's .NET has no Microsoft.AspNetCore.App runtime"
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
sdk_image=localhost/plexus-standin/dotnet-sdk:$sdk_version
runtime_image=localhost/plexus-standin/aspnet:$runtime_version

if ! exists "$debian"; then
  # The Debian mirror this machine's apt already uses (deb822 .sources or one-line sources.list).
  mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '
      /^URIs:/ { uri = $2 } /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm" && uri != "") { print uri; exit } }')
  [[ -n "$mirror" ]] || mirror=$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)
  [[ -n "$mirror" ]] || die "no Debian bookworm mirror in /etc/apt/sources.list*"
  rootfs="$cache/bookworm-rootfs"
  rm -rf "$rootfs"
  say "debootstrap bookworm from $mirror (once)"
  # libssl3 for TLS (listeners, backends, NuGet), ca-certificates for NuGet in the SDK stand-in.
  debootstrap --variant=minbase --include=libssl3,ca-certificates bookworm "$rootfs" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
    { tail -20 "$cache/debootstrap.log" >&2; die "debootstrap failed (log: $cache/debootstrap.log)"; }
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | podman import --message "debootstrap --variant=minbase bookworm" - "$debian" >/dev/null
  rm -rf "$rootfs"
fi

if ! exists "$sdk_image"; then
  say "making $sdk_image from $dotnet_root"
  podman build --quiet --tag "$sdk_image" --file - "$dotnet_root" >/dev/null <<DOCKERFILE
FROM $debian
COPY . /usr/share/dotnet/
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
# No ICU in the stand-in; the controller itself is built with InvariantGlobalization. Certificate revocation lists
# are not reachable from here.
ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 NUGET_CERT_REVOCATION_MODE=offline
DOCKERFILE
fi

if ! exists "$runtime_image"; then
  say "making $runtime_image from $dotnet_root"
  podman build --quiet --tag "$runtime_image" --file - "$dotnet_root" >/dev/null <<DOCKERFILE
FROM $debian
COPY dotnet /usr/share/dotnet/dotnet
COPY host /usr/share/dotnet/host
COPY shared/Microsoft.NETCore.App/$runtime_version /usr/share/dotnet/shared/Microsoft.NETCore.App/$runtime_version
COPY shared/Microsoft.AspNetCore.App/$runtime_version /usr/share/dotnet/shared/Microsoft.AspNetCore.App/$runtime_version
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
# As the chiseled image: the non-root user "app" is 1654.
ENV APP_UID=1654 DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
DOCKERFILE
fi

# --- the image, from the real Dockerfile ------------------------------------------------------------------------
# What the image is built from, as tests/Image.Tests computes it (ImageSources.cs): it refuses an image built from
# other sources than its tree. sha256 of the "sha256sum" lines of these files, in byte order of their paths.
sources=$({ find src -type f -not -path '*/bin/*' -not -path '*/obj/*'
            printf '%s\n' Directory.Build.props Directory.Packages.props .editorconfig Dockerfile; } |
          LC_ALL=C sort | xargs -d '\n' sha256sum | sha256sum | cut -d' ' -f1)

nuget_cache=${NUGET_PACKAGES:-$HOME/.nuget/packages}
mkdir -p "$nuget_cache"
say "building $image (base images $sdk_image, $runtime_image)"
trust=/etc/ssl/certs/ca-certificates.crt
[[ -f "$trust" ]] || die "$trust not found: the build's NuGet restore needs this machine's trusted certificates"
# Host network: restore reaches NuGet from the build container, trusting what this machine trusts (its bundle may
# hold certificate authorities of its own, which a fresh Debian lacks). The machine's NuGet cache is mounted so a
# restore already done here downloads nothing. Mounts apply to RUN steps only: nothing of them ends up in the image.
podman build --network host --tag "$image" \
  --build-arg SDK_IMAGE="$sdk_image" --build-arg RUNTIME_IMAGE="$runtime_image" \
  --volume "$nuget_cache:/root/.nuget/packages" \
  --volume "$trust:/etc/ssl/certs/ca-certificates.crt:ro" \
  --label "plexus.dev/sources-sha256=$sources" \
  --file Dockerfile . >&2

# --- Docker-compatible API for Testcontainers --------------------------------------------------------------------
# A service started from a folder that is gone since (a removed clone) cannot start containers: its children inherit
# the deleted working directory ("write child: broken pipe"). Such a service is replaced.
for pid in $(pgrep -f "podman system service" || true); do
  if [[ $(readlink "/proc/$pid/cwd" 2>/dev/null) == *"(deleted)" ]]; then
    say "replacing podman system service $pid (its working directory was removed)"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
done

if ! curl -fs --max-time 5 --unix-socket "$socket_path" http://d/_ping >/dev/null 2>&1; then
  mkdir -p "$(dirname "$socket_path")"
  rm -f "$socket_path"
  say "starting podman system service on $socket_path"
  # No timeout: it serves until the machine stops. Detached from this script's process group and output.
  # From /, so that removing the folder this script ran from never breaks it.
  (cd / && exec setsid podman system service --time=0 "unix://$socket_path") >"$cache/podman-service.log" 2>&1 < /dev/null &
  for _ in $(seq 1 100); do
    curl -fs --max-time 2 --unix-socket "$socket_path" http://d/_ping >/dev/null 2>&1 && break
    sleep 0.2
  done
  curl -fs --max-time 5 --unix-socket "$socket_path" http://d/_ping >/dev/null ||
    die "podman system service did not answer on $socket_path (log: $cache/podman-service.log)"
fi

echo "PLEXUS_IMAGE=$image"
echo "DOCKER_HOST=unix://$socket_path"
