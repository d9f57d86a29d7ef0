using Bunit;
using Bunit.TestDoubles;
using Mesh.Policy.Documents;
using Mesh.Store;
using Mesh.Testing;
using MeshConsole.Components;
using MeshConsole.Data;
using MeshConsole.Observability;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace MeshConsole.Tests;

/// <summary>A bunit context whose pages read a real, fresh SQLite store.</summary>
public abstract class PageTestContext : BunitContext, IAsyncLifetime
{
    protected TestDatabase Database { get; private set; } = null!;

    /// <summary>Who the pages see as signed in: a viewer unless a test says otherwise.</summary>
    protected BunitAuthorizationContext Authorization { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync(StoreProviders.Sqlite);
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton<ConfigDocuments>();
        Services.AddDbContext<MeshDbContext>(builder => StoreServiceCollectionExtensions.Configure(builder, Database.Options));
        Services.AddScoped<ConfigStore>();
        Services.AddScoped<InstanceStore>();
        Services.AddScoped<IdentityStore>();
        Services.AddScoped<JoinTokenStore>();
        Services.AddScoped<RollupStore>();
        Services.AddSingleton<StoreAccess>();
        Services.AddMetrics();
        Services.AddSingleton<ConsoleMetrics>();
        Services.AddSingleton<ConfigWriter>();
        Services.AddScoped<FileDownload>();
        Authorization = AddAuthorization();
        Authorization.SetAuthorized("alice");
        Authorization.SetRoles(MeshPolicies.Viewer);
        Authorization.SetPolicies(MeshPolicies.Viewer);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await Database.DisposeAsync();
    }

    protected async Task<WriteResult> WriteAsync(ConfigKind kind, string target, string json, long version = 0)
    {
        await using var db = Database.CreateContext();
        var documents = new ConfigDocuments(TimeProvider.System);
        var document = documents.Read(kind, json).Document ?? throw new InvalidOperationException($"invalid test document {json}");
        return await new ConfigStore(db, documents, TimeProvider.System).PutAsync(document, target, version, "alice", "seed");
    }
}
