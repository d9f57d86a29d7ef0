using Mesh.Store;
using Mesh.Store.Entities;
using Microsoft.Extensions.Options;

namespace MeshConsole.Identity;

/// <summary>
/// At start, after the store's migration and before the control plane takes streams: makes sure
/// the mesh has a CA, and creates the bootstrap join token the first time one is configured.
/// </summary>
internal sealed partial class IdentityBootstrapper(
    MeshAuthority authority, IServiceScopeFactory scopes, IOptions<BootstrapJoinTokenOptions> bootstrap, TimeProvider time,
    ILogger<IdentityBootstrapper> logger) : IHostedService
{
    /// <summary>The bootstrap token is for the first sidecars; admins revoke it once they handed out their own.</summary>
    public static readonly TimeSpan BootstrapLifetime = TimeSpan.FromDays(3650);

    /// <summary>
    /// A store that cannot answer yet does not stop the console: the CA is also created on first
    /// use, and the bootstrap token at the next start.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await PrepareAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, ex);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task PrepareAsync(CancellationToken cancellationToken)
    {
        await authority.SigningAsync(cancellationToken).ConfigureAwait(false);
        if (bootstrap.Value.JoinToken is not { Length: > 0 } value)
            return;
        await using var scope = scopes.CreateAsyncScope();
        var tokens = scope.ServiceProvider.GetRequiredService<JoinTokenStore>();
        if (await tokens.ExistsAsync(BootstrapJoinTokenOptions.TokenName, cancellationToken).ConfigureAwait(false))
            return;
        var now = time.GetUtcNow();
        var created = await tokens.CreateAsync(new JoinToken
        {
            Name = BootstrapJoinTokenOptions.TokenName,
            Hash = JoinTokens.Hash(value),
            Scope = JoinToken.MeshScope,
            ExpiresAt = now + BootstrapLifetime,
            CreatedAt = now,
            CreatedBy = "bootstrap",
        }, cancellationToken).ConfigureAwait(false);
        if (created)
            LogBootstrapCreated(logger);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the mesh-wide join token 'bootstrap' from Mesh:Bootstrap:JoinToken")]
    private static partial void LogBootstrapCreated(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not prepare the mesh CA or the bootstrap join token at start")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
