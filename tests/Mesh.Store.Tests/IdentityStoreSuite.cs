using Mesh.Store.Entities;
using Mesh.Testing;
using Microsoft.EntityFrameworkCore;

namespace Mesh.Store.Tests;

/// <summary>Join tokens, CA generations, issued certificates and revocations, on SQLite and on Postgres.</summary>
public abstract class IdentityStoreSuite(string provider) : IAsyncLifetime
{
    private static readonly DateTimeOffset _now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync(provider);

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task CreateAsync_NameTaken_FalseAndOneRow()
    {
        Assert.True(await UseTokensAsync(s => s.CreateAsync(Token("ci", "a"))));

        Assert.False(await UseTokensAsync(s => s.CreateAsync(Token("ci", "b"))));

        await using var db = _database.CreateContext();
        Assert.Equal(1, await db.JoinTokens.CountAsync());
    }

    [Fact]
    public async Task UseAsync_SingleUseTokenRacedByTwoInstances_ExactlyOneWins()
    {
        await UseTokensAsync(s => s.CreateAsync(Token("once", "h", maxUses: 1)));
        var id = (await UseTokensAsync(s => s.GetAsync("once")))!.Id;

        var results = await Task.WhenAll(Enumerable.Range(1, 2).Select(i =>
            Task.Run(() => UseTokensAsync(s => s.UseAsync(id, $"orders-{i}", _now)))));

        Assert.Single(results, won => won);
        var token = await UseTokensAsync(s => s.GetAsync("once"));
        Assert.Equal(1, token!.Uses);
        Assert.Single(token.UsedBy);
    }

    [Fact]
    public async Task UseAsync_SameInstanceAgain_AdmittedWithoutCountingAgain()
    {
        await UseTokensAsync(s => s.CreateAsync(Token("once", "h", maxUses: 1)));
        var id = (await UseTokensAsync(s => s.GetAsync("once")))!.Id;
        Assert.True(await UseTokensAsync(s => s.UseAsync(id, "orders-1", _now)));

        var again = await UseTokensAsync(s => s.UseAsync(id, "orders-1", _now.AddMinutes(1)));
        var other = await UseTokensAsync(s => s.UseAsync(id, "orders-2", _now.AddMinutes(1)));

        Assert.True(again);
        Assert.False(other);
        Assert.Equal(1, (await UseTokensAsync(s => s.GetAsync("once")))!.Uses);
    }

    [Fact]
    public async Task UseAsync_RevokedToken_False()
    {
        await UseTokensAsync(s => s.CreateAsync(Token("ci", "h")));
        var id = (await UseTokensAsync(s => s.GetAsync("ci")))!.Id;
        Assert.True(await UseTokensAsync(s => s.RevokeAsync("ci", "alice", _now)));

        Assert.False(await UseTokensAsync(s => s.UseAsync(id, "orders-1", _now)));
        Assert.False(await UseTokensAsync(s => s.RevokeAsync("ci", "alice", _now)));
    }

    [Fact]
    public async Task TryCreateFirstAsync_TwoStartersAtOnce_OneCaCreated()
    {
        var results = await Task.WhenAll(Enumerable.Range(1, 2).Select(i =>
            Task.Run(() => UseIdentityAsync(s => s.TryCreateFirstAsync(Authority(i))))));

        Assert.Single(results, created => created);
        var trusted = await UseIdentityAsync(s => s.TrustedAuthoritiesAsync());
        Assert.Equal(AuthorityState.Active, Assert.Single(trusted).State);
    }

    [Fact]
    public async Task RotateAsync_ThenRetireDue_PreviousTrustedUntilItsTimeThenRetired()
    {
        await UseIdentityAsync(s => s.TryCreateFirstAsync(Authority(1)));
        var changes = new ConfigChangeFeed();
        var announced = 0;
        changes.IdentityChanged += () => announced++;

        Assert.True(await UseIdentityAsync(s => s.RotateAsync(1, Authority(2), _now.AddHours(1)), changes));
        var during = await UseIdentityAsync(s => s.TrustedAuthoritiesAsync());
        var early = await UseIdentityAsync(s => s.RetireDueAsync(_now.AddMinutes(59)), changes);
        var late = await UseIdentityAsync(s => s.RetireDueAsync(_now.AddHours(1)), changes);
        var after = await UseIdentityAsync(s => s.TrustedAuthoritiesAsync());

        Assert.Equal([(2, AuthorityState.Active), (1, AuthorityState.Previous)], during.Select(a => (a.Generation, a.State)));
        Assert.Equal(0, early);
        Assert.Equal(1, late);
        Assert.Equal(2, Assert.Single(after).Generation);
        Assert.Equal(2, announced);
    }

