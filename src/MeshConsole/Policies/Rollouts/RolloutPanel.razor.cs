using System.Globalization;
using Mesh.Policy.Validation;
using MeshConsole.Components;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace MeshConsole.Policies.Rollouts;

/// <summary>
/// The rollout part of the canary editor: reads the service's latest rollout every <see cref="RefreshEvery"/>,
/// tells the page when the rollout wrote a new revision, and starts, pauses, resumes or aborts one through
/// <see cref="RolloutManager"/> (which checks the role, as REST does).
/// </summary>
public sealed partial class RolloutPanel : IAsyncDisposable
{
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource _stopping = new();
    private RolloutView? _latest;
    private bool _read;
    private ServerErrors _errors = ServerErrors.None;
    private string? _refusal;
    private bool _busy;
    private string? _canary;
    private string? _stable;
    private string _steps = string.Join(", ", RolloutPlan.DefaultSteps);
    private int _interval = RolloutPlan.DefaultIntervalSeconds;
    private double _maxExcess = RolloutPlan.DefaultMaxErrorExcessPercent;
    private double _maxRatio = RolloutPlan.DefaultMaxP99Ratio;
    private int _minCalls = RolloutPlan.DefaultMinCalls;
    private string? _reason;

    [Parameter, EditorRequired]
    public string Service { get; set; } = "";

    /// <summary>The subsets the stored route policy declares, to choose the canary and the stable one from.</summary>
    [Parameter, EditorRequired]
    public IReadOnlyList<string> Subsets { get; set; } = [];

    /// <summary>The rollout wrote a revision of the route policy: the page reads it again.</summary>
    [Parameter]
    public EventCallback RevisionWritten { get; set; }

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = null!;

    [Inject]
    private RolloutManager Manager { get; set; } = null!;

    [Inject]
    private TimeProvider Time { get; set; } = null!;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _stopping.Dispose();
    }

    protected override async Task OnInitializedAsync()
    {
        await ReadAsync();
        if (RendererInfo.IsInteractive)
            _ = RefreshLoopAsync(_stopping.Token);
    }

    protected override void OnParametersSet()
    {
        // Subsets are usually declared oldest first (v1, v2): the first is taken as stable, the second as the canary.
        _stable ??= Subsets.Count > 0 ? Subsets[0] : null;
        _canary ??= Subsets.Count > 1 ? Subsets[1] : null;
    }

    private async Task RefreshLoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(RefreshEvery, Time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                await InvokeAsync(async () =>
                {
                    await ReadAsync();
                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task ReadAsync()
    {
        var first = !_read;
        var before = _latest?.LastRevision;
        _latest = await Manager.LatestAsync(Service, _stopping.Token) is { } latest ? RolloutView.Of(latest) : null;
        _read = true;
        // The page read the policy itself at first; later, each revision the rollout writes is news to it.
        if (!first && _latest?.LastRevision is { } revision && revision != before)
            await RevisionWritten.InvokeAsync();
    }

    private async Task StartAsync()
    {
        var (steps, stepsError) = ParseSteps(_steps);
        if (stepsError is not null)
        {
            _errors = new ServerErrors([new ValidationError("steps", stepsError)]);
            return;
        }

        await RunAsync(user => Manager.StartAsync(user, Service, new RolloutRequest
        {
            Canary = _canary,
            Stable = _stable,
            Steps = steps,
            IntervalSeconds = _interval,
            MaxErrorExcessPercent = _maxExcess,
            MaxP99Ratio = _maxRatio,
            MinCalls = _minCalls,
            Reason = _reason,
        }, _stopping.Token));
        if (_errors.Any || _refusal is not null)
            return;
        _reason = null;
    }

    private Task ChangeAsync(string action) => RunAsync(user => action switch
    {
        "pause" => Manager.PauseAsync(user, Service, _latest!.Id, _stopping.Token),
        "resume" => Manager.ResumeAsync(user, Service, _latest!.Id, _stopping.Token),
        _ => Manager.AbortAsync(user, Service, _latest!.Id, _stopping.Token),
    });

    private async Task RunAsync(Func<System.Security.Claims.ClaimsPrincipal, Task<RolloutResult>> act)
    {
        _busy = true;
        try
        {
            var result = await act((await AuthenticationState).User);
            _errors = new ServerErrors(result.Errors);
            _refusal = result.Succeeded || result.Outcome == RolloutOutcome.Invalid ? null : result.Message;
            if (result.Succeeded)
                await ReadAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    /// <summary>Percents separated by commas, spaces or arrows (<c>5, 25 → 50 100</c>).</summary>
    public static (IReadOnlyList<int> Steps, string? Error) ParseSteps(string? text)
    {
        var steps = new List<int>();
        foreach (var part in (text ?? "").Split([',', ' ', '→', '%'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var step))
                return (steps, $"\"{part}\" is not a whole percent");
            steps.Add(step);
        }

        return (steps, null);
    }
}
