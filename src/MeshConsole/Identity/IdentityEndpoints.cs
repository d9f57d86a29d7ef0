using MeshConsole.Data;

namespace MeshConsole.Identity;

/// <summary>
/// REST for workload identity under <c>/api/identity</c>: join tokens, the CA, issued certificates
/// and revoked instances. Every endpoint but the trust bundle (viewers) and ca.pem (anyone) is for admins.
/// </summary>
internal static class IdentityEndpoints
{
    /// <summary>Where sidecars fetch the CA certificates to match their pin against, below <c>/api/identity</c>.</summary>
    public const string CaPemPath = "/ca.pem";

    public static IEndpointRouteBuilder MapIdentityEndpoints(this IEndpointRouteBuilder app)
    {
        var identity = app.MapGroup("/api/identity").WithTags("Identity");
        // The trust bundle is public knowledge inside the mesh; everything else changes or lists who may join.
        identity.MapGet("/trust-bundle", async (IdentityAdmin admin, CancellationToken ct) =>
                Results.Text(await admin.TrustBundleAsync(ct), "application/x-pem-file"))
            .WithSummary("The trusted CA certificates as PEM.")
            .RequireAuthorization(MeshPolicies.Viewer);
        // The same certificates, for sidecars before they joined: a CA certificate is public, and a
        // sidecar given --control-plane-ca-pin trusts only the one whose public key matches its pin,
        // as kubeadm's discovery trusts cluster-info. Answered on every port, the control plane's too.
        identity.MapGet(CaPemPath, async (IdentityAdmin admin, CancellationToken ct) =>
                Results.Text(await admin.TrustBundleAsync(ct), "application/x-pem-file"))
            .WithSummary("The trusted CA certificates as PEM, anonymously: sidecars verify them by their pin (--control-plane-ca-pin).")
            .AllowAnonymous();
        var api = identity.MapGroup("").RequireAuthorization(MeshPolicies.Admin);

        api.MapPost("/join-tokens", CreateTokenAsync)
            .WithSummary("Creates a join token; its value is in this answer only. Body: name, scope (a service or \"*\"), expiresAt, maxUses.")
            .Produces<CreatedJoinToken>(StatusCodes.Status201Created)
            .ProducesValidationProblem(StatusCodes.Status400BadRequest)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/join-tokens", (IdentityAdmin admin, CancellationToken ct) => admin.ListTokensAsync(ct))
            .WithSummary("Every join token with its uses; never the values.");
        api.MapPost("/join-tokens/{name}/revoke", RevokeTokenAsync)
            .WithSummary("Revokes a join token: sidecars can no longer join with it (those that did stay).")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/ca", (IdentityAdmin admin, CancellationToken ct) => admin.ListAuthoritiesAsync(ct))
            .WithSummary("The trusted CA generations, newest (active) first.");
        api.MapPost("/ca/rotate", RotateAsync)
            .WithSummary("Makes a new CA active; the old one stays trusted for Mesh:Identity:RotationOverlap, then is retired.")
            .Produces<AuthorityView>()
            .ProducesProblem(StatusCodes.Status409Conflict);

        api.MapGet("/certificates", (IdentityAdmin admin, CancellationToken ct) => admin.ListCertificatesAsync(ct))
            .WithSummary($"Workload certificates not yet expired, newest first (at most {IdentityAdmin.MaxListedCertificates}).");
        api.MapGet("/revocations", (IdentityAdmin admin, CancellationToken ct) => admin.ListRevocationsAsync(ct))
            .WithSummary("Revoked instances.");
        api.MapPost("/revocations", RevokeInstanceAsync)
            .WithSummary("Revokes an instance: its stream ends, its certificates are listed as revoked, and it cannot rejoin. Body: instanceId, reason.")
            .Produces<RevocationView>(StatusCodes.Status201Created)
            .ProducesValidationProblem(StatusCodes.Status400BadRequest)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapDelete("/revocations/{instanceId}", LiftAsync)
            .WithSummary("Lifts a revocation: the instance may join again.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> CreateTokenAsync(HttpRequest request, IdentityAdmin admin, ActorAccessor actor, TimeProvider time, CancellationToken ct)
    {
        var (body, refusal) = await RequestBody.ReadJsonAsync(request, ct);
        if (refusal is not null)
            return refusal;
        var (create, errors, malformed) = IdentityRequests.ReadJoinToken(body!, time.GetUtcNow());
        if (create is null)
            return ApiResults.Invalid("Invalid join token", errors, malformed);
        return await admin.CreateTokenAsync(create, actor.Current, ct) is { } created
            ? Results.Created($"/api/identity/join-tokens/{created.Name}", created)
            : Conflict($"a join token named {create.Name} already exists");
    }

    private static async Task<IResult> RevokeTokenAsync(string name, IdentityAdmin admin, ActorAccessor actor, CancellationToken ct) =>
        await admin.RevokeTokenAsync(name, actor.Current, ct)
            ? Results.Ok(new { name, status = "revoked" })
            : ApiResults.NotFound($"no unrevoked join token is named {name}");

    private static async Task<IResult> RotateAsync(IdentityAdmin admin, ActorAccessor actor, CancellationToken ct) =>
        await admin.RotateAsync(actor.Current, ct) is { } rotated
            ? Results.Ok(rotated)
            : Conflict("another rotation of the CA happened at the same time; read the CAs and try again");

    private static async Task<IResult> RevokeInstanceAsync(HttpRequest request, IdentityAdmin admin, ActorAccessor actor, CancellationToken ct)
    {
        var (body, refusal) = await RequestBody.ReadJsonAsync(request, ct);
        if (refusal is not null)
            return refusal;
        var (revoke, errors, malformed) = IdentityRequests.ReadRevocation(body!);
        if (revoke is null)
            return ApiResults.Invalid("Invalid revocation", errors, malformed);
        return await admin.RevokeInstanceAsync(revoke, actor.Current, ct) is { } revoked
            ? Results.Created($"/api/identity/revocations/{revoked.InstanceId}", revoked)
            : Conflict($"instance {revoke.InstanceId} is already revoked");
    }

    private static async Task<IResult> LiftAsync(string instanceId, IdentityAdmin admin, ActorAccessor actor, CancellationToken ct) =>
        await admin.LiftRevocationAsync(instanceId, actor.Current, ct)
            ? Results.Ok(new { instanceId, status = "lifted" })
            : ApiResults.NotFound($"instance {instanceId} is not revoked");

    private static IResult Conflict(string detail) =>
        Results.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");
}
