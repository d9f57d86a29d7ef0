using System.Globalization;
using System.Text.Json;
using MeshConsole.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;
using MudBlazor;

namespace MeshConsole.Identity;

/// <summary>
/// The CA, join tokens, issued certificates and revoked instances. Every action asks the
/// authorization service for the admin policy on the server first; hiding buttons is not enough.
/// </summary>
public sealed partial class IdentityPage
{
    private IReadOnlyList<AuthorityView> _authorities = [];
    private IReadOnlyList<JoinTokenView> _tokens = [];
    private IReadOnlyList<IssuedCertificateView> _certificates = [];
    private IReadOnlyList<RevocationView> _revocations = [];
    private string? _notice;
    private Severity _noticeSeverity = Severity.Info;
    private bool _confirmingRotation;
    private bool _creating;
    private CreatedJoinToken? _created;
    private TokenForm _form = new();
    private Dictionary<string, string> _formErrors = [];
    private string _reason = "";

    [Inject]
    private IServiceScopeFactory Scopes { get; set; } = null!;

    [Inject]
    private AuthenticationStateProvider Authentication { get; set; } = null!;

    [Inject]
    private IAuthorizationService Authorization { get; set; } = null!;

    [Inject]
    private TimeProvider Time { get; set; } = null!;

    [Inject]
    private IJSRuntime Js { get; set; } = null!;

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        await using var scope = Scopes.CreateAsyncScope();
        var admin = scope.ServiceProvider.GetRequiredService<IdentityAdmin>();
        _authorities = await admin.ListAuthoritiesAsync(CancellationToken.None);
        _tokens = await admin.ListTokensAsync(CancellationToken.None);
        _certificates = await admin.ListCertificatesAsync(CancellationToken.None);
        _revocations = await admin.ListRevocationsAsync(CancellationToken.None);
    }

    private Task RotateAsync()
    {
        _confirmingRotation = false;
        return ActAsync("rotate the CA", async (admin, actor) => await admin.RotateAsync(actor, CancellationToken.None) is { } rotated
            ? $"CA generation {rotated.Generation} is active; the previous one stays trusted until the overlap ends."
            : "Another rotation happened at the same time; nothing changed.");
    }

    private Task RevokeTokenAsync(string name) =>
        ActAsync("revoke join tokens", async (admin, actor) => await admin.RevokeTokenAsync(name, actor, CancellationToken.None)
            ? $"Join token {name} is revoked."
            : $"Join token {name} was already revoked.");

    private Task RevokeInstanceAsync(string instanceId) =>
        ActAsync("revoke instances", async (admin, actor) =>
            await admin.RevokeInstanceAsync(new RevokeInstanceRequest(instanceId, _reason), actor, CancellationToken.None) is not null
                ? $"Instance {instanceId} is revoked; its stream ends and its certificates are listed as revoked."
                : $"Instance {instanceId} was already revoked.");

    private Task LiftAsync(string instanceId) =>
        ActAsync("lift revocations", async (admin, actor) => await admin.LiftRevocationAsync(instanceId, actor, CancellationToken.None)
            ? $"Instance {instanceId} may join again."
            : $"Instance {instanceId} was not revoked.");

    private void OpenCreate()
    {
        _form = new TokenForm();
        _formErrors = [];
        _created = null;
        _creating = true;
    }

    private void CloseCreate()
    {
        _created = null;
        _creating = false;
    }

    /// <summary>The form is checked by the same reader as the REST body, so both refuse alike.</summary>
    private async Task CreateTokenAsync()
    {
        var now = Time.GetUtcNow();
        var body = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["name"] = _form.Name ?? "",
            ["scope"] = string.IsNullOrWhiteSpace(_form.Scope) ? "*" : _form.Scope.Trim(),
            ["maxUses"] = _form.MaxUses,
            ["expiresAt"] = now.AddHours(_form.ValidForHours).ToString("O", CultureInfo.InvariantCulture),
        });
        var (request, errors, _) = IdentityRequests.ReadJoinToken(body, now);
        _formErrors = errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => string.Join("; ", g.Select(e => e.Reason)));
        if (request is null)
            return;
        await ActAsync("create join tokens", async (admin, actor) =>
        {
            _created = await admin.CreateTokenAsync(request, actor, CancellationToken.None);
            if (_created is null)
                _formErrors["name"] = $"a join token named {request.Name} already exists";
            return _created is null ? null : $"Join token {request.Name} created.";
        });
    }

    private async Task CopyAsync()
    {
        if (_created is { } created)
            await Js.InvokeVoidAsync("navigator.clipboard.writeText", created.Token);
    }

    /// <summary>Runs an admin action for an admin only, then reloads; a null outcome leaves the notice as it was.</summary>
    private async Task ActAsync(string what, Func<IdentityAdmin, string, Task<string?>> action)
    {
        var user = (await Authentication.GetAuthenticationStateAsync()).User;
        if (!(await Authorization.AuthorizeAsync(user, MeshPolicies.Admin)).Succeeded)
        {
            Notify(Severity.Error, $"Only admins may {what}.");
            return;
        }

        await using (var scope = Scopes.CreateAsyncScope())
        {
            var actor = user.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? name : ActorAccessor.Anonymous;
            if (await action(scope.ServiceProvider.GetRequiredService<IdentityAdmin>(), actor) is { } outcome)
                Notify(Severity.Success, outcome);
        }

        await LoadAsync();
    }

    private void Notify(Severity severity, string notice)
    {
        _noticeSeverity = severity;
        _notice = notice;
    }

    private sealed class TokenForm
    {
        public string? Name { get; set; }

        public string? Scope { get; set; } = "*";

        public int? MaxUses { get; set; }

        public int ValidForHours { get; set; } = 24;
    }
}
