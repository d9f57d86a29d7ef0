using Mesh.Policy.Access;
using MeshConsole.Components;
using Microsoft.AspNetCore.Components;

namespace MeshConsole.Access;

/// <summary>Edits the draft access policy: its default, and one rule at a time through a form.</summary>
public sealed partial class AccessRuleEditor
{
    private RuleForm? _form;
    private int? _editing;

    [Parameter, EditorRequired]
    public AccessPolicy Draft { get; set; } = new();

    [Parameter]
    public EventCallback<AccessPolicy> DraftChanged { get; set; }

    /// <summary>The server's errors of the last save (fields <c>defaultAction</c>, <c>rules[i].…</c>).</summary>
    [Parameter]
    public ServerErrors Errors { get; set; } = ServerErrors.None;

    /// <summary>Names offered for source and destination.</summary>
    [Parameter]
    public IReadOnlyList<string> Services { get; set; } = [];

    private string Title => _editing is { } i ? $"Edit rules[{i}]" : "Add a rule";

    /// <summary>Opens the form for a new rule, with the pair filled in when one is given.</summary>
    public void StartNew(string? source, string? destination)
    {
        _editing = null;
        _form = new RuleForm { Source = source ?? "", Destination = destination ?? "" };
        StateHasChanged();
    }

    /// <summary>Opens the form on <c>rules[index]</c> of the draft.</summary>
    public void StartEdit(int index)
    {
        var rule = Draft.Rules[index];
        _editing = index;
        _form = new RuleForm
        {
            Source = rule.Source,
            Destination = rule.Destination,
            Methods = string.Join(", ", rule.Methods),
            Paths = string.Join(", ", rule.PathPrefixes),
            Action = rule.Action,
        };
        StateHasChanged();
    }

    // The form's field errors are those of the rule it edits; a new rule has none yet.
    private string Field(string name) => _editing is { } i ? $"rules[{i}].{name}" : $"rules[{Draft.Rules.Count}].{name}";

    private Task DefaultChangedAsync(AccessAction action) => DraftChanged.InvokeAsync(Draft with { DefaultAction = action });

    private Task RemoveAsync(int index)
    {
        if (_editing == index)
            Cancel();
        return DraftChanged.InvokeAsync(Draft with { Rules = [.. Draft.Rules.Where((_, i) => i != index)] });
    }

    private async Task SubmitAsync()
    {
        if (_form is not { } form)
            return;
        // Methods are written upper-case; everything else goes to the server's validation as typed.
        var rule = new AccessRule
        {
            Source = form.Source.Trim(),
            Destination = form.Destination.Trim(),
            Methods = [.. AccessWords.List(form.Methods).Select(m => m.ToUpperInvariant())],
            PathPrefixes = AccessWords.List(form.Paths),
            Action = form.Action,
        };
        var rules = Draft.Rules.ToList();
        if (_editing is { } index)
            rules[index] = rule;
        else
            rules.Add(rule);
        Cancel();
        await DraftChanged.InvokeAsync(Draft with { Rules = rules });
    }

    private void Cancel()
    {
        _form = null;
        _editing = null;
    }

    private sealed class RuleForm
    {
        public string Source { get; set; } = "";

        public string Destination { get; set; } = "";

        public string Methods { get; set; } = "";

        public string Paths { get; set; } = "";

        public AccessAction Action { get; set; } = AccessAction.Deny;
    }
}
