using System.Security.Cryptography;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using Mesh.Contracts.V1;
using MeshSidecar.Configuration;
using MeshSidecar.Snapshots;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshSidecar.Tests;

/// <summary>Snapshot messages as the console pushes them, and holders that keep them in a temporary folder.</summary>
internal static class TestSnapshots
{
    /// <summary>One subset v1 (version=v1) taking all traffic.</summary>
    public const string RoutesJson =
        """{"subsets":[{"name":"v1","labels":{"version":"v1"}}],"rules":[{"destinations":[{"subset":"v1","weight":100}]}]}""";

    public static readonly DateTimeOffset IssuedAt = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static SidecarOptions Options(string stateDirectory) =>
        new() { Service = "checkout", AppPort = 7001, StateDirectory = stateDirectory };

    public static SnapshotHolder Holder(SidecarOptions options) =>
        new(options, TimeProvider.System, NullLogger<SnapshotHolder>.Instance);

    public static Mesh.Contracts.V1.Endpoint NewEndpoint(string instanceId, string address, uint port, string version, bool healthy = true)
    {
        var endpoint = new Mesh.Contracts.V1.Endpoint { InstanceId = instanceId, Address = address, Port = port, Healthy = healthy };
        endpoint.Labels["version"] = version;
        endpoint.Labels["zone"] = "a";
        return endpoint;
    }

    /// <summary>Service "orders" with <see cref="RoutesJson"/> and two healthy instances, orders-a (v1) and orders-b (v2).</summary>
    public static ServiceConfig Orders() => new()
    {
        Name = "orders",
        RoutesJson = RoutesJson,
        Endpoints =
        {
            NewEndpoint("orders-a", "10.0.0.1", 15006, "v1"),
            NewEndpoint("orders-b", "10.0.0.2", 15006, "v2"),
        },
    };

    public static Snapshot Snapshot(long revision, params ServiceConfig[] services)
    {
        var snapshot = new Snapshot
        {
            Revision = revision,
            Nonce = $"nonce-{revision}",
            Hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"revision {revision}"))),
            IssuedAt = Timestamp.FromDateTimeOffset(IssuedAt),
        };
        snapshot.Services.AddRange(services);
        return snapshot;
    }

    /// <summary>A valid snapshot of revision <paramref name="revision"/> holding <see cref="Orders"/>.</summary>
    public static Snapshot Valid(long revision = 7) => Snapshot(revision, Orders());
}
