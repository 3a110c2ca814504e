#!/usr/bin/env bash
# Regenerates deploy/plexus-ingress.yaml from the chart with its default values.
# tests/Chart.Tests fails when the committed file differs from this output.
set -euo pipefail
cd "$(dirname "$0")/.."
helm=.tools/bin/helm
[[ -x "$helm" ]] || bash .ci/install-tools.sh
{
  echo "# Plexus ingress controller, rendered from charts/plexus-ingress with default values:"
  echo "#   helm template plexus charts/plexus-ingress --namespace plexus-system"
  echo "# Do not edit: change the chart and run deploy/render.sh. Install with:"
  echo "#   kubectl create namespace plexus-system && kubectl apply -f deploy/plexus-ingress.yaml"
  "$helm" template plexus charts/plexus-ingress --namespace plexus-system
} > deploy/plexus-ingress.yaml
echo "wrote deploy/plexus-ingress.yaml" >&2
