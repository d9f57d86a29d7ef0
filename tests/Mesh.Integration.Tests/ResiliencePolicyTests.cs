using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Integration.Tests.Echo;
using Mesh.Testing;

namespace Mesh.Integration.Tests;

/// <summary>
/// Resilience and fault policies on real traffic: retries and their budget, timeouts, outlier
/// ejection, rate limits and injected faults. Each test has its own destination service.
/// </summary>
public sealed class ResiliencePolicyTests(MeshFixture mesh) : IClassFixture<MeshFixture>
{
    [Fact]
    public async Task Upstream30PercentFailing_ThreeRetries_97PercentSucceed_RetriesWithinBudget()
    {
        var instances = await mesh.StartServiceAsync("flaky", "version=v1", "version=v1");
        await PutAsync("flaky", "resilience",
            """{"retries":{"attempts":3,"retryOn":["5xx"],"budget":{"percent":50,"minRetriesPerSecond":3}},"version":0}""");
        using var client = MeshFixture.Client(mesh.Frontend);

        var answers = await Load.SendAsync(client, 2000, 8, _ => Load.To("flaky", "flaky?fail=30"));

        var succeeded = answers.Count(a => a.Status == HttpStatusCode.OK);
        Assert.True(succeeded >= 0.97 * answers.Length, $"{succeeded} of {answers.Length} succeeded");
        var retries = instances.Sum(i => i.App.Served) - answers.Length;
        Assert.True(retries > 0, "nothing was retried");
        // The budget: half the calls of the last second, plus the floor for each second the run took.
        var seconds = Math.Ceiling(answers.Max(a => a.Elapsed).TotalSeconds) + 1;
        Assert.True(retries <= (0.5 * answers.Length) + (3 * seconds * 10), $"{retries} retries for {answers.Length} calls");
        var counted = @"mesh_retries_total\{[^}]*mesh_destination_service=""flaky""";
        Assert.Matches(counted, await Load.MetricsMatchingAsync(mesh.Frontend, counted));
    }

    [Fact]
    public async Task RetryBudgetOf20Percent_AlwaysFailingUpstream_RetriesCapped()
    {
        var instances = await mesh.StartServiceAsync("stormed", "version=v1");
        await PutAsync("stormed", "resilience",
            """{"retries":{"attempts":3,"retryOn":["5xx"],"budget":{"percent":20,"minRetriesPerSecond":1}},"version":0}""");
        using var client = MeshFixture.Client(mesh.Frontend);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();

        var answers = await Load.SendAsync(client, 1000, 8, _ => Load.To("stormed", "flaky?fail=100"));

        var seconds = Math.Ceiling(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds) + 1;
        var retries = instances[0].App.Served - answers.Length;
        // Without the budget this would be 3,000 retries. The budget looks back one second as it
        // slides, so a window's edge may let a few more through than 20 % of the whole run.
        Assert.InRange(retries, 1, (0.25 * answers.Length) + seconds);
        var counted = @"mesh_retries_denied_total\{[^}]*mesh_destination_service=""stormed""";
        Assert.Matches(counted, await Load.MetricsMatchingAsync(mesh.Frontend, counted));
    }

    [Fact]
    public async Task Post_NotRetriedUnlessMarked_LargeBodiesNever()
    {
        var instances = await mesh.StartServiceAsync("payments", "version=v1");
        var app = instances[0].App;
        await PutAsync("payments", "resilience", """{"retries":{"attempts":2,"retryOn":["5xx"],"budget":{"percent":100}},"version":0}""");
        using var client = MeshFixture.Client(mesh.Frontend);

        var unmarked = await Load.SendAsync(client, 50, 4, _ => Post("payments", "flaky?fail=100"));
        var servedUnmarked = app.Served;
        await PutAsync("payments", "resilience",
            """{"retries":{"attempts":2,"retryOn":["5xx"],"retryNonIdempotent":true,"budget":{"percent":100,"minRetriesPerSecond":1000}},"version":1}""", create: false);
        // Two retries per call is twice the calls: the budget's floor lets every one through.
        var marked = await Load.SendAsync(client, 50, 4, _ => Post("payments", "flaky?fail=100"));
        var servedMarked = app.Served;
        // A body too large to buffer (over 64 KiB) is never sent twice, marked or not.
        var large = await Load.SendAsync(client, 20, 4, _ => Post("payments", "flaky?fail=100", bodyBytes: 100 * 1024));

        Assert.All(unmarked.Concat(marked).Concat(large), a => Assert.Equal(HttpStatusCode.ServiceUnavailable, a.Status));
        Assert.Equal(50, servedUnmarked);
        Assert.Equal(50 * 3, servedMarked - servedUnmarked);
        Assert.Equal(20, app.Served - servedMarked);
    }

