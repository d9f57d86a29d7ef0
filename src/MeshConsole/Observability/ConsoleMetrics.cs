using System.Diagnostics.Metrics;
using Mesh.Policy.Documents;

namespace MeshConsole.Observability;

/// <summary>Metrics of the console's own work, beside the ASP.NET Core and runtime ones.</summary>
internal sealed class ConsoleMetrics
{
    public const string MeterName = "MeshConsole";

    private readonly Counter<long> _revisions;
    private readonly Counter<long> _rejected;

    public ConsoleMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _revisions = meter.CreateCounter<long>("mesh.config.revisions", "{revision}", "Configuration revisions written.");
        _rejected = meter.CreateCounter<long>("mesh.config.rejected", "{request}", "Configuration writes refused, by reason.");
    }

    public void RevisionWritten(ConfigKind kind) =>
        _revisions.Add(1, new KeyValuePair<string, object?>("mesh.config.kind", kind.Name()));

    public void WriteRejected(ConfigKind kind, string reason) =>
        _rejected.Add(1,
            new KeyValuePair<string, object?>("mesh.config.kind", kind.Name()),
            new KeyValuePair<string, object?>("mesh.reject.reason", reason));
}
