using Mesh.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Mesh.Migrations.Postgres;

/// <summary>Lets <c>dotnet ef migrations add</c> build the Postgres model; it never connects.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<MeshDbContext>
{
    public MeshDbContext CreateDbContext(string[] args)
    {
        var options = new StoreOptions { Store = StoreProviders.Postgres, ConnectionString = "Host=127.0.0.1;Database=mesh_design" };
        var builder = new DbContextOptionsBuilder<MeshDbContext>();
        StoreServiceCollectionExtensions.Configure(builder, options);
        return new MeshDbContext(builder.Options);
    }
}
