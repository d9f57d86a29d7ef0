using Mesh.Policy.Access;
using Mesh.Policy.Documents;
using Mesh.Policy.Serialization;
using Mesh.Store.Entities;
using MeshConsole.Components;
using MeshConsole.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace MeshConsole.Access;

/// <summary>
/// The mesh's access policy as a matrix, with a what-if check; admins edit a draft, preview its diff and
/// the traffic it would cut, and save it with a reason through <see cref="ConfigWriter"/>.
/// </summary>
public sealed partial class AccessPage
{
    private bool _loading = true;
    private ConfigObject? _document;
    private AccessPolicy _saved = new();
    private AccessPolicy _draft = new();
    private IReadOnlySet<string> _known = new HashSet<string>();
    private IReadOnlyList<string> _services = [];
    private AccessCell? _selected;
    private bool _canEdit;
    private AccessRuleEditor? _editor;
    private bool _previewing;
    private IReadOnlyList<EdgeImpact> _impact = [];
    private int _edgesSeen;
    private ServerErrors _errors = ServerErrors.None;
    private bool _saving;
    private bool _conflict;
    private ConfigObject? _conflictCurrent;
    private string? _notice;
    // The reason of the save that met a conflict, reused when the admin overwrites.
    private string _lastReason = "";

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = null!;

    [Inject]
    private StoreAccess Store { get; set; } = null!;

    [Inject]
    private AccessTraffic Traffic { get; set; } = null!;

    [Inject]
    private ConfigWriter Writer { get; set; } = null!;

    [Inject]
    private IAuthorizationService Authorization { get; set; } = null!;

    private bool IsDirty => DraftJson != Pretty(_saved);

    // Without a document the diff shows a creation, though the mesh's default policy is in force.
    private string SavedJson => _document is null ? "" : Pretty(_saved);

    private string DraftJson => Pretty(_draft);

    private (string Source, string Destination)? SelectedPair => _selected is { } c ? (c.Source, c.Destination) : null;

    private string Changes
    {
        get
        {
            var parts = new List<string>();
            if (_draft.DefaultAction != _saved.DefaultAction)
                parts.Add($"default {AccessWords.Of(_draft.DefaultAction)}");
            parts.Add(_draft.Rules.Count == 1 ? "1 rule" : $"{_draft.Rules.Count} rules");
            return string.Join(", ", parts);
        }
    }

    protected override async Task OnInitializedAsync()
    {
        // Prerendering shows the loading bar only: a matrix drawn then could be clicked before the circuit
        // is there to answer, and the store would be read twice.
        if (!RendererInfo.IsInteractive)
            return;
        var user = (await AuthenticationState).User;
        _canEdit = (await Authorization.AuthorizeAsync(user, ConfigWriter.WriterPolicy(ConfigKind.Access))).Succeeded;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _document = await Store.ReadAsync(s => s.GetAsync(ConfigKind.Access, ConfigKinds.MeshTarget));
        _saved = _document is null ? new AccessPolicy() : ConfigDocuments.Deserialize<AccessPolicy>(_document.Spec);
        _draft = _saved;
        _known = await Traffic.KnownServicesAsync();
        RefreshServices();
        _selected = _selected is { } c && _services.Contains(c.Source) ? AccessCell.Of(_draft, c.Source, c.Destination) : null;
        _loading = false;
    }

    private void RefreshServices() => _services = AccessTraffic.MatrixServices(_known, _saved, _draft);

    private void Select(AccessCell cell) => _selected = cell;

    private void ChangeDraft(AccessPolicy draft)
    {
        _draft = draft;
        // The last save's errors name rules by index: after an edit they may point at other rules.
        _errors = ServerErrors.None;
        _previewing = false;
        RefreshServices();
        if (_selected is { } c)
            _selected = AccessCell.Of(_draft, c.Source, c.Destination);
    }

    private void AddForPair(AccessCell cell) => _editor?.StartNew(cell.Source, cell.Destination);

    private void EditRule(int index) => _editor?.StartEdit(index);

    private void RemoveRule(int index) => ChangeDraft(_draft with { Rules = [.. _draft.Rules.Where((_, i) => i != index)] });

    private void Discard() => ChangeDraft(_saved);

    private async Task Preview()
    {
        // Read when the admin looks, so the list is the last hour as of now.
        var edges = await Traffic.LastHourAsync();
        _edgesSeen = edges.Count;
        _impact = AccessImpact.Of(_saved, _draft, edges);
        _previewing = true;
    }

    private Task SaveAsync(string reason) => WriteAsync(reason, _document?.Version ?? 0);

    private Task OverwriteAsync() => WriteAsync(_lastReason, _conflictCurrent?.Version ?? 0);

    private async Task WriteAsync(string reason, long expectedVersion)
    {
        _saving = true;
        _lastReason = reason;
        var user = (await AuthenticationState).User;
        var write = await Writer.PutAsync(user, ConfigKind.Access, ConfigKinds.MeshTarget, _draft, expectedVersion, reason);
        _saving = false;
        if (write.IsConflict)
        {
            _conflict = true;
            _conflictCurrent = write.Current;
            return;
        }

        _conflict = false;
        if (!write.Succeeded)
        {
            _errors = write.IsForbidden ? new ServerErrors([new("", write.Message ?? "forbidden")]) : new ServerErrors(write.Errors);
            _previewing = true;
            return;
        }

        _notice = write.Revision is { } revision ? $"Saved as revision #{revision.Number}: sidecars apply it with their next snapshot." : "No change to save.";
        _previewing = false;
        _errors = ServerErrors.None;
        await LoadAsync();
    }

    private async Task ReloadAsync()
    {
        _conflict = false;
        _previewing = false;
        _errors = ServerErrors.None;
        await LoadAsync();
    }

    private static string Pretty(AccessPolicy policy) =>
        System.Text.Json.JsonSerializer.Serialize(policy, PolicyJson.Indented);
}
