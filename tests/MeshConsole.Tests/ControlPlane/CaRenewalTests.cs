using System.Net.Http.Json;
using System.Text.Json;

namespace MeshConsole.Tests.ControlPlane;

/// <summary>The console rotates a CA near its end by itself, and sidecars learn the new anchor beside the old.</summary>
public sealed class CaRenewalTests() : LoopbackConsoleTest(_settings)
{
    // A 20-second CA with 2-second certificates and overlap is renewed when 10 seconds are left (half its life).
    private static readonly Dictionary<string, string> _settings = new()
    {
        ["Mesh:Identity:CertificateLifetime"] = "00:00:02",
        ["Mesh:Identity:RotationOverlap"] = "00:00:02",
        ["Mesh:Identity:CaLifetime"] = "00:00:20",
    };

    [Fact]
    public async Task ActiveCaNearItsEnd_RotatedByTheConsole_SidecarsTrustBothDuringTheOverlap()
    {
        await using var sidecar = FakeSidecar.Open(Console);
        await sidecar.SayHelloAsync(FakeSidecar.Hello("orders", "orders-1"));
        var first = Assert.Single((await sidecar.NextSnapshotAsync()).TrustAnchors);
        var before = await AuthoritiesAsync();
        var original = Assert.Single(before);
        Assert.Equal(1, original.GetProperty("generation").GetInt32());

        var during = await sidecar.NextSnapshotAsync(s => s.TrustAnchors.Count == 2, timeoutSeconds: 40);

        Assert.Equal(first, during.TrustAnchors[1]);
        var renewed = (await AuthoritiesAsync()).First(a => a.GetProperty("generation").GetInt32() == 2);
        Assert.Equal("active", renewed.GetProperty("state").GetString());
        Assert.Equal("console (CA renewal)", renewed.GetProperty("createdBy").GetString());
        // Renewed before the old CA ran out, not after the mesh's certificates stopped chaining.
        Assert.True(renewed.GetProperty("createdAt").GetDateTimeOffset() < original.GetProperty("notAfter").GetDateTimeOffset());
    }

    private async Task<IReadOnlyList<JsonElement>> AuthoritiesAsync() =>
        [.. (await Api.GetFromJsonAsync<JsonElement>("api/identity/ca")).EnumerateArray()];
}
