using System.Security.Claims;
using Mesh.Store;
using Mesh.Store.Accounts;
using MeshConsole.Accounts;
using MeshConsole.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace MeshConsole.Tests.Accounts;

/// <summary>Two admins demoting (or deleting) each other at the same moment still leave the mesh one admin.</summary>
public sealed class LastAdminRaceTests
{
    private const int Rounds = 15;

    private static readonly ClaimsPrincipal _anAdmin = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin"), new Claim(ClaimTypes.Role, MeshPolicies.Admin)], "test"));

    [Theory]
    [InlineData(StoreProviders.Sqlite)]
    [InlineData(StoreProviders.Postgres)]
    public async Task TwoAdminsDemoteEachOtherAtOnce_OneWins_AnAdminRemains(string provider)
    {
        await using var console = await AccountsConsole.StartAsync(provider);
        await console.CreateUserAsync("bob", MeshPolicies.Admin, "a-long-enough-password");

        for (var round = 0; round < Rounds; round++)
        {
            var results = await Task.WhenAll(
                RaceAsync(console, admin => admin.SetRoleAsync(_anAdmin, "admin", MeshPolicies.Viewer)),
                RaceAsync(console, admin => admin.SetRoleAsync(_anAdmin, "bob", MeshPolicies.Viewer)));

            Assert.Single(results, r => r.Outcome == AccountOutcome.Done);
            Assert.Single(await AdminsAsync(console));
            await PromoteAsync(console, "admin", "bob");
        }
    }

    [Theory]
    [InlineData(StoreProviders.Sqlite)]
    [InlineData(StoreProviders.Postgres)]
    public async Task TwoAdminsDeletedAtOnce_OneDeleted_AnAdminRemains(string provider)
    {
        await using var console = await AccountsConsole.StartAsync(provider);

        for (var round = 0; round < Rounds; round++)
        {
            // Two admins at the start of each round: "admin" and this round's carol.
            var name = $"carol{round}";
            await console.CreateUserAsync(name, MeshPolicies.Admin, "a-long-enough-password");
            await PromoteAsync(console, "admin");
            if (round > 0)
                await DemoteIfPresentAsync(console, $"carol{round - 1}");

            var results = await Task.WhenAll(
                RaceAsync(console, admin => admin.DeleteAsync(_anAdmin, name)),
                RaceAsync(console, admin => admin.SetRoleAsync(_anAdmin, "admin", MeshPolicies.Operator)));

            Assert.Single(results, r => r.Outcome == AccountOutcome.Done);
            Assert.Single(await AdminsAsync(console));
        }
    }

    /// <summary>One admin action in a scope of its own, as two requests would make it.</summary>
    private static async Task<AccountResult> RaceAsync(AccountsConsole console, Func<UserAdministration, Task<AccountResult>> act)
    {
        await Task.Yield();
        await using var scope = console.Factory.Services.CreateAsyncScope();
        return await act(scope.ServiceProvider.GetRequiredService<UserAdministration>());
    }

    private static async Task<IList<ConsoleUser>> AdminsAsync(AccountsConsole console)
    {
        await using var scope = console.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>().GetUsersInRoleAsync(MeshPolicies.Admin);
    }

    private static async Task DemoteIfPresentAsync(AccountsConsole console, string name)
    {
        await using var scope = console.Factory.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<UserAdministration>().SetRoleAsync(_anAdmin, name, MeshPolicies.Viewer);
        Assert.Contains(result.Outcome, new[] { AccountOutcome.Done, AccountOutcome.NotFound });
    }

    private static async Task PromoteAsync(AccountsConsole console, params string[] names)
    {
        foreach (var name in names)
        {
            await using var scope = console.Factory.Services.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<UserAdministration>().SetRoleAsync(_anAdmin, name, MeshPolicies.Admin);
            Assert.Equal(AccountOutcome.Done, result.Outcome);
        }
    }
}
