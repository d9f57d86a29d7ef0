using Mesh.Store;
using Mesh.Store.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Mesh.Migrations.Postgres;

/// <summary>Lets <c>dotnet ef migrations add --context AccountsDbContext</c> build the accounts Postgres model; it never connects.</summary>
internal sealed class AccountsDesignTimeFactory : IDesignTimeDbContextFactory<AccountsDbContext>
{
    public AccountsDbContext CreateDbContext(string[] args)
    {
        var options = new StoreOptions { Store = StoreProviders.Postgres, ConnectionString = "Host=127.0.0.1;Database=mesh_design" };
        var builder = new DbContextOptionsBuilder<AccountsDbContext>();
        AccountsStoreExtensions.Configure(builder, options);
        return new AccountsDbContext(builder.Options);
    }
}