    [Fact]
    public async Task RotateAsync_StaleActiveGeneration_FalseAndNothingChanged()
    {
        await UseIdentityAsync(s => s.TryCreateFirstAsync(Authority(1)));
        await UseIdentityAsync(s => s.RotateAsync(1, Authority(2), _now.AddHours(1)));

        var lost = await UseIdentityAsync(s => s.RotateAsync(1, Authority(3), _now.AddHours(1)));

        Assert.False(lost);
        Assert.Equal([2, 1], (await UseIdentityAsync(s => s.TrustedAuthoritiesAsync())).Select(a => a.Generation));
    }

    [Fact]
    public async Task RevokedSerialsAsync_RevokedInstance_ItsUnexpiredSerialsOnly()
    {
        await RecordAsync(Issued("0A", "orders-1", _now.AddHours(1)));
        await RecordAsync(Issued("0B", "orders-1", _now.AddHours(-1)));
        await RecordAsync(Issued("0C", "orders-2", _now.AddHours(1)));

        var first = await UseIdentityAsync(s => s.RevokeInstanceAsync(Revocation("orders-1")));
        var second = await UseIdentityAsync(s => s.RevokeInstanceAsync(Revocation("orders-1")));
        var serials = await UseIdentityAsync(s => s.RevokedSerialsAsync(_now));

        Assert.True(first);
        Assert.False(second);
        Assert.Equal(["0A"], serials);
    }

    [Fact]
    public async Task LiftRevocationAsync_Revoked_AdmittedAgainAndNoSerialsListed()
    {
        await RecordAsync(Issued("0A", "orders-1", _now.AddHours(1)));
        await UseIdentityAsync(s => s.RevokeInstanceAsync(Revocation("orders-1")));

        Assert.True(await UseIdentityAsync(s => s.LiftRevocationAsync("orders-1")));

        Assert.False(await UseIdentityAsync(s => s.IsRevokedAsync("orders-1")));
        Assert.Empty(await UseIdentityAsync(s => s.RevokedSerialsAsync(_now)));
        Assert.False(await UseIdentityAsync(s => s.LiftRevocationAsync("orders-1")));
    }

    [Fact]
    public async Task ListIssuedAsync_NewestFirstWithoutExpired()
    {
        await RecordAsync(Issued("01", "a", _now.AddHours(1), notBefore: _now.AddMinutes(-10)));
        await RecordAsync(Issued("02", "b", _now.AddHours(1), notBefore: _now.AddMinutes(-5)));
        await RecordAsync(Issued("03", "c", _now.AddSeconds(-1), notBefore: _now.AddHours(-2)));

        var listed = await UseIdentityAsync(s => s.ListIssuedAsync(_now, 10));

        Assert.Equal(["02", "01"], listed.Select(c => c.Serial));
    }

    private static JoinToken Token(string name, string hash, int? maxUses = null) => new()
    {
        Name = name,
        Hash = hash,
        ExpiresAt = _now.AddDays(1),
        MaxUses = maxUses,
        CreatedAt = _now,
        CreatedBy = "alice",
    };

    private static CertificateAuthority Authority(int marker) => new()
    {
        Certificate = [(byte)marker],
        ProtectedKey = [(byte)marker, 1],
        CreatedAt = _now,
        CreatedBy = "console",
        NotAfter = _now.AddDays(365),
    };

    private static IssuedCertificate Issued(string serial, string instance, DateTimeOffset notAfter, DateTimeOffset? notBefore = null) => new()
    {
        Serial = serial,
        InstanceId = instance,
        Service = "orders",
        AuthorityGeneration = 1,
        NotBefore = notBefore ?? notAfter.AddHours(-24),
        NotAfter = notAfter,
    };

    private static InstanceRevocation Revocation(string instance) => new() { InstanceId = instance, At = _now, By = "alice", Reason = "stolen" };

    private async Task RecordAsync(IssuedCertificate certificate)
    {
        await using var db = _database.CreateContext();
        await new IdentityStore(db).RecordIssuedAsync(certificate);
    }

    private async Task<T> UseTokensAsync<T>(Func<JoinTokenStore, Task<T>> use)
    {
        await using var db = _database.CreateContext();
        return await use(new JoinTokenStore(db));
    }

    private async Task<T> UseIdentityAsync<T>(Func<IdentityStore, Task<T>> use, ConfigChangeFeed? changes = null)
    {
        await using var db = _database.CreateContext();
        return await use(new IdentityStore(db, changes));
    }
}

public sealed class SqliteIdentityStoreTests() : IdentityStoreSuite(StoreProviders.Sqlite);

public sealed class PostgresIdentityStoreTests() : IdentityStoreSuite(StoreProviders.Postgres);
