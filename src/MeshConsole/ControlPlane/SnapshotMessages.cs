using Google.Protobuf.WellKnownTypes;
using Mesh.Contracts.V1;
using Mesh.Policy.Snapshots;

namespace MeshConsole.ControlPlane;

/// <summary>Maps the compiled snapshot onto the wire.</summary>
internal static class SnapshotMessages
{
    public static Snapshot ToMessage(MeshSnapshot snapshot, string nonce, DateTimeOffset issuedAt)
    {
        var message = new Snapshot
        {
            Revision = snapshot.Revision,
            Nonce = nonce,
            Hash = snapshot.Hash,
            AccessJson = snapshot.AccessJson ?? "",
            IssuedAt = Timestamp.FromDateTimeOffset(issuedAt),
            TrustDomain = snapshot.Identity.TrustDomain,
        };
        foreach (var anchor in snapshot.Identity.TrustAnchors)
            message.TrustAnchors.Add(Google.Protobuf.ByteString.CopyFrom(anchor));
        message.RevokedSerials.Add(snapshot.Identity.RevokedSerials);
        foreach (var service in snapshot.Services)
        {
            var config = new ServiceConfig
            {
                Name = service.Name,
                RoutesJson = service.RoutesJson ?? "",
                ResilienceJson = service.ResilienceJson ?? "",
                FaultsJson = service.FaultsJson ?? "",
            };
            config.GrpcServices.Add(service.GrpcServices);
            foreach (var endpoint in service.Endpoints)
            {
                var wire = new Mesh.Contracts.V1.Endpoint
                {
                    InstanceId = endpoint.InstanceId,
                    Address = endpoint.Address,
                    Port = (uint)endpoint.Port,
                    Healthy = endpoint.Healthy,
                };
                foreach (var (key, value) in endpoint.Labels)
                    wire.Labels[key] = value;
                config.Endpoints.Add(wire);
            }

            message.Services.Add(config);
        }

        return message;
    }
}
