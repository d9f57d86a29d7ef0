using Mesh.Policy.Documents;
using MeshConsole.Components;
using MeshConsole.Data;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace MeshConsole.Experiments;

/// <summary>
/// The start form: every field the server checks has its input, and the server's field errors land on them.
/// The name field takes the focus, Enter in any field submits; success opens the experiment's page.
/// </summary>
public sealed partial class NewExperimentPage
{
    // Fields with an input of their own; any other error is listed in the summary.
    private static readonly string[] _shown =
    [
        "name", "target", "sourceService", "headerName", "headerValue", "fault", "delayMs", "delayPercent",
        "abortHttpStatus", "abortGrpcStatus", "abortPercent", "durationSeconds", "conditionSource",
        "conditionDestination", "conditionErrorPercent", "conditionForSeconds", "reason",
    ];

    private readonly List<BreadcrumbItem> _crumbs = [new("Experiments", "experiments"), new("New", null, disabled: true)];
    private readonly ExperimentForm _form = new();
    private ServerErrors _errors = ServerErrors.None;
    private string? _message;
    private bool _busy;
    private IReadOnlyList<string> _services = [];
    private MudTextField<string>? _nameField;
    private bool _focused;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = null!;

    [Inject]
    private ExperimentService Experiments { get; set; } = null!;

    [Inject]
    private StoreAccess Store { get; set; } = null!;

    [Inject]
    private NavigationManager Navigation { get; set; } = null!;

    private string TargetHelp => _services.Count == 0 ? "a service of the mesh" : $"one of {string.Join(", ", _services)}";

    protected override async Task OnInitializedAsync() =>
        _services = [.. (await Store.ReadAsync(s => s.ListAsync(ConfigKind.Service))).Select(o => o.Target)];

    // The form appears once the role is known (AuthorizeView), after the page's own first render: the name takes
    // the focus when it is there, so the keyboard can start typing.
    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!_focused && _nameField is not null)
        {
            _focused = true;
            await _nameField.FocusAsync();
        }
    }

    private async Task SubmitAsync()
    {
        if (_busy)
            return;
        _busy = true;
        try
        {
            var user = (await AuthenticationState).User;
            var outcome = await Experiments.StartAsync(user, _form.ToRequest());
            if (outcome.Succeeded)
            {
                Navigation.NavigateTo($"experiments/{outcome.Experiment!.Id}");
                return;
            }

            _errors = new ServerErrors(outcome.Errors);
            _message = outcome.Message;
        }
        finally
        {
            _busy = false;
        }
    }

    /// <summary>The form's inputs, as typed.</summary>
    private sealed class ExperimentForm
    {
        public string? Name { get; set; }
        public string? Target { get; set; }
        public string? SourceService { get; set; }
        public string? HeaderName { get; set; }
        public string? HeaderValue { get; set; }
        public int? DelayMs { get; set; }
        public double? DelayPercent { get; set; }
        public int? AbortHttpStatus { get; set; }
        public int? AbortGrpcStatus { get; set; }
        public double? AbortPercent { get; set; }
        public int? DurationSeconds { get; set; } = 300;
        public string? ConditionSource { get; set; }
        public string? ConditionDestination { get; set; }
        public double? ConditionErrorPercent { get; set; }
        public int? ConditionForSeconds { get; set; }
        public string? Reason { get; set; }

        public ExperimentRequest ToRequest() => new()
        {
            Name = Name,
            Target = Target?.Trim(),
            SourceService = SourceService?.Trim(),
            HeaderName = HeaderName?.Trim(),
            HeaderValue = HeaderValue,
            DelayMs = DelayMs,
            DelayPercent = DelayPercent,
            AbortHttpStatus = AbortHttpStatus,
            AbortGrpcStatus = AbortGrpcStatus,
            AbortPercent = AbortPercent,
            DurationSeconds = DurationSeconds,
            ConditionSource = ConditionSource?.Trim(),
            ConditionDestination = ConditionDestination?.Trim(),
            ConditionErrorPercent = ConditionErrorPercent,
            ConditionForSeconds = ConditionForSeconds,
            Reason = Reason,
        };
    }
}
