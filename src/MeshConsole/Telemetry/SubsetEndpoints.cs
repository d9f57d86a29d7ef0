using Mesh.Policy.Validation;
using MeshConsole.Telemetry.Aggregation;

namespace MeshConsole.Telemetry;

/// <summary><c>GET /api/services/{name}/subsets</c>: the observed split of a service's calls by subset.</summary>
internal static class SubsetEndpoints
{
    public static IEndpointRouteBuilder MapSubsetEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/services/{name}/subsets", Get)
            .WithTags("Telemetry")
            .WithSummary("Calls into a service per subset its callers' route rules picked, over a sliding window: share, rate, error %, p50/p99.");
        return app;
    }

    private static IResult Get(string name, string? window, SubsetAggregator subsets)
    {
        if (FieldRules.DnsLabel(name) is { } badName)
            return BadQuery("name", badName);
        var span = AggregationWindows.OneMinute;
        if (window is not null && !AggregationWindows.TryParse(window, out span))
            return BadQuery("window", $"\"{window}\" is not one of {string.Join(", ", AggregationWindows.All.Select(AggregationWindows.Format))}");

        var view = subsets.Subsets(name, span);
        return Results.Ok(new
        {
            service = view.Service,
            at = view.At,
            window = AggregationWindows.Format(view.Window),
            subsets = view.Subsets.Select(s => new
            {
                subset = s.Subset,
                requests = s.Requests,
                rps = Math.Round(s.RequestsPerSecond, 3),
                errorPercent = Math.Round(s.ErrorPercent, 2),
                sharePercent = Math.Round(s.SharePercent, 2),
                p50 = s.P50Milliseconds,
                p99 = s.P99Milliseconds,
            }),
        });
    }

    // As /api/topology answers a bad query: 400 with the field that is wrong.
    private static IResult BadQuery(string field, string reason) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [reason] }, title: "Bad query");
}