    [Fact]
    public async Task OneOfThreeFailing_EjectedAfterConsecutiveFailures_BackAfterEjectionTime()
    {
        var instances = await mesh.StartServiceAsync("inventory", "version=v1", "version=v1", "version=v1");
        var bad = instances[1].App;
        bad.Status = 500;
        await PutAsync("inventory", "resilience",
            """{"circuitBreaker":{"consecutive5xx":3,"ejectionTimeMs":3000,"maxEjectedPercent":50},"version":0}""");
        using var client = MeshFixture.Client(mesh.Frontend);

        var whileFailing = await Load.SendAsync(client, 60, 1, _ => Load.To("inventory", "status"));
        bad.Status = 200;
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        var servedBefore = bad.Served;
        var afterEjection = await Load.SendAsync(client, 30, 1, _ => Load.To("inventory", "status"));

        Assert.Equal(3, whileFailing.Count(a => a.Status == HttpStatusCode.InternalServerError));
        Assert.Equal(3, servedBefore);
        Assert.All(afterEjection, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.True(bad.Served > servedBefore, "the instance never came back");
        var counted = @"mesh_outlier_ejections_total\{[^}]*mesh_destination_service=""inventory""[^}]*mesh_endpoint=""inventory-";
        Assert.Matches(counted, await Load.MetricsMatchingAsync(mesh.Frontend, counted));
    }

    [Fact]
    public async Task Timeouts_WholeCall504_PerTryRetriedOnAnotherInstance()
    {
        var instances = await mesh.StartServiceAsync("slow", "version=v1", "version=v1");
        using var client = MeshFixture.Client(mesh.Frontend);
        // One call to each instance first: the connections (mutual TLS between the sidecars) are set up before
        // anything is timed, so the fast instance's answers below are not slowed by a handshake on a loaded machine.
        var warm = await Load.SendAsync(client, 2, 1, _ => Load.To("slow", "status"));
        Assert.All(warm, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        instances[0].App.Delay = TimeSpan.FromSeconds(10);
        // Timeouts of two seconds: the fast instance must answer within them on a loaded CI machine too.
        await PutAsync("slow", "resilience", """{"timeoutMs":2000,"version":0}""");

        var whole = await Load.SendAsync(client, 10, 1, _ => Load.To("slow", "status"));
        await PutAsync("slow", "resilience",
            """{"timeoutMs":5900,"retries":{"attempts":1,"perTryTimeoutMs":2000,"retryOn":["gateway-error"],"budget":{"percent":100}},"version":1}""", create: false);
        var perTry = await Load.SendAsync(client, 10, 1, _ => Load.To("slow", "status"));

        // Round robin sends every other call to the slow instance: those time out whole, or are retried.
        Assert.Equal(5, whole.Count(a => a.Status == HttpStatusCode.GatewayTimeout));
        Assert.All(whole.Where(a => a.Status == HttpStatusCode.GatewayTimeout), a => Assert.StartsWith("upstream request timeout", a.Body, StringComparison.Ordinal));
        Assert.All(perTry, a => Assert.Equal("slow-1", a.Body));
    }

    [Fact]
    public async Task RouteRuleTimeout_WinsOverTheServiceTimeout_ForTheRequestsItTakes()
    {
        var instances = await mesh.StartServiceAsync("reports", "version=v1");
        instances[0].App.Delay = TimeSpan.FromSeconds(1);
        await PutAsync("reports", "resilience", """{"timeoutMs":5000,"version":0}""");
        await PutAsync("reports", "routes", """
            { "subsets": [ {"name":"v1","labels":{"version":"v1"}} ],
              "rules": [ { "name": "quick", "match": { "pathPrefix": "/status" }, "timeoutMs": 200, "destinations": [ {"subset":"v1","weight":100} ] },
                         { "destinations": [ {"subset":"v1","weight":100} ] } ], "version": 0 }
            """, create: false);
        using var client = MeshFixture.Client(mesh.Frontend);

        var quick = await Load.SendOneAsync(client, Load.To("reports", "status"));
        var patient = await Load.SendOneAsync(client, Load.To("reports", "hello"));

        Assert.Equal((HttpStatusCode.GatewayTimeout, "upstream request timeout: reports gave no answer within 200 ms"), (quick.Status, quick.Body));
        Assert.Equal(HttpStatusCode.OK, patient.Status);
    }

    [Fact]
    public async Task RateLimit50PerSecondBurst10_BurstOf500In2Seconds_About110Accepted_Rest429WithRetryAfter()
    {
        var instances = await mesh.StartServiceAsync("limited", "version=v1");
        await PutAsync("limited", "resilience", """{"rateLimit":{"tokensPerSecond":50,"burst":10},"version":0}""", instances[0].Sidecar);
        using var client = MeshFixture.Client(mesh.Frontend);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();

        // 25 requests every 100 ms for 2 seconds.
        var answers = new List<Answer>();
        var sentAt = new List<double>();
        for (var tick = 0; tick < 20; tick++)
        {
            var due = TimeSpan.FromMilliseconds(100 * tick) - System.Diagnostics.Stopwatch.GetElapsedTime(started);
            if (due > TimeSpan.Zero)
                await Task.Delay(due);
            sentAt.Add(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
            answers.AddRange(await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => Load.SendOneAsync(client, Load.To("limited", "hello")))));
        }

        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
        var accepted = answers.Count(a => a.Status == HttpStatusCode.OK);
        // The bucket holds at most 10 and refills 50 a second. It can never let more through than its 10 plus its
        // refill over the whole run (about 110). Replayed over the batches as they were really sent it lets about
        // 105 through; on a loaded machine batches go out late and in clumps, a full bucket wastes its refill, and
        // the replay says fewer, while calls of one batch reaching the sidecar spread out let a few more through.
        var fewest = TokenBucket(sentAt, perBatch: 25, tokensPerSecond: 50, burst: 10);
        Assert.InRange(accepted, fewest * 0.85, (10 + (50 * elapsed)) * 1.15);
        var refused = answers.Where(a => a.Status != HttpStatusCode.OK).ToList();
        Assert.All(refused, a => Assert.Equal(HttpStatusCode.TooManyRequests, a.Status));
        Assert.All(refused, a => Assert.Equal("1", a.RetryAfter));
        var counted = @"mesh_rate_limited_total\{[^}]*mesh_destination_service=""limited""[^}]*mesh_source_service=""frontend""";
        Assert.Matches(counted, await Load.MetricsMatchingAsync(instances[0].Sidecar, counted));
    }

    [Fact]
    public async Task RateLimitedGrpcCall_ResourceExhausted()
    {
        var instances = await mesh.StartServiceAsync("grpc-limited", "version=v1");
        await PutAsync("grpc-limited", "resilience", """{"rateLimit":{"tokensPerSecond":1,"burst":1},"version":0}""", instances[0].Sidecar);
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{mesh.Frontend.OutboundPort}");
        var echo = new Echo.Echo.EchoClient(channel);
        var headers = new Metadata { { "X-Mesh-Service", "grpc-limited" } };

        await echo.SayAsync(new EchoRequest { Text = "first" }, headers);
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await echo.SayAsync(new EchoRequest { Text = "second" }, headers));

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Contains("rate limited", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AbortFault20Percent_4000Requests_20PercentPlusMinus3Fail()
    {
        await mesh.StartServiceAsync("aborting", "version=v1");
        await PutAsync("aborting", "faults", $$"""
            { "faults": [ { "name": "chaos", "abort": { "httpStatus": 503, "percent": 20 }, "expiresAt": "{{Expiry(TimeSpan.FromHours(1))}}" } ], "version": 0 }
            """);
        using var client = MeshFixture.Client(mesh.Frontend);

        var answers = await Load.SendAsync(client, 4000, 8, _ => Load.To("aborting", "hello"));

        var aborted = answers.Where(a => a.Status != HttpStatusCode.OK).ToList();
        Assert.InRange(100.0 * aborted.Count / answers.Length, 17.0, 23.0);
        Assert.All(aborted, a => Assert.Equal((HttpStatusCode.ServiceUnavailable, "fault injected: chaos"), (a.Status, a.Body)));
        var counted = @"mesh_faults_injected_total\{[^}]*mesh_destination_service=""aborting""[^}]*mesh_fault=""chaos""[^}]*mesh_fault_kind=""abort""";
        Assert.Matches(counted, await Load.MetricsMatchingAsync(mesh.Frontend, counted));
    }

    [Fact]
    public async Task DelayFault200ms_MatchedRequestsOnly()
    {
        var instances = await mesh.StartServiceAsync("delayed", "version=v1");
        await PutAsync("delayed", "faults", $$"""
            { "faults": [ { "name": "slow-chaos", "match": { "headers": { "x-chaos": { "exact": "on" } } },
                            "delay": { "fixedMs": 200, "percent": 100 }, "expiresAt": "{{Expiry(TimeSpan.FromHours(1))}}" } ], "version": 0 }
            """);
        using var client = MeshFixture.Client(mesh.Frontend);

        var matched = await Load.SendAsync(client, 20, 4, _ => Load.To("delayed", "hello", headers: ("x-chaos", "on")));
        var unmatched = await Load.SendAsync(client, 20, 4, _ => Load.To("delayed", "hello"));

        Assert.All(matched.Concat(unmatched), a => Assert.Equal(HttpStatusCode.OK, a.Status));
        var p50 = matched.Select(a => a.Elapsed).Order().ElementAt(matched.Length / 2);
        Assert.True(p50 >= TimeSpan.FromMilliseconds(200), $"matched p50 {p50.TotalMilliseconds} ms");
        // Unmatched calls are never held: the sidecar counts exactly one delay per matched call.
        const string delays = "mesh_faults_injected_total\\{[^}]*mesh_fault=\"slow-chaos\"[^}]*mesh_fault_kind=\"delay\"[^}]*\\} 20( |$|\\n)";
        Assert.Matches(delays, await Load.MetricsMatchingAsync(mesh.Frontend, delays));
        Assert.Equal(40, instances[0].App.Served);
    }

    [Fact]
    public async Task GrpcAbortFault_ProperStatusInTrailers()
    {
        await mesh.StartServiceAsync("grpc-faulty", "version=v1");
        await PutAsync("grpc-faulty", "faults", $$"""
            { "faults": [ { "name": "grpc-chaos", "abort": { "grpcStatus": 14, "percent": 100 }, "expiresAt": "{{Expiry(TimeSpan.FromHours(1))}}" } ], "version": 0 }
            """);
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{mesh.Frontend.OutboundPort}");

        var failed = await Assert.ThrowsAsync<RpcException>(async () =>
            await new Echo.Echo.EchoClient(channel).SayAsync(new EchoRequest { Text = "hi" }, new Metadata { { "X-Mesh-Service", "grpc-faulty" } }));

        Assert.Equal(StatusCode.Unavailable, failed.StatusCode);
        Assert.Equal("fault injected: grpc-chaos", failed.Status.Detail);
    }

    internal static string Expiry(TimeSpan fromNow) =>
        DateTimeOffset.UtcNow.Add(fromNow).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);

    private static HttpRequestMessage Post(string service, string path, int bodyBytes = 0)
    {
        var request = Load.To(service, path, HttpMethod.Post);
        request.Content = bodyBytes == 0
            ? new StringContent("{\"amount\":1}", System.Text.Encoding.UTF8, "application/json")
            : new ByteArrayContent(new byte[bodyBytes]);
        return request;
    }

    /// <summary>Declares the service (first time), writes one policy, and waits until the caller and any given sidecars applied it.</summary>
    private async Task PutAsync(string service, string kind, string json, MeshSidecar.Configuration.SidecarOptions? alsoWaitFor = null, bool create = true)
    {
        if (create)
            await mesh.Api.PutAsync($"api/services/{service}", """{"owner":"team","version":0}""");
        var revision = await mesh.Api.PutAsync($"api/services/{service}/{kind}", json);
        await MeshFixture.WaitForRevisionAsync(revision, alsoWaitFor is null ? [mesh.Frontend] : [mesh.Frontend, alsoWaitFor]);
    }

    private Task PutAsync(string service, string kind, string json, bool create) => PutAsync(service, kind, json, null, create);

    /// <summary>How many of <paramref name="perBatch"/> calls sent at each of <paramref name="sentAt"/> a token bucket accepts.</summary>
    private static double TokenBucket(IReadOnlyList<double> sentAt, int perBatch, double tokensPerSecond, double burst)
    {
        double tokens = burst, last = 0, accepted = 0;
        foreach (var at in sentAt)
        {
            tokens = Math.Min(burst, tokens + (tokensPerSecond * (at - last)));
            last = at;
            var taken = Math.Min(perBatch, Math.Floor(tokens));
            accepted += taken;
            tokens -= taken;
        }
        return accepted;
    }
}
