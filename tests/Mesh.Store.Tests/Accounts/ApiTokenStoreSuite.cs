using Mesh.Store.Accounts;
using Mesh.Testing;
using Microsoft.EntityFrameworkCore;

namespace Mesh.Store.Tests.Accounts;

/// <summary>The API token table's contract, run once on SQLite and once on Postgres.</summary>
public abstract class ApiTokenStoreSuite(string provider) : IAsyncLifetime
{
    private static readonly DateTimeOffset _now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private TestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(provider);
        await using var db = _database.CreateAccountsContext();
        db.Users.AddRange(
            new ConsoleUser { Id = "alice-id", UserName = "alice", NormalizedUserName = "ALICE" },
            new ConsoleUser { Id = "bob-id", UserName = "bob", NormalizedUserName = "BOB" });
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task AddAsync_ThenFindByValue_FindsTheTokenByItsHashOnly()
    {
        var value = TokenFormat.Generate(TokenFormat.ApiTokenPrefix);

        var added = await AddAsync("ci", "alice-id", value);

        var found = await FindAsync(value);
        Assert.NotNull(added);
        Assert.Equal(added.Id, found?.Id);
        Assert.Equal(TokenFormat.Hash(value), found?.Hash);
        await using var db = _database.CreateAccountsContext();
        Assert.DoesNotContain(await db.ApiTokens.Select(t => t.Hash).ToListAsync(), h => h.Contains(value, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddAsync_NameTaken_ReturnsNullAndKeepsTheFirst()
    {
        await AddAsync("ci", "alice-id", TokenFormat.Generate(TokenFormat.ApiTokenPrefix));

        var second = await AddAsync("ci", "bob-id", TokenFormat.Generate(TokenFormat.ApiTokenPrefix));

        Assert.Null(second);
        await using var db = _database.CreateAccountsContext();
        Assert.Equal("alice-id", Assert.Single(await new ApiTokenStore(db).ListAsync()).OwnerId);
    }

    [Fact]
    public async Task FindByValueAsync_UnknownValue_ReturnsNull()
    {
        await AddAsync("ci", "alice-id", TokenFormat.Generate(TokenFormat.ApiTokenPrefix));

        Assert.Null(await FindAsync(TokenFormat.Generate(TokenFormat.ApiTokenPrefix)));
    }

    [Fact]
    public async Task RevokeAsync_KeepsTheTokenMarkedWithTheFirstTime()
    {
        var value = TokenFormat.Generate(TokenFormat.ApiTokenPrefix);
        var token = await AddAsync("ci", "alice-id", value);

        await using (var db = _database.CreateAccountsContext())
        {
            Assert.True(await new ApiTokenStore(db).RevokeAsync(token!.Id, _now.AddHours(1)));
            Assert.True(await new ApiTokenStore(db).RevokeAsync(token.Id, _now.AddHours(2)));
            Assert.False(await new ApiTokenStore(db).RevokeAsync(token.Id + 1000, _now));
        }

        Assert.Equal(_now.AddHours(1), (await FindAsync(value))?.RevokedAt);
    }

    [Fact]
    public async Task ListAsync_ByOwner_OnlyThatOwnersTokens()
    {
        await AddAsync("a1", "alice-id", TokenFormat.Generate(TokenFormat.ApiTokenPrefix));
        await AddAsync("b1", "bob-id", TokenFormat.Generate(TokenFormat.ApiTokenPrefix));
        await AddAsync("a2", "alice-id", TokenFormat.Generate(TokenFormat.ApiTokenPrefix));

        await using var db = _database.CreateAccountsContext();
        var alices = await new ApiTokenStore(db).ListAsync("alice-id");

        Assert.Equal(["a1", "a2"], alices.Select(t => t.Name));
    }

    [Fact]
    public async Task DeleteOwner_DeletesTheirTokens()
    {
        var value = TokenFormat.Generate(TokenFormat.ApiTokenPrefix);
        await AddAsync("ci", "bob-id", value);

        await using (var db = _database.CreateAccountsContext())
        {
            db.Users.Remove(await db.Users.SingleAsync(u => u.Id == "bob-id"));
            await db.SaveChangesAsync();
        }

        Assert.Null(await FindAsync(value));
    }

    private async Task<ApiToken?> AddAsync(string name, string owner, string value)
    {
        await using var db = _database.CreateAccountsContext();
        return await new ApiTokenStore(db).AddAsync(name, owner, "operator", value, _now, _now.AddDays(30));
    }

    private async Task<ApiToken?> FindAsync(string value)
    {
        await using var db = _database.CreateAccountsContext();
        return await new ApiTokenStore(db).FindByValueAsync(value);
    }
}

public sealed class SqliteApiTokenStoreTests() : ApiTokenStoreSuite(StoreProviders.Sqlite);

public sealed class PostgresApiTokenStoreTests() : ApiTokenStoreSuite(StoreProviders.Postgres);
