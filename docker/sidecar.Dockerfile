# The reference sidecar, run as a second container beside an app (same network namespace: a pod, or
# compose's network_mode "service:<app>"). Build from the repository root:
#   docker build -f docker/sidecar.Dockerfile -t meshconsole/sidecar:0.1.0 .
# Debian build stage (Grpc.Tools' protoc), Alpine runtime: see console.Dockerfile.
FROM mcr.microsoft.com/dotnet/sdk:10.0.401 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Mesh.Contracts/Mesh.Contracts.csproj src/Mesh.Contracts/
COPY src/Mesh.Policy/Mesh.Policy.csproj src/Mesh.Policy/
COPY src/MeshSidecar/MeshSidecar.csproj src/MeshSidecar/
RUN dotnet restore src/MeshSidecar/MeshSidecar.csproj
COPY src/Mesh.Contracts/ src/Mesh.Contracts/
COPY src/Mesh.Policy/ src/Mesh.Policy/
COPY src/MeshSidecar/ src/MeshSidecar/
RUN dotnet publish src/MeshSidecar/MeshSidecar.csproj -c Release --no-restore -p:UseAppHost=false -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0.12-alpine3.22
WORKDIR /app
COPY --from=build /app ./
# The last applied snapshot and the workload certificate are kept here across restarts.
RUN mkdir -p /var/lib/mesh-sidecar && chown "$APP_UID" /var/lib/mesh-sidecar
# Peers in other containers reach the inbound port, so the listeners bind every interface; the
# app's port stays on 127.0.0.1 of the shared network namespace. Set MESH_SIDECAR_ADVERTISE_ADDRESS
# to the name or IP peers use (compose: the app's service name; Kubernetes: the pod IP).
ENV ASPNETCORE_HTTP_PORTS="" \
    MESH_SIDECAR_LISTEN_ADDRESS=0.0.0.0 \
    MESH_SIDECAR_STATE_DIR=/var/lib/mesh-sidecar
# 15001 outbound (the app's calls), 15006 inbound (peers, mutual TLS), 15000 admin (/ready, /config, /identity, /metrics).
EXPOSE 15001 15006 15000
USER $APP_UID
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD wget -q -O /dev/null http://127.0.0.1:15000/ready || exit 1
ENTRYPOINT ["dotnet", "MeshSidecar.dll"]
