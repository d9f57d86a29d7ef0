using MeshConsole.Telemetry.Aggregation;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace MeshConsole.Topology;

/// <summary>The side panel of a selected service or edge: figures, charts over the window, instances, recent spans.</summary>
public sealed partial class TopologyDetails
{
    private const int SpansShown = 20;

    private IReadOnlyList<SeriesPoint> _series = [];
    private string[] _labels = [];
    private IReadOnlyList<SpanSummary> _spans = [];
    private (object? Model, TimeSpan Window, DateTimeOffset? At, int Version) _loaded;

    [Parameter]
    public ServiceNodeModel? Node { get; set; }

    [Parameter]
    public EdgeLinkModel? Edge { get; set; }

    [Parameter]
    public TimeSpan Window { get; set; }

    [Parameter]
    public DateTimeOffset? At { get; set; }

    /// <summary>Bumped by the page each time it reads the topology, so the panel reads along.</summary>
    [Parameter]
    public int Version { get; set; }

    [Parameter]
    public bool Focused { get; set; }

    [Parameter]
    public EventCallback<string?> FocusChanged { get; set; }

    [Parameter]
    public EventCallback Closed { get; set; }

    [Inject]
    private TopologyReader Reader { get; set; } = null!;

    [Inject]
    private RecentSpans Recent { get; set; } = null!;

    private string Title => Node is { } node ? node.Service
        : Edge is { } edge ? $"{edge.Key.Source} → {edge.Key.Destination}"
        : "";

    protected override async Task OnParametersSetAsync()
    {
        var wanted = ((object?)Node ?? Edge, Window, At, Version);
        if (wanted == _loaded)
            return;
        _loaded = wanted;

        Func<EdgeKey, bool> include = Node is { } node
            ? key => key.Destination == node.Service
            : Edge is { } edge ? key => key == edge.Key : _ => false;
        _series = await Reader.SeriesAsync(Window, At, include, CancellationToken.None);
        _labels = Labels(_series);
        _spans = Node is { } n
            ? [.. n.Links.OfType<EdgeLinkModel>().Where(l => l.Key.Destination == n.Service)
                .SelectMany(l => Recent.Get(l.Key)).OrderByDescending(s => s.Start).Take(SpansShown)]
            : Edge is { } e ? [.. Recent.Get(e.Key).OrderByDescending(s => s.Start).Take(SpansShown)] : [];
    }

    private List<ChartSeries<double>> Chart(string name, Func<SeriesPoint, double> value) =>
        [new ChartSeries<double> { Name = name, Data = new ChartData<double>(_series.Select(value).ToArray()) }];

    private static string Latency(double? milliseconds) => milliseconds is { } ms ? TopologyFormat.Milliseconds(ms) : "–";

    // A label on every point would overlap: name about six of them.
    private static string[] Labels(IReadOnlyList<SeriesPoint> series)
    {
        var every = Math.Max(1, series.Count / 6);
        return [.. series.Select((p, i) => i % every == 0 ? p.Start.ToLocalTime().ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) : "")];
    }
}
