using System.Collections.Concurrent;
using System.Text.Json;
using Mesh.Contracts.V1;
using Mesh.Policy.Snapshots;
using Mesh.Store;
using Mesh.Store.Entities;
using Microsoft.Extensions.Options;

namespace MeshConsole.ControlPlane;

/// <summary>
/// The live sessions of the mesh's sidecars: who is there, healthy or not, and what each applied.
/// Service discovery reads its endpoints. Raises <see cref="Changed"/> when membership or health
/// changes, so the publisher recompiles the snapshot. Instances are also written to the store, so
/// a restarted console keeps handing out their endpoints until they reconnect.
/// </summary>
internal sealed partial class SidecarRegistry(
    TimeProvider time, IOptions<ControlPlaneOptions> options, IOptions<StoreOptions> store, IServiceScopeFactory scopes,
    IHostApplicationLifetime lifetime, ILogger<SidecarRegistry> logger)
{
    private readonly ConcurrentDictionary<string, SidecarSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _lastHealth = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastTouched = new(StringComparer.Ordinal);
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();
    private volatile bool _hasRemote;

    /// <summary>Membership or health changed: the snapshot must be recompiled.</summary>
    public event Action? Changed;

    /// <summary>Anything a status shows changed (also acks and nacks): views redraw.</summary>
    public event Action? StatusChanged;

    public void ReportStatusChange() => StatusChanged?.Invoke();

    /// <summary>A sidecar acknowledged its first snapshot: its instance becomes routable, so peers' snapshots change.</summary>
    public void ReportReady()
    {
        Changed?.Invoke();
        StatusChanged?.Invoke();
    }

    public async Task<SidecarSession> ConnectAsync(Hello hello)
    {
        var session = Connect(hello);
        await UseStoreAsync(s => s.UpsertAsync(new SidecarInstance
        {
            InstanceId = hello.InstanceId,
            Service = hello.Service,
            Address = hello.Address,
            Port = (int)hello.InboundPort,
            Labels = JsonSerializer.Serialize(hello.Labels),
            Build = hello.SidecarBuild,
            ConnectedAt = session.ConnectedAt,
            LastSeen = session.ConnectedAt,
            Connected = true,
            AppliedRevision = SidecarSession.ServedFromDisk(hello),
        })).ConfigureAwait(false);
        return session;
    }

    public async Task DisconnectAsync(SidecarSession session)
    {
        Disconnect(session);
        // When the console is the one leaving, its sidecars have not: the store keeps them connected,
        // so the next console (or another replica) goes on handing out their endpoints.
        if (lifetime.ApplicationStopping.IsCancellationRequested)
            return;
        if (_sessions.TryGetValue(session.InstanceId, out var current) && ReferenceEquals(current, session))
            await UseStoreAsync(s => s.MarkDisconnectedAsync(session.InstanceId, time.GetUtcNow())).ConfigureAwait(false);
    }

    private SidecarSession Connect(Hello hello)
    {
        var session = new SidecarSession(hello, time.GetUtcNow());
        SidecarSession? superseded = null;
        _sessions.AddOrUpdate(hello.InstanceId, session, (_, old) =>
        {
            superseded = old;
            return session;
        });
        // A sidecar that reconnects before its old stream noticed the loss takes over; the old one ends.
        superseded?.End(time.GetUtcNow());
        _lastHealth[hello.InstanceId] = true;
        Changed?.Invoke();
        StatusChanged?.Invoke();
        return session;
    }

    private void Disconnect(SidecarSession session)
    {
        session.End(time.GetUtcNow());
        if (_sessions.TryGetValue(session.InstanceId, out var current) && ReferenceEquals(current, session))
        {
            Changed?.Invoke();
            StatusChanged?.Invoke();
        }
    }

    /// <summary>Ends the streams of revoked instances with PERMISSION_DENIED; they may not rejoin until the revocation is lifted.</summary>
    public void EndRevoked(IReadOnlySet<string> revoked)
    {
        if (revoked.Count == 0)
            return;
        foreach (var session in _sessions.Values.Where(s => s.DisconnectedAt is null && revoked.Contains(s.InstanceId)))
        {
            session.EndWith(new Grpc.Core.Status(Grpc.Core.StatusCode.PermissionDenied, $"hello.instance_id: instance {session.InstanceId} was revoked"), time.GetUtcNow());
            LogRevokedEnded(logger, session.InstanceId);
        }
    }

    public IReadOnlyList<SidecarSession> Connected() =>
        _sessions.Values.Where(s => s.DisconnectedAt is null).ToList();

    /// <summary>
    /// Every known instance with its health: what service discovery hands out. Live local sessions
    /// first; then instances the store says are connected elsewhere (another replica, or this one
    /// before a restart), healthy while heard from within the grace, counted from our own start at
    /// the earliest; then local sessions that are gone but within their grace.
    /// </summary>
    public async Task<IReadOnlyList<InstanceEndpoint>> EndpointsAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var grace = options.Value.HeartbeatGrace;
        var endpoints = new Dictionary<string, InstanceEndpoint>(StringComparer.Ordinal);
        foreach (var session in _sessions.Values.Where(s => s.DisconnectedAt is null))
            endpoints[session.InstanceId] = Endpoint(session.Hello, session.Ready && IsHealthy(session, now));

        var remote = false;
        foreach (var row in await UseStoreAsync(s => s.ListAsync(ct)).ConfigureAwait(false) ?? [])
        {
            if (!row.Connected || endpoints.ContainsKey(row.InstanceId))
                continue;
            var heard = row.LastSeen > _startedAt ? row.LastSeen : _startedAt;
            endpoints[row.InstanceId] = Endpoint(ToHello(row), now - heard <= grace);
            remote = true;
        }

        foreach (var session in _sessions.Values.Where(s => s.DisconnectedAt is not null))
            endpoints.TryAdd(session.InstanceId, Endpoint(session.Hello, IsHealthy(session, now)));

        _hasRemote = remote;
        return [.. endpoints.Values];
    }

    /// <summary>Records a heartbeat; the store hears of it a few times per grace, enough for other replicas to judge health.</summary>
    public async Task HeardAsync(SidecarSession session)
    {
        var now = time.GetUtcNow();
        session.Seen(now);
        var last = _lastTouched.GetValueOrDefault(session.InstanceId);
        if (now - last < options.Value.HeartbeatGrace / 3)
            return;
        _lastTouched[session.InstanceId] = now;
        await UseStoreAsync(s => s.TouchAsync(session.InstanceId, now)).ConfigureAwait(false);
    }

    /// <summary>
    /// Keeps the sidecar's last Ack or Nack in the store, where the other replicas read the fleet's sync state.
    /// Replicas share Postgres; a console on SQLite holds every stream itself, and an UPDATE per Ack would queue
    /// on SQLite's one write lock behind a fan-out to thousands.
    /// </summary>
    public async Task RecordAnswersAsync(SidecarSession session)
    {
        if (!store.Value.IsPostgres)
            return;
        var (applied, refusedRevision, refusedError) = session.Answers;
        await UseStoreAsync(s => s.RecordSyncAsync(session.InstanceId, applied, refusedRevision, refusedError)).ConfigureAwait(false);
    }

    private static InstanceEndpoint Endpoint(Hello hello, bool healthy) => new(
        hello.Service, hello.InstanceId, hello.Address, (int)hello.InboundPort, new Dictionary<string, string>(hello.Labels), healthy);

    private static Hello ToHello(SidecarInstance row)
    {
        var hello = new Hello { Service = row.Service, InstanceId = row.InstanceId, Address = row.Address, InboundPort = (uint)row.Port, SidecarBuild = row.Build };
        foreach (var (key, value) in JsonSerializer.Deserialize<Dictionary<string, string>>(row.Labels) ?? [])
            hello.Labels[key] = value;
        return hello;
    }

    /// <summary>
    /// Every sidecar of the mesh: those streaming to this replica from their live sessions, those streaming to
    /// another replica from the store (their last Ack or Nack, heartbeats a few times per grace). A sidecar
    /// elsewhere is synced once it applied the latest revision: its replica compiles the same revision,
    /// though its endpoint health, and so its hash, may differ for a moment.
    /// </summary>
    public async Task<IReadOnlyList<SidecarStatus>> StatusesAsync(MeshSnapshot latest, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var grace = options.Value.HeartbeatGrace;
        var statuses = _sessions.Values.Where(s => s.DisconnectedAt is null)
            .ToDictionary(s => s.InstanceId, s => s.Status(latest, now, grace), StringComparer.Ordinal);
        foreach (var row in await UseStoreAsync(s => s.ListAsync(ct)).ConfigureAwait(false) ?? [])
        {
            if (statuses.ContainsKey(row.InstanceId) || !row.Connected)
                continue;
            var state = row.RefusedRevision is { } refused && refused >= latest.Revision ? SyncState.Nacked
                : row.AppliedRevision >= latest.Revision ? SyncState.Synced
                : SyncState.Stale;
            var hello = ToHello(row);
            statuses[row.InstanceId] = new SidecarStatus(
                row.InstanceId, row.Service, row.Address, row.Port, new Dictionary<string, string>(hello.Labels), row.Build,
                now - row.LastSeen <= grace, row.ConnectedAt, row.LastSeen,
                row.AppliedRevision ?? 0, latest.Revision, state, row.RefusedError);
        }

        // A stream that ended here shows as disconnected, unless the sidecar streams to another replica now.
        foreach (var session in _sessions.Values.Where(s => s.DisconnectedAt is not null))
            statuses.TryAdd(session.InstanceId, session.Status(latest, now, grace));

        return [.. statuses.Values.OrderBy(s => s.Service, StringComparer.Ordinal).ThenBy(s => s.InstanceId, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Marks instances unhealthy once their grace has passed and forgets long-gone ones; raises
    /// <see cref="Changed"/> when either happened. Called periodically by the publisher.
    /// </summary>
    public void Sweep()
    {
        var now = time.GetUtcNow();
        var changed = false;
        foreach (var (id, session) in _sessions)
        {
            if (session.DisconnectedAt is { } gone && now - gone > options.Value.RemoveAfter
                && _sessions.TryRemove(new KeyValuePair<string, SidecarSession>(id, session)))
            {
                _lastHealth.TryRemove(id, out _);
                _lastTouched.TryRemove(id, out _);
                session.Dispose();
                _ = UseStoreAsync(s => s.DeleteAsync(id));
                changed = true;
                continue;
            }

            var healthy = IsHealthy(session, now);
            if (_lastHealth.TryGetValue(id, out var was) && was != healthy)
                changed = true;
            _lastHealth[id] = healthy;
        }

        if (changed)
        {
            Changed?.Invoke();
            StatusChanged?.Invoke();
        }
        else if (_hasRemote)
        {
            // Instances on other replicas turn unhealthy by time alone: look again every sweep.
            Changed?.Invoke();
        }
    }

    /// <summary>
    /// The store only helps a restarted console; a write that fails is logged, never fatal to a
    /// live session, whose truth is in memory. True when the write reached the store.
    /// </summary>
    private Task<bool> UseStoreAsync(Func<InstanceStore, Task> write) =>
        UseStoreAsync(async store =>
        {
            await write(store).ConfigureAwait(false);
            return true;
        });

    private async Task<T?> UseStoreAsync<T>(Func<InstanceStore, Task<T>> read)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            return await read(scope.ServiceProvider.GetRequiredService<InstanceStore>()).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogStoreFailed(logger, ex);
            return default;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ended the stream of revoked instance {InstanceId}")]
    private static partial void LogRevokedEnded(ILogger logger, string instanceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not keep the sidecar registry in the store; live sessions are unaffected")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception);

    /// <summary>
    /// Healthy while heard from within the grace time. A lost stream does not make an instance
    /// unhealthy at once: its sidecar keeps serving, and usually reconnects within the grace.
    /// </summary>
    private bool IsHealthy(SidecarSession session, DateTimeOffset now) =>
        now - session.LastSeen <= options.Value.HeartbeatGrace;
}
