using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace MeshConsole.Tests.Hosting;

/// <summary>
/// Starts the console's host in-process and returns the error its start-up validation raised.
/// WebApplicationFactory is not used here: after a failed start, Program's own thread disposes
/// the host while the factory still reads its services, so either error could reach the test.
/// </summary>
internal static class ConsoleStart
{
    public static async Task<OptionsValidationException> FailureAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddMeshConsole();
        await using var app = builder.Build();
        return await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
    }
}
