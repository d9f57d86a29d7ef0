using Mesh.Store;
using Mesh.Store.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Mesh.Migrations.Sqlite;

/// <summary>Lets <c>dotnet ef migrations add --context AccountsDbContext</c> build the accounts SQLite model without starting the console.</summary>
internal sealed class AccountsDesignTimeFactory : IDesignTimeDbContextFactory<AccountsDbContext>
{
    public AccountsDbContext CreateDbContext(string[] args)
    {
        var options = new StoreOptions { Store = StoreProviders.Sqlite, ConnectionString = "Data Source=design-time.db" };
        var builder = new DbContextOptionsBuilder<AccountsDbContext>();
        AccountsStoreExtensions.Configure(builder, options);
        return new AccountsDbContext(builder.Options);
    }
}
