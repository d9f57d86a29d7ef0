using System.Text.Json;

namespace Mesh.Demo;

/// <summary>One service of the shop: which instance it is and whom it calls (through its sidecar).</summary>
/// <param name="Name">The mesh service.</param>
/// <param name="Version">The instance's version label.</param>
/// <param name="Calls">The services it calls for every request.</param>
/// <param name="DelayMs">Typical work time, so the graph has latencies to show.</param>
/// <param name="ErrorPercent">Share of requests it fails with 503, so the graph has errors to show.</param>
public sealed record ShopService(string Name, string Version, IReadOnlyList<string> Calls, int DelayMs, double ErrorPercent)
{
    /// <summary>frontend → catalog, orders; orders (v1 and a slower v2) → payments, inventory.</summary>
    public static IReadOnlyList<ShopService> Shop { get; } =
    [
        new("frontend", "v1", ["catalog", "orders"], 3, 0),
        new("catalog", "v1", [], 5, 0),
        new("orders", "v1", ["payments", "inventory"], 8, 0),
        new("orders", "v2", ["payments", "inventory"], 14, 1),
        new("payments", "v1", [], 12, 2),
        new("inventory", "v1", [], 4, 0),
    ];

    /// <summary>The shop's instance of <paramref name="name"/> at <paramref name="version"/>, or null when the shop has none.</summary>
    public static ShopService? Find(string name, string version) =>
        Shop.FirstOrDefault(s => s.Name == name && s.Version == version);

    /// <summary>
    /// Runs the app on <paramref name="port"/> of 127.0.0.1 (its sidecar beside it forwards peers' calls there);
    /// its calls go to <paramref name="outbound"/>, its sidecar's outbound listener.
    /// </summary>
    public async Task<WebApplication> StartAsync(int port, Uri outbound)
    {
        // Nothing to reload: each shop service would otherwise watch the working directory.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ListenLocalhost(port));
        builder.Services.AddHttpClient("mesh", c => c.BaseAddress = outbound);
        var app = builder.Build();
        app.MapGet("/", async (IHttpClientFactory clients, HttpContext context) =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(DelayMs * (0.5 + Random.Shared.NextDouble())), context.RequestAborted);
            if (Random.Shared.NextDouble() * 100 < ErrorPercent)
                return Results.Text($"{Name} {Version}: simulated failure", statusCode: StatusCodes.Status503ServiceUnavailable);

            var client = clients.CreateClient("mesh");
            var downstream = new Dictionary<string, string>();
            foreach (var callee in Calls)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { { "X-Mesh-Service", callee } } };
                using var response = await client.SendAsync(request, context.RequestAborted);
                downstream[callee] = response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync(context.RequestAborted) : $"{(int)response.StatusCode}";
            }

            return Results.Text(JsonSerializer.Serialize(new { service = Name, version = Version, downstream }), "application/json");
        });
        await app.StartAsync();
        return app;
    }
}
