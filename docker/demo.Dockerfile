# The demo shop: `serve` (one shop instance, beside its sidecar container), `setup` (its services
# and policies, then exits) and `traffic`; see docs/deploy.md. Build from the repository root:
#   docker build -f docker/demo.Dockerfile -t meshconsole/demo:0.1.0 .
# Debian build stage (Grpc.Tools' protoc), Alpine runtime: see console.Dockerfile.
FROM mcr.microsoft.com/dotnet/sdk:10.0.401 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Mesh.Contracts/Mesh.Contracts.csproj src/Mesh.Contracts/
COPY src/Mesh.Policy/Mesh.Policy.csproj src/Mesh.Policy/
COPY src/MeshSidecar/MeshSidecar.csproj src/MeshSidecar/
COPY src/Mesh.Demo/Mesh.Demo.csproj src/Mesh.Demo/
RUN dotnet restore src/Mesh.Demo/Mesh.Demo.csproj
COPY src/Mesh.Contracts/ src/Mesh.Contracts/
COPY src/Mesh.Policy/ src/Mesh.Policy/
COPY src/MeshSidecar/ src/MeshSidecar/
COPY src/Mesh.Demo/ src/Mesh.Demo/
RUN dotnet publish src/Mesh.Demo/Mesh.Demo.csproj -c Release --no-restore -p:UseAppHost=false -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0.12-alpine3.22
WORKDIR /app
COPY --from=build /app ./
ENV ASPNETCORE_HTTP_PORTS=""
USER $APP_UID
ENTRYPOINT ["dotnet", "Mesh.Demo.dll"]
