using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Mesh.Bench.Policies;

/// <summary>
/// The request headers a policy reads, and the header reader the sidecar hands to the policies
/// (<c>OutboundPolicies.Header</c>): a lookup in the request's headers, null when absent.
/// </summary>
public sealed class BenchRequest
{
    private readonly HeaderDictionary _headers;

    public BenchRequest(params (string Name, string Value)[] headers)
    {
        // What wrk sends through the mesh in bench/dataplane.sh, plus the headers of the case measured.
        _headers = new HeaderDictionary { ["Host"] = "127.0.0.1", ["X-Mesh-Service"] = "orders" };
        foreach (var (name, value) in headers)
            _headers[name] = new StringValues(value);
    }

    /// <summary>
    /// A new delegate on every call, as in the sidecar, where passing its local function
    /// <c>Header</c> to <c>Decide</c> and to <c>Select</c> allocates one delegate each time.
    /// </summary>
    public Func<string, string?> Reader => Header;

    private string? Header(string name) => _headers.TryGetValue(name, out var values) ? values.ToString() : null;
}
