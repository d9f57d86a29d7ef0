using Mesh.Policy.Documents;
using Mesh.Store.Entities;
using MeshConsole.Components;
using MeshConsole.Data;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace MeshConsole.Audit;

/// <summary>One revision: who changed what and why, the side-by-side diff, export, and revert with a reason.</summary>
public sealed partial class RevisionPage
{
    [Parameter] public long Number { get; set; }

    [CascadingParameter] private Task<AuthenticationState> Authentication { get; set; } = null!;

    [Inject] private StoreAccess Store { get; set; } = null!;

    [Inject] private ConfigWriter Writer { get; set; } = null!;

    [Inject] private FileDownload Download { get; set; } = null!;

    [Inject] private NavigationManager Navigation { get; set; } = null!;

    [Inject] private ISnackbar Snackbar { get; set; } = null!;

    private ConfigRevision? _revision;
    private string _before = "";
    private string _after = "";
    private bool _loading = true;
    private List<BreadcrumbItem> _crumbs = [];

    private bool _reverting;
    private bool _busy;
    private string _now = "";
    private string _restored = "";
    private string? _reason;
    private string? _refusal;
    private bool _changedSince;
    private ServerErrors _errors = ServerErrors.None;

    protected override async Task OnParametersSetAsync()
    {
        _loading = true;
        CloseRevert();
        _crumbs = [new BreadcrumbItem("History", "history"), new BreadcrumbItem($"#{Number}", null, disabled: true)];
        _revision = await Store.ReadAsync(s => s.GetRevisionAsync(Number));
        _before = Pretty(_revision?.Before);
        _after = Pretty(_revision?.After);
        _loading = false;
    }

    private async Task OpenRevert()
    {
        var current = await Store.ReadAsync(s => s.GetAsync(_revision!.Kind, _revision.Target));
        _now = Pretty(current?.Spec);
        _restored = _before;
        _reverting = true;
    }

    private void CloseRevert()
    {
        _reverting = false;
        _reason = null;
        _refusal = null;
        _changedSince = false;
        _errors = ServerErrors.None;
    }

    private async Task RevertAsync(bool force)
    {
        _busy = true;
        _refusal = null;
        try
        {
            var user = (await Authentication).User;
            var write = await Writer.RevertAsync(user, Number, _reason ?? "", force);
            _errors = new ServerErrors(write.Errors);
            if (write.Revision is { } written)
            {
                Snackbar.Add($"Revision {written.Number} written: revert of #{Number}.", Severity.Success);
                Navigation.NavigateTo($"history/{written.Number}");
                return;
            }

            if (write.Errors.Count > 0)
                return;
            if (write.Succeeded)
            {
                _refusal = "Nothing to revert: it is already in that state.";
                return;
            }

            // The store refuses a revert over later changes unless forced: show them, then let the user decide.
            _changedSince = write.IsConflict;
            _refusal = write.IsConflict
                ? $"{write.Message}. The diff shows what is there now; revert anyway to overwrite it."
                : write.Message;
            if (write.IsConflict)
                _now = Pretty(write.Current?.Spec);
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task ExportAsync(ExportFormat format) =>
        await Download.SaveAsync(
            ConfigExport.FileName($"mesh-revision-{Number}", format), ExportWriter.ContentType(format),
            ExportWriter.Write(ConfigExport.Of(_revision!), format));

    private string Pretty(string? json) => json is null || _revision is null ? "" : ConfigDocuments.Pretty(_revision.Kind, json);

    private static string HistoryOf(string target) => $"history?target={Uri.EscapeDataString(target)}";
}
