using Mesh.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Mesh.Migrations.Sqlite;

/// <summary>Lets <c>dotnet ef migrations add</c> build the SQLite model without starting the console.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<MeshDbContext>
{
    public MeshDbContext CreateDbContext(string[] args)
    {
        var options = new StoreOptions { Store = StoreProviders.Sqlite, ConnectionString = "Data Source=design-time.db" };
        var builder = new DbContextOptionsBuilder<MeshDbContext>();
        StoreServiceCollectionExtensions.Configure(builder, options);
        return new MeshDbContext(builder.Options);
    }
}
