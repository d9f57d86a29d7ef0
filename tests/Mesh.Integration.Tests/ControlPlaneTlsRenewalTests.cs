using System.Net.Http.Json;
using System.Text.Json;
using Mesh.Store;
using Mesh.Testing;
using MeshSidecar;
using MeshSidecar.Configuration;

namespace Mesh.Integration.Tests;

/// <summary>
/// The console's control-plane certificate over time: renewed without a restart (a lifetime of
/// seconds here), and re-issued by the new CA after a rotation, which sidecars that learnt the new
/// trust bundle follow.
/// </summary>
public sealed class ControlPlaneTlsRenewalTests : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _parts = [];
    private TestDatabase _database = null!;
    private KestrelConsole _console = null!;
    private HttpClient _api = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(StoreProviders.Sqlite);
        _console = new KestrelConsole(_database, new Dictionary<string, string>
        {
            ["Mesh:ControlPlane:PushDebounce"] = "00:00:00.020",
            ["Mesh:ControlPlane:Tls:CertificateLifetime"] = "00:00:04",
        });
        _console.StartServer();
        _api = _console.CreateHttpClient();
    }

    public async Task DisposeAsync()
    {
        for (var i = _parts.Count - 1; i >= 0; i--)
            await _parts[i].DisposeAsync();
        _api.Dispose();
        await _console.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task ServerCertificateRenewsAtHalfLife_ReconnectingSidecarStillVerifies()
    {
        var options = ControlPlaneTlsTests.Options(_console, "renewing");
        var first = await ControlPlaneTlsTests.PresentedAsync(_console);
        var sidecar = await StartAsync(options);
        await ControlPlaneTlsTests.WaitConnectedAsync(options);

        var renewed = await NextCertificateAsync(first.SerialNumber);
        await sidecar.DisposeAsync();
        _parts.Remove(sidecar);
        var again = options with { };
        await StartAsync(again);

        await ControlPlaneTlsTests.WaitConnectedAsync(again);
        Assert.Equal(first.Issuer, renewed.Issuer);
        Assert.True(renewed.NotBefore > first.NotBefore);
    }

    [Fact]
    public async Task CaRotation_SidecarThatLearntTheBundleReconnects_OneWithOnlyTheOldCaIsRefused()
    {
        // A copy: the console rewrites its own CA file at the rotation, the sidecars keep what they were given.
        var oldCaFile = Path.Combine(Directory.CreateTempSubdirectory("mesh-old-ca-").FullName, "ca.pem");
        File.Copy(_console.CaFile, oldCaFile);
        var oldCa = new ControlPlaneCa(oldCaFile, _console.ReadCa());
        var learner = ControlPlaneTlsTests.Options(_console, "learner") with { ControlPlaneCa = oldCa };
        var host = await StartAsync(learner);
        await ControlPlaneTlsTests.WaitConnectedAsync(learner);

        var rotated = await _api.PostAsync("api/identity/ca/rotate", null);
        rotated.EnsureSuccessStatusCode();
        await MeshFixture.WaitForAsync(learner, config => config.GetProperty("trustAnchors").GetArrayLength() == 2);
        var reissued = await IssuedByAsync("CN=Mesh CA 2");
        await host.DisposeAsync();
        _parts.Remove(host);
        await StartAsync(learner with { });
        var stranger = ControlPlaneTlsTests.Options(_console, "stranger") with { ControlPlaneCa = oldCa };
        var log = new LogLines();
        await StartAsync(stranger, log);

        await ControlPlaneTlsTests.WaitConnectedAsync(learner);
        var refusal = await log.WaitForAsync("Refused the TLS certificate");
        Assert.Contains("Mesh CA 2", reissued.Issuer, StringComparison.Ordinal);
        Assert.Contains("issued by CN=Mesh CA 2", refusal, StringComparison.Ordinal);
        var sidecars = await _api.GetFromJsonAsync<JsonElement>("api/sidecars");
        Assert.DoesNotContain(sidecars.EnumerateArray(), s => s.GetProperty("instanceId").GetString() == stranger.EffectiveInstanceId);
        Assert.Equal(2, _console.ReadCa().Count);
    }

    private async Task<SidecarHost> StartAsync(SidecarOptions options, LogLines? log = null)
    {
        var host = await ControlPlaneTlsTests.StartAsync(options, log);
        _parts.Add(host);
        return host;
    }

    /// <summary>The first certificate the console presents with another serial than <paramref name="serial"/>; bounded to 15 s.</summary>
    private async Task<System.Security.Cryptography.X509Certificates.X509Certificate2> NextCertificateAsync(string serial)
    {
        for (var attempt = 0; attempt < 75; attempt++)
        {
            var presented = await ControlPlaneTlsTests.PresentedAsync(_console);
            if (presented.SerialNumber != serial)
                return presented;
            await Task.Delay(200);
        }

        throw new TimeoutException($"the console still presents certificate {serial}");
    }

    /// <summary>The certificate the console presents once its issuer is <paramref name="issuer"/>; bounded to 15 s.</summary>
    private async Task<System.Security.Cryptography.X509Certificates.X509Certificate2> IssuedByAsync(string issuer)
    {
        var last = "";
        for (var attempt = 0; attempt < 75; attempt++)
        {
            var presented = await ControlPlaneTlsTests.PresentedAsync(_console);
            if (presented.Issuer.StartsWith(issuer, StringComparison.Ordinal))
                return presented;
            last = presented.Issuer;
            await Task.Delay(200);
        }

        throw new TimeoutException($"the console still presents a certificate issued by {last}");
    }
}
