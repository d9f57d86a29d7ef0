using System.Threading.Channels;
using Mesh.Contracts.V1;
using Mesh.Policy.Snapshots;

namespace MeshConsole.ControlPlane;

/// <summary>
/// One sidecar's stream. The reader loop records its answers; one writer loop drains the outbox, so
/// writes to the gRPC stream never overlap. The outbox holds one snapshot: a newer one replaces an
/// unsent older one, because only the latest matters.
/// </summary>
internal sealed class SidecarSession(Hello hello, DateTimeOffset connectedAt) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, MeshSnapshot> _sent = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _ended = new();
    private MeshSnapshot? _applied;
    private string? _answeredNonce;
    private string? _lastPushedNonce;
    private (string Hash, long Revision, string Error)? _refused;
    private DateTimeOffset _lastSeen = connectedAt;
    private DateTimeOffset? _disconnectedAt;

    public Hello Hello { get; } = hello;

    public string InstanceId => Hello.InstanceId;

    public DateTimeOffset ConnectedAt { get; } = connectedAt;

    private readonly Channel<PublishedSnapshot> _outbox =
        Channel.CreateBounded<PublishedSnapshot>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });

    /// <summary>Workload certificates to send; each answers one request, so none is dropped.</summary>
    private readonly Channel<ControlMessage> _certificates = Channel.CreateUnbounded<ControlMessage>();

    private Grpc.Core.Status? _endStatus;

    /// <summary>The nonce waiting in the outbox, not yet taken by the writer.</summary>
    private string? _queuedNonce;

    /// <summary>What the writer waits on; take with <see cref="TryTake"/>.</summary>
    public ChannelReader<PublishedSnapshot> Pending => _outbox.Reader;

    /// <summary>Certificates the writer sends before any snapshot.</summary>
    public ChannelReader<ControlMessage> PendingCertificates => _certificates.Reader;

    /// <summary>The status the stream ends with when the console ended it for a reason (a revoked instance).</summary>
    public Grpc.Core.Status? EndStatus
    {
        get { lock (_gate) return _endStatus; }
    }

    /// <summary>Cancelled when the session ends or another stream of the same instance supersedes it.</summary>
    public CancellationToken Ended => _ended.Token;

    public DateTimeOffset LastSeen
    {
        get { lock (_gate) return _lastSeen; }
    }

    public DateTimeOffset? DisconnectedAt
    {
        get { lock (_gate) return _disconnectedAt; }
    }

    /// <summary>
    /// Queues a publication, once: a session that connects while a push is going out may be handed
    /// the same publication twice (on connect and by the broadcast). Only the latest matters, so a
    /// publication still waiting is replaced, and forgotten: the sidecar will never see its nonce.
    /// </summary>
    public void Push(PublishedSnapshot published)
    {
        lock (_gate)
        {
            if (published.Nonce == _lastPushedNonce)
                return;
            _lastPushedNonce = published.Nonce;
            if (_queuedNonce is { } replaced)
                _sent.Remove(replaced);
            _sent[published.Nonce] = published.Snapshot;
            _queuedNonce = published.Nonce;
            _outbox.Writer.TryWrite(published);
        }
    }

    /// <summary>Queues a workload certificate for the writer.</summary>
    public void PushCertificate(ControlMessage certificate) => _certificates.Writer.TryWrite(certificate);

    /// <summary>Ends the session because its instance was revoked; its stream ends with <paramref name="status"/>.</summary>
    public void EndWith(Grpc.Core.Status status, DateTimeOffset at)
    {
        lock (_gate)
            _endStatus ??= status;
        End(at);
    }

    /// <summary>Takes the publication to write next; under the same lock as <see cref="Push"/>, so what is taken is never forgotten.</summary>
    public bool TryTake([System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out PublishedSnapshot published)
    {
        lock (_gate)
        {
            if (!_outbox.Reader.TryRead(out published))
                return false;
            _queuedNonce = null;
            return true;
        }
    }

    public void Seen(DateTimeOffset at)
    {
        lock (_gate)
            _lastSeen = at;
    }

    /// <summary>
    /// Whether peers may be sent here: the sidecar acknowledged a snapshot on this stream (so it holds
    /// its workload certificate and the trust anchors, which come first), or it said in its Hello that it
    /// already serves one (kept on disk with its certificate, across a console restart).
    /// </summary>
    public bool Ready
    {
        get
        {
            lock (_gate)
                return _applied is not null || ServedFromDisk(Hello) is not null;
        }
    }

    /// <summary>Records an Ack; false when the nonce was never sent on this stream (a repeat of the last answer is fine).</summary>
    public bool Acknowledge(string nonce, DateTimeOffset at)
    {
        lock (_gate)
        {
            _lastSeen = at;
            if (!_sent.Remove(nonce, out var snapshot))
                return nonce == _answeredNonce;
            _answeredNonce = nonce;
            _applied = snapshot;
            _refused = null;
            ForgetOlderThan(snapshot.Revision);
            return true;
        }
    }

    /// <summary>Records a Nack; false when the nonce was never sent on this stream.</summary>
    public bool Refuse(string nonce, string error, DateTimeOffset at)
    {
        lock (_gate)
        {
            _lastSeen = at;
            if (!_sent.Remove(nonce, out var snapshot))
                return nonce == _answeredNonce;
            _answeredNonce = nonce;
            _refused = (snapshot.Hash, snapshot.Revision, error);
            return true;
        }
    }

    /// <summary>
    /// Ends the session, once: a session that already ended (its stream closed, its source disposed)
    /// may still be superseded by a reconnect of the same instance.
    /// </summary>
    public void End(DateTimeOffset at)
    {
        lock (_gate)
        {
            if (_disconnectedAt is not null)
                return;
            _disconnectedAt = at;
        }

        _outbox.Writer.TryComplete();
        _certificates.Writer.TryComplete();
        _ended.Cancel();
    }

    /// <summary>What the sidecar last answered, as the store keeps it for the other replicas.</summary>
    public (long? Applied, long? RefusedRevision, string? RefusedError) Answers
    {
        get
        {
            lock (_gate)
                return (_applied?.Revision ?? ServedFromDisk(Hello), _refused?.Revision, _refused?.Error);
        }
    }

    /// <summary>The revision a sidecar said in its Hello it serves from disk; null when it serves none.</summary>
    public static long? ServedFromDisk(Hello hello) =>
        hello.AppliedRevision > 0 || hello.AppliedHash.Length > 0 ? hello.AppliedRevision : null;

    public SidecarStatus Status(MeshSnapshot latest, DateTimeOffset now, TimeSpan grace)
    {
        lock (_gate)
        {
            var connected = _disconnectedAt is null;
            var state = !connected ? SyncState.Disconnected
                : _refused is { } r && r.Hash == latest.Hash ? SyncState.Nacked
                : _applied?.Hash == latest.Hash ? SyncState.Synced
                : SyncState.Stale;
            return new SidecarStatus(
                InstanceId, Hello.Service, Hello.Address, (int)Hello.InboundPort,
                new Dictionary<string, string>(Hello.Labels), Hello.SidecarBuild,
                connected && now - _lastSeen <= grace, ConnectedAt, _lastSeen,
                _applied?.Revision ?? 0, latest.Revision, state, _refused?.Error);
        }
    }

    public void Dispose() => _ended.Dispose();

    private void ForgetOlderThan(long revision)
    {
        foreach (var (nonce, snapshot) in _sent.Where(s => s.Value.Revision < revision).ToList())
            _sent.Remove(nonce);
    }
}
