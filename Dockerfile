# Plexus ingress controller image.
#   docker build -t plexus-ingress:0.1.0 .          (or podman build)
# The base images are build arguments: deploy/image/build.sh builds this same file on machines that reach no
# registry, with stand-in images made locally, and tests/Image.Tests runs the result.
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0-noble
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled

# --- build: restore in its own layer (only project and props files), then publish Release ---
FROM ${SDK_IMAGE} AS build
WORKDIR /src

# Restore depends only on these files, so source edits reuse the restored layer.
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Proxy/Plexus.Proxy.csproj src/Proxy/
COPY src/Controller/Plexus.Controller.csproj src/Controller/
RUN dotnet restore src/Controller/Plexus.Controller.csproj

COPY src/ src/
RUN dotnet publish src/Controller/Plexus.Controller.csproj \
      --configuration Release --no-restore --output /app /p:UseAppHost=false

# --- runtime: ASP.NET on Ubuntu chiseled (distroless: no shell, no package manager) ---
# InvariantGlobalization is on and the controller works in UTC, so the plain chiseled flavour (no ICU, no tzdata)
# is enough; switch to 10.0-noble-chiseled-extra if that ever changes.
FROM ${RUNTIME_IMAGE} AS runtime
WORKDIR /app
COPY --from=build /app ./

# The controller binds its own listeners (--http-port, --https-port, --admin-port); the image's default
# ASPNETCORE_HTTP_PORTS=8080 would only make Kestrel warn that it is overridden.
ENV ASPNETCORE_HTTP_PORTS= \
    DOTNET_NOLOGO=1

# Chiseled images define the non-root user "app" (uid/gid 1654). Numeric, so that Kubernetes' runAsNonRoot can
# verify it; the chart runs the pod as 1654 with a read-only root filesystem and a writable /tmp.
USER 1654:1654

# 8080 HTTP/1.1 + h2c, 8443 TLS, 10254 admin (/metrics, /healthz, /readyz, /api/snapshot).
EXPOSE 8080 8443 10254

ENTRYPOINT ["dotnet", "Plexus.Controller.dll"]
