using System.Text.Json;
using Mesh.Policy.Documents;
using Mesh.Policy.Routing;
using Mesh.Policy.Serialization;
using Mesh.Policy.Snapshots;
using Mesh.Store.Entities;
using MeshConsole.Components;
using MeshConsole.ControlPlane;
using MeshConsole.Data;
using MeshConsole.Telemetry.Aggregation;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace MeshConsole.Policies.Canary;

/// <summary>
/// The canary and A/B editor of one service's route policy: subsets proposed from its live instances,
/// rules in order with their matches and weights, a preview of the change as a diff, a save with a
/// reason through <see cref="ConfigWriter"/>, and the observed split beside the desired one, read
/// every <see cref="RefreshEvery"/>.
/// </summary>
public sealed partial class RoutesPage
{
    /// <summary>How often the observed split is read again: what an eye follows, and cheap for the aggregator.</summary>
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource _stopping = new();
    private bool _loading = true;
    private bool _serviceExists;
    private ConfigObject? _current;
    private RouteDraft _draft = new();
    private string? _before;
    private string? _preview;
    private string? _reason;
    private ServerErrors _errors = ServerErrors.None;
    private bool _saving;
    private long? _saved;
    private bool _conflict;
    private ConfigObject? _theirs;
    private string? _refusal;
    private IReadOnlyList<InstanceEndpoint> _instances = [];
    private IReadOnlyList<SubsetProposal> _proposals = [];
    private SubsetView? _observed;
    private IReadOnlyDictionary<string, int>? _desired;

    [Parameter]
    public string Name { get; set; } = "";

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = null!;

    [Inject]
    private StoreAccess Store { get; set; } = null!;

    [Inject]
    private ConfigWriter Writer { get; set; } = null!;

    [Inject]
    private SubsetAggregator Subsets { get; set; } = null!;

    [Inject]
    private SidecarRegistry Registry { get; set; } = null!;

    [Inject]
    private TimeProvider Time { get; set; } = null!;

    private IReadOnlyList<string> SubsetNames => [.. _draft.Subsets.Select(s => s.Name).Where(n => n.Length > 0)];

    private IReadOnlyList<string> StoredSubsets { get; set; } = [];

    private string BeforeTitle => _current is null ? "Now: no route policy" : $"Now: version {_current.Version}";

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _stopping.Dispose();
    }

    protected override async Task OnInitializedAsync()
    {
        _serviceExists = await Store.ReadAsync(s => s.GetAsync(ConfigKind.Service, Name)) is not null;
        if (_serviceExists)
        {
            await LoadAsync();
            _instances = [.. (await Registry.EndpointsAsync(_stopping.Token)).Where(i => string.Equals(i.Service, Name, StringComparison.Ordinal))];
            Propose();
            ReadObserved();
        }

        _loading = false;
        if (_serviceExists && RendererInfo.IsInteractive)
            _ = RefreshLoopAsync(_stopping.Token);
    }

    private async Task LoadAsync()
    {
        _current = await Store.ReadAsync(s => s.GetAsync(ConfigKind.Routes, Name));
        var policy = _current is null ? null : ConfigDocuments.Deserialize<RoutePolicy>(_current.Spec);
        _draft = RouteDraft.From(policy);
        Stored(policy);
    }

    /// <summary>
    /// A rollout wrote a revision: what is stored is read again, the draft is left alone. Saving a draft begun
    /// before it conflicts, and the conflict panel shows what the rollout changed.
    /// </summary>
    private async Task RefreshStoredAsync()
    {
        _current = await Store.ReadAsync(s => s.GetAsync(ConfigKind.Routes, Name));
        Stored(_current is null ? null : ConfigDocuments.Deserialize<RoutePolicy>(_current.Spec));
    }

    private void Stored(RoutePolicy? policy)
    {
        _desired = RouteDraft.From(policy).DesiredSplit();
        _before = _current is null ? null : ConfigDocuments.Pretty(ConfigKind.Routes, _current.Spec);
        StoredSubsets = [.. policy?.Subsets.Select(s => s.Name) ?? []];
    }

    private async Task RefreshLoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(RefreshEvery, Time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                await InvokeAsync(() =>
                {
                    ReadObserved();
                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private void ReadObserved() => _observed = Subsets.Subsets(Name, AggregationWindows.OneMinute);

    private void Propose() =>
        _proposals = SubsetProposals.From(_instances, Name, [.. _draft.Subsets.Select(s => (IReadOnlyDictionary<string, string>)SubsetDraft.Parse(s.Labels).Labels)]);

    private void DraftChanged()
    {
        // The preview shows what would be saved: an edit after it makes it stale.
        _preview = null;
        Propose();
    }

    private void AddRule()
    {
        _draft.AddRule();
        DraftChanged();
    }

    private void Move(int index, int by)
    {
        _draft.MoveRule(index, by);
        DraftChanged();
    }

    private void RemoveRule(int index)
    {
        _draft.Rules.RemoveAt(index);
        DraftChanged();
    }

    private void ClosePreview() => _preview = null;

    private Task PreviewAsync()
    {
        _saved = null;
        _refusal = null;
        var (policy, errors) = _draft.ToPolicy();
        _errors = new ServerErrors(errors);
        _preview = ConfigDocuments.Pretty(ConfigKind.Routes, JsonSerializer.Serialize(policy, PolicyJson.Options));
        return Task.CompletedTask;
    }

    private Task SaveAsync() => SaveAsync(_current?.Version ?? 0);

    private Task OverwriteAsync() => SaveAsync(_theirs?.Version ?? 0);

    private async Task SaveAsync(long expectedVersion)
    {
        var (policy, errors) = _draft.ToPolicy();
        if (errors.Count > 0)
        {
            _errors = new ServerErrors(errors);
            return;
        }

        _saving = true;
        try
        {
            var user = (await AuthenticationState).User;
            var write = await Writer.PutAsync(user, ConfigKind.Routes, Name, policy, expectedVersion, _reason ?? "", _stopping.Token);
            _errors = new ServerErrors(write.Errors);
            _refusal = write.IsForbidden ? write.Message : null;
            _conflict = write.IsConflict;
            _theirs = write.IsConflict ? write.Current : null;
            if (write.Succeeded)
            {
                _saved = write.Revision?.Number;
                _preview = null;
                _reason = null;
                await LoadAsync();
                Propose();
            }
            else if (!write.IsConflict && !write.IsForbidden && write.Errors.Count == 0)
            {
                _refusal = write.Message;
            }
        }
        finally
        {
            _saving = false;
        }
    }

    private async Task ReloadAsync()
    {
        _conflict = false;
        _theirs = null;
        _preview = null;
        _errors = ServerErrors.None;
        await LoadAsync();
        Propose();
    }
}
