using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Mesh.Store;
using Mesh.Testing;
using MeshConsole.Identity;
using MeshConsole.Tests.Hosting;
using Microsoft.EntityFrameworkCore;

namespace MeshConsole.Tests.Identity;

/// <summary>The /api/identity contract over a real SQLite store.</summary>
public sealed class IdentityApiTests : ConsoleApiTest
{
    [Fact]
    public async Task CreateJoinToken_Valid_201ValueOnceAndOnlyItsHashStored()
    {
        var response = await PostAsync("/api/identity/join-tokens", """{"name":"ci","scope":"orders","maxUses":3}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        var value = created.GetProperty("token").GetString()!;
        Assert.True(JoinTokens.IsWellFormed(value));
        var listed = await Client.GetStringAsync("/api/identity/join-tokens");
        Assert.DoesNotContain(value, listed, StringComparison.Ordinal);
        var token = JsonDocument.Parse(listed).RootElement.EnumerateArray().Single();
        Assert.Equal("orders", token.GetProperty("scope").GetString());
        Assert.Equal(3, token.GetProperty("maxUses").GetInt32());
        Assert.Equal("active", token.GetProperty("state").GetString());
        Assert.Equal("token:bootstrap", token.GetProperty("createdBy").GetString());
        await using var db = Database.CreateContext();
        var row = await db.JoinTokens.SingleAsync(t => t.Name == "ci");
        Assert.Equal(JoinTokens.Hash(value), row.Hash);
        Assert.DoesNotContain(value, JsonSerializer.Serialize(row), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateJoinToken_NameTaken_409()
    {
        await PostAsync("/api/identity/join-tokens", """{"name":"ci"}""");

        var response = await PostAsync("/api/identity/join-tokens", """{"name":"ci"}""");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Single((await Client.GetFromJsonAsync<JsonElement>("/api/identity/join-tokens")).EnumerateArray());
    }

    [Theory]
    [InlineData("""{"scope":"orders"}""", "name", "required")]
    [InlineData("""{"name":"CI"}""", "name", "\"CI\" is not a DNS label")]
    [InlineData("""{"name":"ci","scope":"Orders!"}""", "scope", "(or \"*\" for every service)")]
    [InlineData("""{"name":"ci","expiresAt":"2000-01-01T00:00:00Z"}""", "expiresAt", "must be in the future")]
    [InlineData("""{"name":"ci","expiresAt":"tomorrow"}""", "expiresAt", "RFC 3339")]
    [InlineData("""{"name":"ci","maxUses":0}""", "maxUses", "a whole number from 1")]
    [InlineData("""{"name":"ci","maxUses":"3"}""", "maxUses", "a whole number from 1")]
    [InlineData("""{"name":7}""", "name", "must be a string")]
    [InlineData("""{"name":"ci","ttl":"1h"}""", "ttl", "unknown field")]
    public async Task CreateJoinToken_BadField_422NamingItAndNothingCreated(string body, string field, string reason)
    {
        var response = await PostAsync("/api/identity/join-tokens", body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var errors = await ErrorsAsync(response);
        Assert.Contains(reason, Assert.Single(errors[field]), StringComparison.Ordinal);
        Assert.Empty((await Client.GetFromJsonAsync<JsonElement>("/api/identity/join-tokens")).EnumerateArray());
    }

    [Theory]
    [InlineData("{\"name\":")]
    [InlineData("[1]")]
    public async Task CreateJoinToken_NotAJsonObject_400(string body)
    {
        var response = await PostAsync("/api/identity/join-tokens", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await ErrorsAsync(response)).ContainsKey("$"));
    }

    [Fact]
    public async Task CreateJoinToken_NotJsonMediaType_415()
    {
        using var content = new StringContent("""{"name":"ci"}""", Encoding.UTF8, "text/plain");

        var response = await Client.PostAsync("/api/identity/join-tokens", content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task RevokeJoinToken_ThenAgain_200Then404()
    {
        await PostAsync("/api/identity/join-tokens", """{"name":"ci"}""");

        var first = await Client.PostAsync("/api/identity/join-tokens/ci/revoke", null);
        var second = await Client.PostAsync("/api/identity/join-tokens/ci/revoke", null);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, second.StatusCode);
        var token = (await Client.GetFromJsonAsync<JsonElement>("/api/identity/join-tokens")).EnumerateArray().Single();
        Assert.Equal("revoked", token.GetProperty("state").GetString());
        Assert.Equal("token:bootstrap", token.GetProperty("revokedBy").GetString());
    }

    [Fact]
    public async Task Revocations_RevokeTwiceThenLiftTwice_201Then409Then200Then404()
    {
        var body = """{"instanceId":"orders-1","reason":"key leaked"}""";

        var revoked = await PostAsync("/api/identity/revocations", body);
        var again = await PostAsync("/api/identity/revocations", body);
        var listed = await Client.GetFromJsonAsync<JsonElement>("/api/identity/revocations");
        var lifted = await Client.DeleteAsync("/api/identity/revocations/orders-1");
        var liftedAgain = await Client.DeleteAsync("/api/identity/revocations/orders-1");

        Assert.Equal(HttpStatusCode.Created, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("key leaked", listed.EnumerateArray().Single().GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.OK, lifted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, liftedAgain.StatusCode);
        Assert.Empty((await Client.GetFromJsonAsync<JsonElement>("/api/identity/revocations")).EnumerateArray());
    }

    [Theory]
    [InlineData("""{"reason":"x"}""", "instanceId", "required")]
    [InlineData("""{"instanceId":"has space"}""", "instanceId", "without spaces")]
    [InlineData("""{"instanceId":"a","by":"me"}""", "by", "unknown field")]
    public async Task RevokeInstance_BadField_422NamingIt(string body, string field, string reason)
    {
        var response = await PostAsync("/api/identity/revocations", body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(reason, Assert.Single((await ErrorsAsync(response))[field]), StringComparison.Ordinal);
        Assert.Empty((await Client.GetFromJsonAsync<JsonElement>("/api/identity/revocations")).EnumerateArray());
    }

    [Fact]
    public async Task TrustBundle_AfterRotation_BothCasAsPem()
    {
        (await Client.PostAsync("/api/identity/ca/rotate", null)).EnsureSuccessStatusCode();

        var response = await Client.GetAsync("/api/identity/trust-bundle");
        var pem = await response.Content.ReadAsStringAsync();

        Assert.Equal("application/x-pem-file", response.Content.Headers.ContentType?.MediaType);
        var collection = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        collection.ImportFromPem(pem);
        Assert.Equal(["CN=Mesh CA 2, O=mesh.local", "CN=Mesh CA 1, O=mesh.local"], collection.Select(c => c.Subject));
        var authorities = await Client.GetFromJsonAsync<JsonElement>("/api/identity/ca");
        Assert.Equal(["active", "previous"], authorities.EnumerateArray().Select(a => a.GetProperty("state").GetString()));
    }

    [Theory]
    [InlineData("Mesh:Bootstrap:JoinToken", "mjt_short", "Mesh:Bootstrap:JoinToken: must be mjt_ followed by 43 base64url characters")]
    [InlineData("Mesh:Identity:TrustDomain", "Not A Domain", "Mesh:Identity:TrustDomain:")]
    [InlineData("Mesh:Identity:RotationOverlap", "00:00:01", "Mesh:Identity:RotationOverlap:")]
    public async Task Start_BadIdentitySetting_FailsNamingTheKey(string key, string value, string expected)
    {
        var error = await ConsoleStart.FailureAsync(new Dictionary<string, string?> { [key] = value });

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_BootstrapJoinToken_MeshWideTokenNamedBootstrap()
    {
        await using var database = await TestDatabase.CreateAsync(StoreProviders.Sqlite);
        await using var console = new KestrelConsole(database);
        console.StartServer();
        using var client = console.CreateHttpClient();

        var token = (await client.GetFromJsonAsync<JsonElement>("/api/identity/join-tokens")).EnumerateArray().Single();

        Assert.Equal("bootstrap", token.GetProperty("name").GetString());
        Assert.Equal("*", token.GetProperty("scope").GetString());
        await using var db = database.CreateContext();
        Assert.Equal(JoinTokens.Hash(KestrelConsole.JoinToken), (await db.JoinTokens.SingleAsync()).Hash);
    }

    [Fact]
    public async Task JoinTokenAsBearer_OtlpIngestAccepted_ConsoleApiRefused_RevokedRefusedWithReason()
    {
        var created = await (await PostAsync("/api/identity/join-tokens", """{"name":"exporter"}""")).Content.ReadFromJsonAsync<JsonElement>();
        using var sidecar = Factory.CreateClient();
        sidecar.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", created.GetProperty("token").GetString());
        var export = new Mesh.Contracts.Otlp.Collector.Metrics.V1.ExportMetricsServiceRequest().ToByteArray();

        var ingest = await sidecar.PostAsync("/v1/metrics", Protobuf(export));
        var read = await sidecar.GetAsync("/api/services");
        await PostAsync("/api/identity/join-tokens/exporter/revoke", "{}");
        var revoked = await sidecar.PostAsync("/v1/metrics", Protobuf(export));

        Assert.Equal(HttpStatusCode.OK, ingest.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, read.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        Assert.Contains("the join token 'exporter' was revoked", revoked.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    private static ByteArrayContent Protobuf(byte[] body) =>
        new(body) { Headers = { ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-protobuf") } };

    private Task<HttpResponseMessage> PostAsync(string path, string json) =>
        Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task<Dictionary<string, string[]>> ErrorsAsync(HttpResponseMessage response)
    {
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return problem.GetProperty("errors").Deserialize<Dictionary<string, string[]>>()!;
    }
}
