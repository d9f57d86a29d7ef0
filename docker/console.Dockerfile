# The MeshConsole image: the Blazor Server console, its REST API, the gRPC control plane and the OTLP
# receivers. Build from the repository root: docker build -f docker/console.Dockerfile -t meshconsole/console:0.1.0 .
# The build stage is Debian: Grpc.Tools' protoc runs there. The runtime is Alpine: musl is fine for
# everything the console loads (SQLitePCLRaw ships linux-musl-x64, the build is InvariantGlobalization),
# and its busybox wget serves the HEALTHCHECK without adding curl.
FROM mcr.microsoft.com/dotnet/sdk:10.0.401 AS build
WORKDIR /src
# Restore from the project files alone, so a source change reuses the cached package layer.
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Mesh.Contracts/Mesh.Contracts.csproj src/Mesh.Contracts/
COPY src/Mesh.Policy/Mesh.Policy.csproj src/Mesh.Policy/
COPY src/Mesh.Store/Mesh.Store.csproj src/Mesh.Store/
COPY src/Mesh.Yaml/Mesh.Yaml.csproj src/Mesh.Yaml/
COPY src/MeshConsole/MeshConsole.csproj src/MeshConsole/
COPY migrations/Mesh.Migrations.Sqlite/Mesh.Migrations.Sqlite.csproj migrations/Mesh.Migrations.Sqlite/
COPY migrations/Mesh.Migrations.Postgres/Mesh.Migrations.Postgres.csproj migrations/Mesh.Migrations.Postgres/
RUN dotnet restore src/MeshConsole/MeshConsole.csproj
COPY src/Mesh.Contracts/ src/Mesh.Contracts/
COPY src/Mesh.Policy/ src/Mesh.Policy/
COPY src/Mesh.Store/ src/Mesh.Store/
COPY src/Mesh.Yaml/ src/Mesh.Yaml/
COPY src/MeshConsole/ src/MeshConsole/
COPY migrations/ migrations/
COPY wwwroot/ wwwroot/
# No apphost: the SDK's would be a glibc binary; `dotnet MeshConsole.dll` runs on musl.
RUN dotnet publish src/MeshConsole/MeshConsole.csproj -c Release --no-restore -p:UseAppHost=false -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0.12-alpine3.22
WORKDIR /app
COPY --from=build /app ./
# The SQLite folder when no Postgres is configured, and the folder the console writes the mesh CA
# certificates to for sidecars (a volume shared with them in compose); the app user owns both.
RUN mkdir -p /var/lib/mesh /var/lib/mesh-ca && chown "$APP_UID" /var/lib/mesh /var/lib/mesh-ca
# Inside a container the console listens on every interface. The control plane and OTLP serve TLS
# with a certificate of the mesh CA; its names come from Mesh__ControlPlane__Tls__HostNames.
ENV ASPNETCORE_HTTP_PORTS="" \
    Kestrel__Endpoints__Http__Url=http://0.0.0.0:8080 \
    Kestrel__Endpoints__ControlPlane__Url=https://0.0.0.0:15010 \
    Kestrel__Endpoints__OtlpGrpc__Url=https://0.0.0.0:4317 \
    Kestrel__Endpoints__OtlpHttp__Url=https://0.0.0.0:4318 \
    Mesh__ControlPlane__Tls__CaFile=/var/lib/mesh-ca/ca.pem \
    Mesh__DataDirectory=/var/lib/mesh
# 8080 console and REST API, 15010 gRPC control plane, 4317 OTLP/gRPC, 4318 OTLP/HTTP.
EXPOSE 8080 15010 4317 4318
USER $APP_UID
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD wget -q -O /dev/null http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["dotnet", "MeshConsole.dll"]
