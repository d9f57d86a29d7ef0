using Blazor.Diagrams.Core.Models.Base;
using MeshConsole.ControlPlane;
using MeshConsole.Telemetry.Aggregation;
using Microsoft.AspNetCore.Components;

namespace MeshConsole.Topology;

/// <summary>
/// The live graph: reads the topology every <see cref="RefreshEvery"/> and applies it to the same diagram,
/// so pan, zoom, selection and dragged nodes stay; in replay it shows the stored minutes instead and waits.
/// </summary>
public sealed partial class TopologyPage
{
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(2);

    private readonly TopologyGraph _graph = new();
    private readonly CancellationTokenSource _stopping = new();
    private TopologyDisplay _display = new();
    private TimeSpan _window = AggregationWindows.FiveMinutes;
    private bool _replay;
    // Whole minutes before the current one at which a replay ends; the minute before that (the minute
    // before last) is the latest the rollup writer has stored.
    private int _minutesAgo = 1;
    private DateTimeOffset _replayEnd;
    private TopologyView? _view;
    private SelectableModel? _selected;
    private string? _error;
    private int _version;
    private bool _autoFit = true;
    private bool _fitting;

    /// <summary>The window to open with, as in <c>/topology?window=1m</c> (1m, 5m, 15m or 1h).</summary>
    [SupplyParameterFromQuery(Name = "window")]
    public string? WindowQuery { get; set; }

    [Inject]
    private TopologyReader Reader { get; set; } = null!;

    [Inject]
    private SnapshotPublisher Publisher { get; set; } = null!;

    [Inject]
    private TimeProvider Time { get; set; } = null!;

    private int ReplayMinutes => (int)Math.Min(AggregationWindows.OneHour.TotalMinutes, Reader.ReplayRetention.TotalMinutes);

    private DateTimeOffset ReplayEnd => _replayEnd;

    private DateTimeOffset? At => _replay ? _replayEnd : null;

    public async ValueTask DisposeAsync()
    {
        _graph.Diagram.SelectionChanged -= SelectionChanged;
        _graph.Diagram.PanChanged -= TakeOverView;
        _graph.Diagram.ZoomChanged -= TakeOverView;
        _graph.NodeMoved -= TakeOverView;
        _graph.Diagram.ContainerChanged -= ContainerChanged;
        await _stopping.CancelAsync();
        _stopping.Dispose();
    }

    protected override async Task OnInitializedAsync()
    {
        if (AggregationWindows.TryParse(WindowQuery, out var window))
            _window = window;
        if (!RendererInfo.IsInteractive)
            return;
        _graph.Diagram.SelectionChanged += SelectionChanged;
        _graph.Diagram.PanChanged += TakeOverView;
        _graph.Diagram.ZoomChanged += TakeOverView;
        _graph.NodeMoved += TakeOverView;
        // The canvas narrows when the details open: fit again at once rather than at the next refresh.
        _graph.Diagram.ContainerChanged += ContainerChanged;
        await RefreshAsync();
        _ = RefreshLoopAsync(_stopping.Token);
    }

    protected override void OnAfterRender(bool firstRender)
    {
        // The graph keeps fitting the screen as it grows until the operator pans, zooms or drags: from then
        // on the view is theirs.
        if (_autoFit)
            Fit();
    }

    private async Task RefreshLoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(RefreshEvery, Time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                if (!_replay)
                    await InvokeAsync(RefreshAsync);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task RefreshAsync()
    {
        try
        {
            _view = await Reader.ReadAsync(_window, At, _stopping.Token);
            _graph.Apply(_view, ServiceShape.Of(Publisher.Current), Reader.Thresholds);
            _error = null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A replay reads the store, which may be briefly unreachable: say so and keep the last picture.
            _error = $"The topology could not be read: {ex.Message}";
        }
        _version++;
        StateHasChanged();
    }

    private async Task WindowChangedAsync(TimeSpan window)
    {
        _window = window;
        await RefreshAsync();
    }

    private async Task ReplayChangedAsync(bool replay)
    {
        _replay = replay;
        _replayEnd = ReplayEndOf(_minutesAgo);
        await RefreshAsync();
    }

    private async Task MinutesAgoChangedAsync(int minutesAgo)
    {
        _minutesAgo = minutesAgo;
        _replayEnd = ReplayEndOf(minutesAgo);
        await RefreshAsync();
    }

    private DateTimeOffset ReplayEndOf(int minutesAgo) => Telemetry.RollupWriter.MinuteOf(Time.GetUtcNow()).AddMinutes(-minutesAgo);

    private void FilterChanged(string? filter) => Show(_display with { Filter = filter ?? "" });

    private void FocusChanged(string? service) => Show(_display with { Focus = service });

    private void Show(TopologyDisplay display)
    {
        _display = display;
        _graph.Show(display);
    }

    private void Relayout()
    {
        _graph.Relayout();
        Fit();
    }

    private void Fit()
    {
        _fitting = true;
        try
        {
            _graph.FitToScreen();
        }
        finally
        {
            _fitting = false;
        }
    }

    private void ContainerChanged()
    {
        if (_autoFit)
            _ = InvokeAsync(Fit);
    }

    private void TakeOverView()
    {
        if (!_fitting)
            _autoFit = false;
    }

    private void SelectionChanged(SelectableModel model)
    {
        var selected = _graph.Selected;
        if (ReferenceEquals(selected, _selected))
            return;
        _selected = selected;
        _ = InvokeAsync(StateHasChanged);
    }
}
