using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Mesh.Store;
using Mesh.Testing;
using MeshConsole.Identity;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MeshConsole.Tests.Identity;

/// <summary>The mesh CA in the store: created once by replicas starting together, its private key encrypted with the shared key ring.</summary>
public sealed class AuthorityStoreTests
{
    [Fact]
    public async Task Start_TwoReplicasAtOnceOnOnePostgres_OneCaBothSignWith()
    {
        await using var database = await TestDatabase.CreateAsync(StoreProviders.Postgres);
        await using var first = new ConsoleFactory(database);
        await using var second = new ConsoleFactory(database);

        await Task.WhenAll(Task.Run(() => first.Server), Task.Run(() => second.Server));

        using var a = first.CreateClient();
        using var b = second.CreateClient();
        var fromFirst = await a.GetFromJsonAsync<JsonElement>("api/identity/ca");
        var fromSecond = await b.GetFromJsonAsync<JsonElement>("api/identity/ca");
        Assert.Equal(1, Assert.Single(fromFirst.EnumerateArray()).GetProperty("generation").GetInt32());
        Assert.Equal(fromFirst.ToString(), fromSecond.ToString());
        await using var db = database.CreateContext();
        Assert.Equal(1, await db.CertificateAuthorities.CountAsync());
    }

    [Fact]
    public async Task Start_Sqlite_PrivateKeyStoredEncryptedWithTheKeyRingInTheStore()
    {
        await using var database = await TestDatabase.CreateAsync(StoreProviders.Sqlite);
        await using var console = new ConsoleFactory(database);
        _ = console.Server;

        await using var db = database.CreateContext();
        var row = await db.CertificateAuthorities.SingleAsync();
        var protector = console.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(MeshAuthority.KeyPurpose);
        var pkcs8 = protector.Unprotect(row.ProtectedKey);
        using var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(pkcs8, out _);
        using var certificate = X509CertificateLoader.LoadCertificate(row.Certificate);

        Assert.Equal(certificate.PublicKey.ExportSubjectPublicKeyInfo(), key.ExportSubjectPublicKeyInfo());
        Assert.False(row.ProtectedKey.AsSpan().IndexOf(key.ExportECPrivateKey().AsSpan()[7..39]) >= 0, "the raw private scalar is in the stored bytes");
        Assert.False(row.ProtectedKey.AsSpan().IndexOf(pkcs8) >= 0, "the PKCS#8 key is in the stored bytes");
        Assert.NotEmpty(await db.DataProtectionKeys.ToListAsync());
    }
}
