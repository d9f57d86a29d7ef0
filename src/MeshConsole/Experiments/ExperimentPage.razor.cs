using Mesh.Store.Entities;
using MeshConsole.Telemetry.Aggregation;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace MeshConsole.Experiments;

/// <summary>
/// One experiment: its progress and a live chart of the condition's edge (or the target's inbound calls) while
/// it runs, redrawn every <see cref="RefreshEvery"/> at most; its result once it ended. Changes made on this
/// console arrive through the <see cref="ExperimentFeed"/> at once, others at the next refresh.
/// </summary>
public sealed partial class ExperimentPage : IAsyncDisposable
{
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource _disposed = new();
    private List<BreadcrumbItem> _crumbs = [];
    private Experiment? _experiment;
    private bool _loading = true;
    private bool _confirming;
    private bool _stopping;
    private string? _message;
    private double _progress;
    private string[] _labels = [];
    private List<ChartSeries<double>> _errorSeries = [];
    private List<ChartSeries<double>> _latencySeries = [];
    private IDisposable? _subscription;
    private long _lastRefresh = long.MinValue;

    [Parameter]
    public long Id { get; set; }

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = null!;

    [Inject]
    private ExperimentService Experiments { get; set; } = null!;

    [Inject]
    private FigureReader Figures { get; set; } = null!;

    [Inject]
    private ExperimentFeed Feed { get; set; } = null!;

    [Inject]
    private TimeProvider Time { get; set; } = null!;

    protected override async Task OnInitializedAsync()
    {
        _crumbs = [new("Experiments", "experiments"), new($"#{Id}", null, disabled: true)];
        await RefreshAsync();
        _loading = false;
        _subscription = Feed.Subscribe(id =>
        {
            if (id == Id)
                _ = InvokeAsync(ThrottledRefreshAsync);
        });
        _ = RefreshLoopAsync(_disposed.Token);
    }

    public async ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        await _disposed.CancelAsync();
        _disposed.Dispose();
    }

    private static string ChartSubject(Experiment e) =>
        AbortCondition.Of(e) is { } c ? $"{c.Source}→{c.Destination}" : $"calls to {e.Target}";

    private TimeSpan Remaining(Experiment e) =>
        e.EndsAt > Time.GetUtcNow() ? e.EndsAt - Time.GetUtcNow() : TimeSpan.Zero;

    private async Task RefreshLoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(RefreshEvery, Time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
                await InvokeAsync(RefreshAsync);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    // A burst of changes (end, fault removed, figures) redraws once; the timer catches up with the rest.
    private async Task ThrottledRefreshAsync()
    {
        if (Time.GetTimestamp() - _lastRefresh >= RefreshEvery.TotalSeconds * Time.TimestampFrequency)
            await RefreshAsync();
    }

    private async Task RefreshAsync()
    {
        if (_disposed.IsCancellationRequested)
            return;
        _lastRefresh = Time.GetTimestamp();
        try
        {
            _experiment = await Experiments.GetAsync(Id, _disposed.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _message = $"The experiment could not be read: {ex.Message}";
            StateHasChanged();
            return;
        }

        if (_experiment is { } e)
        {
            var now = Time.GetUtcNow();
            _progress = ExperimentView.ProgressOf(e, now);
            if (e.State == ExperimentState.Running)
                Plot(e, now);
        }

        StateHasChanged();
    }

    private void Plot(Experiment e, DateTimeOffset now)
    {
        Func<EdgeKey, bool> include = AbortCondition.Of(e) is { } c
            ? c.Includes
            : k => string.Equals(k.Destination, e.Target, StringComparison.Ordinal);
        var points = ChartSpans.Of(e.StartedAt, now)
            .Select(span => (span.From, Calls: Figures.Live(span.From, span.To, include)))
            .Where(p => p.Calls is { Requests: > 0 })
            .ToList();
        _labels = [.. points.Select(p => ExperimentText.Clock(p.From))];
        _errorSeries = [new ChartSeries<double> { Name = "error %", Data = new ChartData<double>([.. points.Select(p => p.Calls!.ErrorPercent)]) }];
        _latencySeries = [new ChartSeries<double> { Name = "p99 ms", Data = new ChartData<double>([.. points.Select(p => p.Calls!.P99Milliseconds ?? 0)]) }];
    }

    private async Task StopAsync()
    {
        _stopping = true;
        var outcome = await Experiments.StopAsync((await AuthenticationState).User, Id);
        _stopping = false;
        _confirming = false;
        _message = outcome.Succeeded ? null : outcome.Message;
        await RefreshAsync();
    }
}
