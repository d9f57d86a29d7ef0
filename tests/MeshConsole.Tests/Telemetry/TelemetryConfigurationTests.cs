using MeshConsole.Tests.Hosting;

namespace MeshConsole.Tests.Telemetry;

public sealed class TelemetryConfigurationTests
{
    [Theory]
    [InlineData("Mesh:Topology:AmberErrorPercent", "0", "Mesh:Topology:AmberErrorPercent must be above 0 and at most 100.")]
    [InlineData("Mesh:Topology:RedErrorPercent", "0.5", "Mesh:Topology:RedErrorPercent must not be below Mesh:Topology:AmberErrorPercent.")]
    [InlineData("Mesh:Topology:MaxEdges", "0", "Mesh:Topology:MaxEdges must be between 1 and 1000000.")]
    [InlineData("Mesh:Otlp:MaxMessageBytes", "10", "Mesh:Otlp:MaxMessageBytes must be between 1 KiB and 64 MiB.")]
    [InlineData("Mesh:Otlp:QueueCapacity", "0", "Mesh:Otlp:QueueCapacity must be between 1 and 100000.")]
    public async Task Start_BadTelemetrySetting_FailsNamingTheKey(string key, string value, string expected)
    {
        var folder = Directory.CreateTempSubdirectory("mesh-telemetry-config-").FullName;
        try
        {
            var error = await ConsoleStart.FailureAsync(new Dictionary<string, string?>
            {
                ["Mesh:DataDirectory"] = folder,
                [key] = value,
            });

            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
