{{/* Chart name, truncated to the 63 characters of a DNS label. */}}
{{- define "plexus-ingress.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name: <release>-<chart>; the release name alone when it already contains the chart name; the chart name alone
when it starts with the release name (release "plexus" gives "plexus-ingress", not "plexus-plexus-ingress").
*/}}
{{- define "plexus-ingress.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else if hasPrefix .Release.Name $name }}
{{- $name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "plexus-ingress.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "plexus-ingress.labels" -}}
helm.sh/chart: {{ include "plexus-ingress.chart" . }}
{{ include "plexus-ingress.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: plexus-ingress
{{- end }}

{{- define "plexus-ingress.selectorLabels" -}}
app.kubernetes.io/name: {{ include "plexus-ingress.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Pods and the Services that select them carry component=controller; the metrics Service is component=metrics. */}}
{{- define "plexus-ingress.podSelectorLabels" -}}
{{ include "plexus-ingress.selectorLabels" . }}
app.kubernetes.io/component: controller
{{- end }}

{{- define "plexus-ingress.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "plexus-ingress.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "plexus-ingress.image" -}}
{{- $repository := required "image.repository is required: no Plexus image is published. Build one from the repository's Dockerfile (docker build -t REGISTRY/plexus-ingress:TAG .), push it or load it into your cluster (kind load docker-image ...), then install with --set image.repository=REGISTRY/plexus-ingress --set image.tag=TAG" .Values.image.repository }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" $repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" $repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* The namespace the controller watches: "" means all. rbac.scope=namespace always narrows it to one. */}}
{{- define "plexus-ingress.watchNamespace" -}}
{{- if .Values.controller.watchNamespace }}
{{- .Values.controller.watchNamespace }}
{{- else if eq .Values.rbac.scope "namespace" }}
{{- .Release.Namespace }}
{{- end }}
{{- end }}

{{/* "name" or "namespace/name" of the default certificate Secret, as namespace/name. */}}
{{- define "plexus-ingress.defaultTlsSecret" -}}
{{- $secret := .Values.controller.defaultTlsSecret }}
{{- if $secret }}
{{- if contains "/" $secret }}
{{- $secret }}
{{- else }}
{{- printf "%s/%s" .Release.Namespace $secret }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The pod must outlive the controller's own shutdown: drain delay (listeners keep serving while the endpoint
leaves rotation) + shutdown timeout (in-flight requests and streams finish) + a margin, or the kubelet's SIGKILL
cuts streams the controller promised to finish.
*/}}
{{- define "plexus-ingress.terminationGracePeriodSeconds" -}}
{{- add .Values.controller.drainDelaySeconds .Values.controller.shutdownTimeoutSeconds .Values.controller.terminationGracePeriodMarginSeconds }}
{{- end }}

{{- define "plexus-ingress.args" -}}
- --ingress-class={{ .Values.ingressClass.name }}
- --http-port=8080
- --https-port=8443
- --admin-port={{ .Values.metrics.port }}
{{- with (include "plexus-ingress.watchNamespace" .) }}
- --watch-namespace={{ . }}
{{- end }}
{{- if and .Values.controller.publishService.enabled .Values.service.enabled }}
- --publish-service={{ .Release.Namespace }}/{{ include "plexus-ingress.fullname" . }}
{{- else if .Values.controller.publishAddress }}
- --publish-address={{ .Values.controller.publishAddress }}
{{- end }}
{{- with (include "plexus-ingress.defaultTlsSecret" .) }}
- --default-ssl-certificate={{ . }}
{{- end }}
{{- if .Values.controller.allowExternalName }}
- --allow-external-name
{{- end }}
{{- if .Values.controller.updateStatusOnShutdown }}
- --update-status-on-shutdown
{{- end }}
{{- if .Values.controller.metricsPerHost }}
- --metrics-per-host
{{- end }}
{{- with .Values.controller.logLevel }}
- --log-level={{ . }}
{{- end }}
- --drain-delay={{ .Values.controller.drainDelaySeconds }}s
- --shutdown-timeout={{ .Values.controller.shutdownTimeoutSeconds }}s
{{- /* int64: helm reads values files' numbers as floats and prints 1048576 as 1.048576e+06 */}}
{{- with .Values.controller.limits }}
- --max-request-header-bytes={{ int64 .maxRequestHeaderBytes }}
- --max-request-headers={{ int64 .maxRequestHeaders }}
- --max-request-line-bytes={{ int64 .maxRequestLineBytes }}
- --request-headers-timeout={{ int64 .requestHeadersTimeoutSeconds }}s
- --keepalive-timeout={{ int64 .keepaliveTimeoutSeconds }}s
- --http2-max-concurrent-streams={{ int64 .http2MaxConcurrentStreams }}
{{- end }}
- --backend-connect-timeout={{ .Values.controller.backend.connectTimeout }}
- --backend-read-timeout={{ .Values.controller.backend.readTimeout }}
- --backend-idle-timeout={{ .Values.controller.backend.idleTimeout }}
{{- range $key, $value := .Values.extraArgs }}
{{- if eq (toString $value) "true" }}
- --{{ $key }}
{{- else }}
- --{{ $key }}={{ $value }}
{{- end }}
{{- end }}
{{- end }}

{{/*
RBAC rules for namespaced kinds: what src/Controller/Sources/Kubernetes/KubernetesApiAccess.cs lists, minus
ingressclasses (cluster-scoped) and leases (leader election, release namespace only). A test keeps them equal.
*/}}
{{- define "plexus-ingress.namespacedRules" -}}
- apiGroups: [""]
  resources: [services, pods, secrets]
  verbs: [get, list, watch]
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
  verbs: [get, list, watch]
- apiGroups: [networking.k8s.io]
  resources: [ingresses]
  verbs: [get, list, watch]
- apiGroups: [networking.k8s.io]
  resources: [ingresses/status]
  verbs: [update]
- apiGroups: [""]
  resources: [events]
  verbs: [create, patch]
{{- end }}

{{- define "plexus-ingress.clusterRules" -}}
- apiGroups: [networking.k8s.io]
  resources: [ingressclasses]
  verbs: [get, list, watch]
{{- end }}

{{- define "plexus-ingress.leaderElectionRules" -}}
- apiGroups: [coordination.k8s.io]
  resources: [leases]
  verbs: [get, create, update]
{{- end }}
