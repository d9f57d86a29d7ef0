using System.Diagnostics.Metrics;
using MeshSidecar.Configuration;

namespace MeshSidecar.Admin;

/// <summary>The sidecar's own metrics: what it applied and refused. Request metrics come from ASP.NET Core and HttpClient.</summary>
internal sealed class SidecarMetrics : IDisposable
{
    public const string MeterName = "MeshSidecar";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _applied;
    private readonly Counter<long> _refused;
    private readonly KeyValuePair<string, object?> _instance;

    public SidecarMetrics(SidecarOptions options)
    {
        // Several sidecars may share a process (the demo, the tests): each names itself.
        _instance = new("mesh.sidecar.instance", options.EffectiveInstanceId);
        _applied = _meter.CreateCounter<long>("mesh.sidecar.snapshots.applied", "{snapshot}", "Snapshots applied.");
        _refused = _meter.CreateCounter<long>("mesh.sidecar.snapshots.refused", "{snapshot}", "Snapshots refused (NACKed).");
    }

    public long AppliedRevision { get; private set; }

    public void Applied(long revision)
    {
        AppliedRevision = revision;
        _applied.Add(1, _instance);
    }

    public void Refused() => _refused.Add(1, _instance);

    public void CreateRevisionGauge() =>
        _meter.CreateObservableGauge("mesh.sidecar.snapshot.revision", () => new Measurement<long>(AppliedRevision, _instance), "{revision}", "Revision of the snapshot in force.");

    public void Dispose() => _meter.Dispose();
}
