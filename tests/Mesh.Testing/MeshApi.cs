using System.Text;
using System.Text.Json;
using Xunit;

namespace Mesh.Testing;

/// <summary>Writes through the console's REST API as a test's arrangement.</summary>
public static class MeshApi
{
    /// <summary>PUTs a JSON document, asserts it was accepted, and gives the revision it made.</summary>
    public static async Task<long> PutAsync(this HttpClient api, string path, string json)
    {
        ArgumentNullException.ThrowIfNull(api);
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        var response = await api.PutAsync(path, content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("revision").GetInt64();
    }
}
