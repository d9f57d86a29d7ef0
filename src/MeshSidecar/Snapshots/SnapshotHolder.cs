using Google.Protobuf;
using Mesh.Contracts.V1;
using Mesh.Policy.Documents;
using Mesh.Policy.Validation;
using MeshSidecar.Admin;
using MeshSidecar.Configuration;

namespace MeshSidecar.Snapshots;

/// <summary>
/// The snapshot in force. A new one is validated, swapped in with one reference write, written to
/// disk (so a restart without the console serves it), and announced to the proxy. A refused one
/// leaves everything as it was.
/// </summary>
internal sealed partial class SnapshotHolder(SidecarOptions options, TimeProvider time, ILogger<SnapshotHolder> logger, SidecarMetrics? metrics = null)
{
    private readonly ConfigDocuments _documents = new(time, ValidationMode.Enforcing);
    private readonly Lock _applying = new();
    private volatile AppliedSnapshot? _current;

    public AppliedSnapshot? Current => _current;

    /// <summary>Raised after a snapshot was swapped in; the proxy rebuilds its routes.</summary>
    public event Action<AppliedSnapshot>? Applied;

    /// <summary>Applies a pushed snapshot; the error text (for the Nack) when it was refused.</summary>
    public string? Apply(Snapshot message)
    {
        var (snapshot, errors) = SnapshotReader.Read(message, _documents);
        if (snapshot is null)
        {
            var error = string.Join("; ", errors);
            LogRefused(logger, message.Revision, error);
            metrics?.Refused();
            return error;
        }

        lock (_applying)
        {
            _current = snapshot;
            Persist(message);
        }

        LogApplied(logger, message.Revision, message.Hash.Length >= 12 ? message.Hash[..12] : message.Hash);
        metrics?.Applied(message.Revision);
        Applied?.Invoke(snapshot);
        return null;
    }

    /// <summary>Serves the last snapshot kept on disk, if any: static stability when the console is away at start-up.</summary>
    public void LoadFromDisk()
    {
        if (!File.Exists(options.SnapshotPath))
            return;
        try
        {
            var message = Snapshot.Parser.ParseFrom(File.ReadAllBytes(options.SnapshotPath));
            if (Apply(message) is null)
                LogLoaded(logger, options.SnapshotPath, message.Revision);
        }
        catch (InvalidProtocolBufferException ex)
        {
            LogUnreadable(logger, options.SnapshotPath, ex);
        }
    }

    private void Persist(Snapshot message)
    {
        try
        {
            Directory.CreateDirectory(options.StateDirectory);
            // Write then rename: a crash mid-write never leaves a torn snapshot behind.
            var temporary = options.SnapshotPath + ".tmp";
            File.WriteAllBytes(temporary, message.ToByteArray());
            File.Move(temporary, options.SnapshotPath, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The snapshot is in force either way; only a restart without the console loses it.
            LogNotPersisted(logger, options.SnapshotPath, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied snapshot of revision {Revision} ({Hash})")]
    private static partial void LogApplied(ILogger logger, long revision, string hash);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused snapshot of revision {Revision}: {Error}")]
    private static partial void LogRefused(ILogger logger, long revision, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving the snapshot kept in {Path} (revision {Revision}) until the console answers")]
    private static partial void LogLoaded(ILogger logger, string path, long revision);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The snapshot kept in {Path} is unreadable; starting without one")]
    private static partial void LogUnreadable(ILogger logger, string path, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not keep the snapshot in {Path}")]
    private static partial void LogNotPersisted(ILogger logger, string path, Exception exception);
}
