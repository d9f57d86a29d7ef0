using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace MeshSidecar.Tests;

/// <summary>
/// Counts one sidecar's measurements of an instrument by the value of one tag, as an exporter would
/// see them: a counter's increments, or a histogram's number of recorded values.
/// </summary>
internal sealed class RefusalCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);

    public RefusalCounter(string instanceId, string instrument, string tag)
    {
        var meter = $"{SidecarMeterPrefix}{instanceId}";
        _listener.InstrumentPublished = (published, listener) =>
        {
            if (published.Meter.Name == meter && published.Name == instrument)
                listener.EnableMeasurementEvents(published);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var pair in tags)
            {
                if (pair.Key == tag)
                    _counts.AddOrUpdate(pair.Value?.ToString() ?? "", value, (_, total) => total + value);
            }
        });
        _listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            foreach (var pair in tags)
            {
                if (pair.Key == tag)
                    _counts.AddOrUpdate(pair.Value?.ToString() ?? "", 1, (_, total) => total + 1);
            }
        });
        _listener.Start();
    }

    private static string SidecarMeterPrefix => MeshSidecar.Admin.SidecarMetrics.MeterName + ".";

    public long this[string value] => _counts.GetValueOrDefault(value);

    public long Total => _counts.Values.Sum();

    public void Dispose() => _listener.Dispose();
}
