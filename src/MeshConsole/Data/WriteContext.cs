using Mesh.Policy.Documents;
using Mesh.Store;
using MeshConsole.Observability;

namespace MeshConsole.Data;

/// <summary>What every write endpoint needs, bound from services in one parameter.</summary>
internal sealed class WriteContext(ConfigStore store, ConfigDocuments documents, ActorAccessor actor, ConsoleMetrics metrics)
{
    public ConfigStore Store => store;

    public ConfigDocuments Documents => documents;

    public ActorAccessor Actor => actor;

    public ConsoleMetrics Metrics => metrics;

    /// <summary>Counts the outcome and maps it to HTTP.</summary>
    public IResult Record(WriteResult result, ConfigKind kind, string target, string location)
    {
        if (result.Revision is not null)
            metrics.RevisionWritten(kind);
        else if (!result.Succeeded)
            metrics.WriteRejected(kind, result.Status.ToString().ToLowerInvariant());
        return ApiResults.Write(result, kind, target, location);
    }
}
