#!/usr/bin/env bash
# Regenerates deploy/plexus-ingress.yaml from the chart with its default values and the one value an install must
# set, the image: plexus-ingress:<appVersion>, the name a local `docker build -t plexus-ingress:0.1.0 .` gives (and
# `kind load docker-image` loads). tests/Chart.Tests fails when the committed file differs from this output.
set -euo pipefail
cd "$(dirname "$0")/.."
helm=.tools/bin/helm
[[ -x "$helm" ]] || bash .ci/install-tools.sh
{
  echo "# Plexus ingress controller, rendered from charts/plexus-ingress with default values:"
  echo "#   helm template plexus charts/plexus-ingress --namespace plexus-system --set image.repository=plexus-ingress"
  echo "# Do not edit: change the chart and run deploy/render.sh. No image is published: build plexus-ingress:0.1.0 from"
  echo "# the Dockerfile and load it into the cluster, or push it and change the image: line (README, Install in a cluster)."
  echo "# Install with:"
  echo "#   kubectl create namespace plexus-system && kubectl apply -f deploy/plexus-ingress.yaml"
  "$helm" template plexus charts/plexus-ingress --namespace plexus-system --set image.repository=plexus-ingress
} > deploy/plexus-ingress.yaml
echo "wrote deploy/plexus-ingress.yaml" >&2
