using System.Globalization;
using Mesh.Contracts.V1;
using Mesh.Store;
using Mesh.Store.Entities;

namespace MeshConsole.Identity;

/// <summary>
/// The gatekeeper of the control plane: checks a Hello's join token, scope, instance and CSR, and
/// only when all pass counts the token's use and issues the sidecar's certificate. A refused Hello
/// changes nothing.
/// </summary>
internal sealed partial class SidecarAdmission(
    IServiceScopeFactory scopes, WorkloadIssuer issuer, TimeProvider time, ILogger<SidecarAdmission> logger)
{
    public async Task<Admission> AdmitAsync(Hello hello, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var tokens = scope.ServiceProvider.GetRequiredService<JoinTokenStore>();
        var identity = scope.ServiceProvider.GetRequiredService<IdentityStore>();
        var now = time.GetUtcNow();

        if (hello.Credentials.Length == 0)
            return Refuse(hello, RefusalKind.Unauthenticated, $"hello.credentials: required (a join token, {JoinTokens.Prefix}...)");
        var token = JoinTokens.IsWellFormed(hello.Credentials)
            ? await tokens.FindByHashAsync(JoinTokens.Hash(hello.Credentials), ct).ConfigureAwait(false)
            : null;
        if (token is null)
            return Refuse(hello, RefusalKind.Unauthenticated, "hello.credentials: not a join token of this mesh");
        if (token.RevokedAt is not null)
            return Refuse(hello, RefusalKind.Unauthenticated, $"hello.credentials: join token {token.Name} was revoked");
        if (token.ExpiresAt <= now)
            return Refuse(hello, RefusalKind.Unauthenticated, $"hello.credentials: join token {token.Name} expired at {Format(token.ExpiresAt)}");
        if (UsedUp(token, hello.InstanceId))
            return Refuse(hello, RefusalKind.Unauthenticated, UsedUpDetail(token));
        if (token.Scope != JoinToken.MeshScope && token.Scope != hello.Service)
            return Refuse(hello, RefusalKind.PermissionDenied, $"hello.credentials: join token {token.Name} admits service {token.Scope} only, not {hello.Service}");
        if (await identity.IsRevokedAsync(hello.InstanceId, ct).ConfigureAwait(false))
            return Refuse(hello, RefusalKind.PermissionDenied, $"hello.instance_id: instance {hello.InstanceId} is revoked");

        var (csr, csrError) = CsrReader.Read(hello.Csr.Span, "hello.csr");
        if (csr is null)
            return Refuse(hello, RefusalKind.InvalidArgument, csrError!);
        if (!await tokens.UseAsync(token.Id, hello.InstanceId, now, ct).ConfigureAwait(false))
            return Refuse(hello, RefusalKind.Unauthenticated, UsedUpDetail(token));

        return Admission.Admitted(await issuer.IssueAsync(csr, hello.Service, hello.InstanceId, ct).ConfigureAwait(false));
    }

    /// <summary>A certificate for a rotation request on an admitted stream.</summary>
    public async Task<Admission> RenewAsync(Hello hello, ReadOnlyMemory<byte> der, CancellationToken ct)
    {
        var (csr, csrError) = CsrReader.Read(der.Span, "certificate_request.csr");
        if (csr is null)
            return Refuse(hello, RefusalKind.InvalidArgument, csrError!);
        return Admission.Admitted(await issuer.IssueAsync(csr, hello.Service, hello.InstanceId, ct).ConfigureAwait(false));
    }

    private static bool UsedUp(JoinToken token, string instanceId) =>
        token.MaxUses is { } max && token.Uses >= max && token.UsedBy.All(u => u.InstanceId != instanceId);

    private static string UsedUpDetail(JoinToken token) =>
        $"hello.credentials: join token {token.Name} was already used by {token.MaxUses} other instance(s)";

    private static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private Admission Refuse(Hello hello, RefusalKind kind, string detail)
    {
        LogRefused(logger, hello.InstanceId, hello.Service, detail);
        return Admission.Refused(kind, detail);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused sidecar {InstanceId} of {Service}: {Detail}")]
    private static partial void LogRefused(ILogger logger, string instanceId, string service, string detail);
}
