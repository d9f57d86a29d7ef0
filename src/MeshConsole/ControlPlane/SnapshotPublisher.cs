using System.Threading.Channels;
using Mesh.Policy.Snapshots;
using Mesh.Store;
using MeshConsole.Identity;

namespace MeshConsole.ControlPlane;

/// <summary>
/// Recompiles the mesh snapshot when a revision is committed, the registry or workload identity changes, and pushes it
/// on every open stream when its content changed. Bursts are debounced. <see cref="Current"/> is
/// swapped whole; readers never see half a snapshot.
/// </summary>
internal sealed partial class SnapshotPublisher : BackgroundService
{
    private readonly Channel<bool> _triggers = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly IServiceScopeFactory _scopes;
    private readonly SidecarRegistry _registry;
    private readonly ConfigChangeFeed _changes;
    private readonly MeshIdentityReader _identity;
    private readonly TimeProvider _time;
    private readonly ControlPlaneOptions _options;
    private readonly ILogger<SnapshotPublisher> _logger;
    private volatile PublishedSnapshot? _current;

    public SnapshotPublisher(
        IServiceScopeFactory scopes, SidecarRegistry registry, ConfigChangeFeed changes, MeshIdentityReader identity, TimeProvider time,
        Microsoft.Extensions.Options.IOptions<ControlPlaneOptions> options, ILogger<SnapshotPublisher> logger)
    {
        _scopes = scopes;
        _registry = registry;
        _changes = changes;
        _identity = identity;
        _time = time;
        _options = options.Value;
        _logger = logger;
        _changes.Committed += OnCommitted;
        _changes.RegistryChanged += Trigger;
        _changes.IdentityChanged += Trigger;
        _changes.SyncChanged += _registry.ReportStatusChange;
        _changes.RegistryChanged += _registry.ReportStatusChange;
        _registry.Changed += Trigger;
    }

    /// <summary>
    /// The latest snapshot, or null until one could be compiled from the store. Nothing is pushed
    /// while it is null: a sidecar keeps its last applied snapshot rather than receive an empty one.
    /// </summary>
    public MeshSnapshot? Current => _current?.Snapshot;

    /// <summary>The latest snapshot as it goes on the wire; what a newly connected sidecar is sent first.</summary>
    public PublishedSnapshot? CurrentPublication => _current;

    /// <summary>Raised after a new snapshot was pushed; the Sidecars page listens.</summary>
    public event Action? Published;

    public override void Dispose()
    {
        _changes.Committed -= OnCommitted;
        _changes.RegistryChanged -= Trigger;
        _changes.IdentityChanged -= Trigger;
        _changes.SyncChanged -= _registry.ReportStatusChange;
        _changes.RegistryChanged -= _registry.ReportStatusChange;
        _registry.Changed -= Trigger;
        base.Dispose();
    }

    /// <summary>Compiles the first snapshot before the console takes streams; if the store cannot answer yet, the loop retries.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            _current = PublishedSnapshot.Create((await CompileAsync(cancellationToken).ConfigureAwait(false)).Snapshot, _time.GetUtcNow());
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPublishFailed(_logger, ex);
            Trigger();
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var sweeper = new PeriodicTimer(TimeSpan.FromSeconds(1), _time);
        var sweeping = SweepAsync(sweeper, stoppingToken);
        try
        {
            await foreach (var _ in _triggers.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await Task.Delay(_options.PushDebounce, _time, stoppingToken).ConfigureAwait(false);
                try
                {
                    await PublishAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The store may be briefly unreachable: try again in a second.
                    LogPublishFailed(_logger, ex);
                    await Task.Delay(TimeSpan.FromSeconds(1), _time, stoppingToken).ConfigureAwait(false);
                    Trigger();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await sweeping.ConfigureAwait(false);
    }

    private void OnCommitted(long revision) => Trigger();

    private void Trigger() => _triggers.Writer.TryWrite(true);

    private async Task PublishAsync(CancellationToken ct)
    {
        var (compiled, revoked) = await CompileAsync(ct).ConfigureAwait(false);
        // Before the unchanged check: revoking an instance without live certificates changes no snapshot, yet ends its stream.
        _registry.EndRevoked(revoked);
        if (_current is { } previous && ReferenceEquals(SnapshotCompiler.KeepIfUnchanged(previous.Snapshot, compiled), previous.Snapshot))
            return;

        var next = PublishedSnapshot.Create(compiled, _time.GetUtcNow());
        _current = next;
        var sessions = _registry.Connected();
        foreach (var session in sessions)
            session.Push(next);
        LogPublished(_logger, compiled.Revision, compiled.Hash[..12], sessions.Count);
        Published?.Invoke();
    }

    private async Task<(MeshSnapshot Snapshot, IReadOnlySet<string> Revoked)> CompileAsync(CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<ConfigStore>();
        var config = await store.ReadSnapshotAsync(ct).ConfigureAwait(false);
        var identity = await _identity.ReadAsync(scope.ServiceProvider.GetRequiredService<IdentityStore>(), ct).ConfigureAwait(false);
        var snapshot = SnapshotCompiler.Compile(
            config.Revision,
            config.Documents.Select(d => new SnapshotDocument(d.Kind, d.Target, d.Spec)).ToList(),
            await _registry.EndpointsAsync(ct).ConfigureAwait(false),
            identity.Snapshot);
        return (snapshot, identity.RevokedInstances);
    }

    private async Task SweepAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
                _registry.Sweep();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pushed snapshot of revision {Revision} ({Hash}) to {Count} sidecar(s)")]
    private static partial void LogPublished(ILogger logger, long revision, string hash, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not compile the snapshot; retrying")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception);
}
