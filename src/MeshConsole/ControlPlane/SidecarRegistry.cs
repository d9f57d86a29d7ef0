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
    TimeProvider time, IOptions<ControlPlaneOptions> options, IServiceScopeFactory scopes, ILogger<SidecarRegistry> logger)
{
    private readonly ConcurrentDictionary<string, SidecarSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _lastHealth = new(StringComparer.Ordinal);

    /// <summary>Membership or health changed: the snapshot must be recompiled.</summary>
    public event Action? Changed;

    /// <summary>Anything a status shows changed (also acks and nacks): views redraw.</summary>
    public event Action? StatusChanged;

    public void ReportStatusChange() => StatusChanged?.Invoke();

    /// <summary>
    /// Loads the instances a previous run knew, as disconnected but healthy for one grace time from
    /// now: their sidecars are still serving and are reconnecting.
    /// </summary>
    public async Task RestoreAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        foreach (var instance in await UseStoreAsync(s => s.ListAsync(ct)).ConfigureAwait(false) ?? [])
        {
            if (now - instance.LastSeen > options.Value.RemoveAfter)
                continue;
            var hello = new Hello
            {
                Service = instance.Service,
                InstanceId = instance.InstanceId,
                Address = instance.Address,
                InboundPort = (uint)instance.Port,
                SidecarBuild = instance.Build,
            };
            foreach (var (key, value) in JsonSerializer.Deserialize<Dictionary<string, string>>(instance.Labels) ?? [])
                hello.Labels[key] = value;
            var session = new SidecarSession(hello, instance.ConnectedAt);
            session.Seen(now);
            session.End(now);
            _sessions.TryAdd(instance.InstanceId, session);
            _lastHealth[instance.InstanceId] = true;
        }
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
        })).ConfigureAwait(false);
        return session;
    }

    public async Task DisconnectAsync(SidecarSession session)
    {
        Disconnect(session);
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

    public IReadOnlyList<SidecarSession> Connected() =>
        _sessions.Values.Where(s => s.DisconnectedAt is null).ToList();

    /// <summary>Every known instance with its health: what service discovery hands out.</summary>
    public IReadOnlyList<InstanceEndpoint> Endpoints()
    {
        var now = time.GetUtcNow();
        return _sessions.Values
            .Select(s => new InstanceEndpoint(
                s.Hello.Service, s.InstanceId, s.Hello.Address, (int)s.Hello.InboundPort,
                new Dictionary<string, string>(s.Hello.Labels), IsHealthy(s, now)))
            .ToList();
    }

    public IReadOnlyList<SidecarStatus> Statuses(MeshSnapshot latest)
    {
        var now = time.GetUtcNow();
        return _sessions.Values
            .Select(s => s.Status(latest, now, options.Value.HeartbeatGrace))
            .OrderBy(s => s.Service, StringComparer.Ordinal).ThenBy(s => s.InstanceId, StringComparer.Ordinal)
            .ToList();
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
    }

    /// <summary>
    /// The store only helps a restarted console; a write that fails is logged, never fatal to a
    /// live session, whose truth is in memory.
    /// </summary>
    private async Task UseStoreAsync(Func<InstanceStore, Task> write)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await write(scope.ServiceProvider.GetRequiredService<InstanceStore>()).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogStoreFailed(logger, ex);
        }
    }

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not keep the sidecar registry in the store; live sessions are unaffected")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception);

    /// <summary>
    /// Healthy while heard from within the grace time. A lost stream does not make an instance
    /// unhealthy at once: its sidecar keeps serving, and usually reconnects within the grace.
    /// </summary>
    private bool IsHealthy(SidecarSession session, DateTimeOffset now) =>
        now - session.LastSeen <= options.Value.HeartbeatGrace;
}
