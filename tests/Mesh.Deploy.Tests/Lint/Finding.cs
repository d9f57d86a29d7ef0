namespace Mesh.Deploy.Tests.Lint;

/// <summary>One broken rule, where it is broken: <c>docker/k8s/console.yaml:41: ...</c>.</summary>
public sealed record Finding(string File, long Line, string Message)
{
    public override string ToString() => $"{File}:{Line}: {Message}";
}
