using Mesh.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Mesh.Store.Tests;

/// <summary>
/// The schema step that <c>MeshConsole migrate</c> runs (compose's one-shot, the Kubernetes Job) and that
/// replicas run at start-up with <c>Mesh:ApplyMigrations</c>.
/// </summary>
public sealed class StoreSchemaTests
{
    [Fact]
    public async Task MigrateAsync_FreshSqliteStore_AppliesEveryMigrationThenNone()
    {
        var folder = Directory.CreateTempSubdirectory("mesh-schema-").FullName;
        try
        {
            // A data folder that does not exist yet: the step makes it.
            await using var services = Services(new() { ["Mesh:Store"] = "sqlite", ["Mesh:DataDirectory"] = Path.Combine(folder, "data") });

            var first = await StoreSchema.MigrateAsync(services, CancellationToken.None);
            var second = await StoreSchema.MigrateAsync(services, CancellationToken.None);

            Assert.True(first > 0);
            Assert.Equal(0, second);
            await AssertCurrentAsync(services);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task MigrateAsync_TwoReplicasAtOnceOnAFreshPostgres_BothSucceedAndTheSchemaIsCurrent()
    {
        var admin = Environment.GetEnvironmentVariable(TestDatabase.PostgresVariable)
            ?? throw new InvalidOperationException($"{TestDatabase.PostgresVariable} is not set: run the tests with ./test.sh");
        var name = $"mesh_schema_{Guid.NewGuid():N}";
        await ExecuteAsync(admin, $"CREATE DATABASE {name}");
        try
        {
            var connection = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
            var errors = new ErrorLog();
            await using var one = Services(new() { ["Mesh:Store"] = "postgres", ["ConnectionStrings:Mesh"] = connection }, errors);
            await using var two = Services(new() { ["Mesh:Store"] = "postgres", ["ConnectionStrings:Mesh"] = connection }, errors);

            // EF Core locks the history table while it migrates: the second waits, then finds nothing to do.
            await Task.WhenAll(StoreSchema.MigrateAsync(one, CancellationToken.None), StoreSchema.MigrateAsync(two, CancellationToken.None));

            await AssertCurrentAsync(one);
            Assert.Equal(0, await StoreSchema.MigrateAsync(two, CancellationToken.None));
            // A fresh database's first start logs no error (EF Core would log reading the missing history table).
            Assert.Empty(errors.Messages);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }
    }

    [Fact]
    public async Task MigrateAsync_UnknownProvider_FailsNamingTheKey()
    {
        await using var services = Services(new() { ["Mesh:Store"] = "mysql" });

        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            () => StoreSchema.MigrateAsync(services, CancellationToken.None));

        Assert.Contains("Mesh:Store", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings, ErrorLog? errors = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddLogging(logging => { if (errors is not null) logging.AddProvider(errors); })
            .AddMeshStore(configuration).BuildServiceProvider();
    }

    /// <summary>Every message logged at Error or above, from every category.</summary>
    private sealed class ErrorLog : ILoggerProvider, ILogger
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
                Messages.Enqueue(formatter(state, exception));
        }

        public void Dispose()
        {
        }
    }

    private static async Task AssertCurrentAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        Assert.Empty(await scope.ServiceProvider.GetRequiredService<MeshDbContext>().Database.GetPendingMigrationsAsync());
        Assert.Empty(await scope.ServiceProvider.GetRequiredService<Mesh.Store.Accounts.AccountsDbContext>().Database.GetPendingMigrationsAsync());
    }

    private static async Task ExecuteAsync(string connection, string sql)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, db);
        await command.ExecuteNonQueryAsync();
    }
}
