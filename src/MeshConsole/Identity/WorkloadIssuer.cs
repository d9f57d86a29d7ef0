using System.Security.Cryptography.X509Certificates;
using Mesh.Store;
using Mesh.Store.Entities;
using Microsoft.Extensions.Options;

namespace MeshConsole.Identity;

/// <summary>Signs workload certificates with the active CA and records each one.</summary>
internal sealed partial class WorkloadIssuer(
    MeshAuthority authority, IServiceScopeFactory scopes, IOptions<IdentityOptions> options, TimeProvider time, ILogger<WorkloadIssuer> logger)
{
    /// <summary>
    /// A certificate for the key of <paramref name="csr"/>, naming <paramref name="service"/> and
    /// <paramref name="instanceId"/> as the authenticated Hello gave them; the CSR's own names are ignored.
    /// </summary>
    public async Task<IssuedWorkload> IssueAsync(CertificateRequest csr, string service, string instanceId, CancellationToken ct)
    {
        var signing = await authority.SigningAsync(ct).ConfigureAwait(false);
        var settings = options.Value;
        using var leaf = CertificateFactory.IssueLeaf(
            csr, signing.Certificate, CertificateFactory.SpiffeId(settings.TrustDomain, service), instanceId, time.GetUtcNow(), settings.CertificateLifetime);
        var issued = new IssuedWorkload(leaf.RawData, signing.Certificate.RawData, leaf.SerialNumber, leaf.NotAfter.ToUniversalTime());
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IdentityStore>().RecordIssuedAsync(new IssuedCertificate
        {
            Serial = issued.Serial,
            InstanceId = instanceId,
            Service = service,
            AuthorityGeneration = signing.Generation,
            NotBefore = leaf.NotBefore.ToUniversalTime(),
            NotAfter = issued.NotAfter,
        }, ct).ConfigureAwait(false);
        LogIssued(logger, issued.Serial, instanceId, service, issued.NotAfter);
        return issued;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Issued workload certificate {Serial} to {InstanceId} of {Service}, valid until {NotAfter}")]
    private static partial void LogIssued(ILogger logger, string serial, string instanceId, string service, DateTimeOffset notAfter);
}
