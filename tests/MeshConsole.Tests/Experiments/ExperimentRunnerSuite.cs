using Mesh.Policy.Documents;
using Mesh.Policy.Faults;
using Mesh.Store;
using Mesh.Store.Entities;
using Mesh.Testing;
using MeshConsole.Data;
using MeshConsole.Experiments;
using MeshConsole.Telemetry.Aggregation;
using Microsoft.Extensions.Time.Testing;

namespace MeshConsole.Tests.Experiments;

/// <summary>Experiments end to end over a real store, run on SQLite and on Postgres.</summary>
public abstract class ExperimentRunnerSuite(string provider) : IAsyncLifetime
{
    private static readonly DateTimeOffset _t0 = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
    private static readonly System.Security.Claims.ClaimsPrincipal _alice = ExperimentReplica.User("alice", MeshPolicies.Operator);
    private static readonly EdgeKey _ordersToPayments = new("orders", "payments", "http");

    // The replica's aggregator starts a minute before the tests' time: its buckets hold all of what they read.
    private readonly FakeTimeProvider _clock = new(_t0.AddMinutes(-1));
    private TestDatabase _database = null!;
    private ExperimentReplica _replica = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(provider);
        _replica = new ExperimentReplica(_database, _clock);
        _clock.SetUtcNow(_t0);
        await PutAsync(ConfigKind.Service, "payments", """{"owner":"team-pay"}""", 0);
        await PutAsync(ConfigKind.Faults, "payments",
            $$"""{"faults":[{"name":"slow","delay":{"fixedMs":5,"percent":1},"expiresAt":"{{_t0.AddDays(1):O}}"}]}""", 0);
    }

    public async Task DisposeAsync()
    {
        await _replica.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Start_AddsItsRuleBesideTheOthers_OneRevisionAsTheUser()
    {
        var started = await StartAsync();

        var faults = await FaultsAsync();
        Assert.Equal(["slow", $"exp-{started.Id}"], faults.Policy!.Faults.Select(f => f.Name));
        Assert.Equal(_t0.AddMinutes(5), faults.Policy.Faults[1].ExpiresAt);
        var revision = await _replica.StoreAsync(s => s.GetRevisionAsync(started.StartRevision!.Value));
        Assert.Equal("alice", revision!.Actor);
        Assert.Equal("game day", revision.Reason);
    }

    [Fact]
    public async Task Start_Viewer_ForbiddenAndNothingWritten()
    {
        var outcome = await _replica.Experiments.StartAsync(ExperimentReplica.User("victor", MeshPolicies.Viewer), ExperimentRequestValidatorTests.Valid);

        Assert.Equal(ExperimentOutcomeKind.Forbidden, outcome.Kind);
        Assert.Empty(await _replica.Experiments.ListAsync());
        Assert.Equal(2, (await FaultsAsync()).Version + 1);
    }

    [Fact]
    public async Task Start_UnknownTarget_FieldErrorAndNothingWritten()
    {
        var outcome = await _replica.Experiments.StartAsync(_alice, ExperimentRequestValidatorTests.Valid with { Target = "nowhere" });

        Assert.Equal(ExperimentOutcomeKind.Invalid, outcome.Kind);
        Assert.Equal("target", Assert.Single(outcome.Errors).Field);
        Assert.Empty(await _replica.Experiments.ListAsync());
    }

    [Fact]
    public async Task Expiry_EndsIt_AndRemovesOnlyItsRule_EvenAfterAnotherWrite()
    {
        var started = await StartAsync();
        var faults = await FaultsAsync();
        // Someone else adds a fault while the experiment runs: its removal must keep it.
        var added = faults.Policy! with { Faults = [.. faults.Policy.Faults, Rule("extra", _t0.AddDays(1))] };
        await PutAsync(ConfigKind.Faults, "payments", System.Text.Json.JsonSerializer.Serialize(added, Mesh.Policy.Serialization.PolicyJson.Options), faults.Version);

        _clock.Advance(TimeSpan.FromMinutes(5));
        await _replica.Runner.RunOnceAsync(default);
        Assert.Null(ExperimentFigures.Parse((await _replica.Experiments.GetAsync(started.Id))!.Figures).During);
        _clock.Advance(ExperimentFigures.ExportDelay);
        await _replica.Runner.RunOnceAsync(default);

        var ended = (await _replica.Experiments.GetAsync(started.Id))!;
        Assert.Equal(ExperimentState.Completed, ended.State);
        Assert.Equal(_t0.AddMinutes(5), ended.EndedAt);
        Assert.Equal(ExperimentService.ConsoleActor, ended.EndedBy);
        Assert.Equal(["slow", "extra"], (await FaultsAsync()).Policy!.Faults.Select(f => f.Name));
        var removal = await _replica.StoreAsync(s => s.GetRevisionAsync(ended.EndRevision!.Value));
        Assert.Equal($"alice (experiment {started.Id})", removal!.Actor);
        Assert.NotNull(ExperimentFigures.Parse(ended.Figures).During);
    }

    [Fact]
    public async Task Condition_HeldForItsTime_AbortsIt()
    {
        var started = await StartAsync();

        for (var second = 0; second <= 12; second++)
        {
            _replica.Aggregator.Record(Observation.Single(_ordersToPayments, _clock.GetUtcNow(), TimeSpan.FromMilliseconds(2), isError: true, isDenied: false));
            await _replica.Runner.RunOnceAsync(default);
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        // The during span runs to the end of the bucket it ended in (t0+20 s); its figures are read after the export delay.
        _clock.SetUtcNow(_t0.AddSeconds(20) + ExperimentFigures.ExportDelay);
        await _replica.Runner.RunOnceAsync(default);

        var ended = (await _replica.Experiments.GetAsync(started.Id))!;
        Assert.Equal(ExperimentState.Aborted, ended.State);
        // Held from the second reading (the first, at its bucket's first instant, reads the span before it) for 10 s.
        Assert.Equal(_t0.AddSeconds(11), ended.EndedAt);
        Assert.Contains("orders→payments errors at 100 %", ended.EndReason, StringComparison.Ordinal);
        Assert.Equal(["slow"], (await FaultsAsync()).Policy!.Faults.Select(f => f.Name));
        var during = ExperimentFigures.Parse(ended.Figures).During!;
        Assert.Equal(100, during.Edge!.ErrorPercent);
    }

    [Fact]
    public async Task Condition_EdgeHealthy_KeepsRunning()
    {
        var started = await StartAsync();

        for (var second = 0; second <= 30; second++)
        {
            _replica.Aggregator.Record(Observation.Single(_ordersToPayments, _clock.GetUtcNow(), TimeSpan.FromMilliseconds(2), isError: second % 10 == 0, isDenied: false));
            await _replica.Runner.RunOnceAsync(default);
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(ExperimentState.Running, (await _replica.Experiments.GetAsync(started.Id))!.State);
    }

    [Fact]
    public async Task Restart_WithAnExpiredRunningExperiment_EndsItOnTheFirstPass()
    {
        var started = await StartAsync();
        await _replica.DisposeAsync();
        _clock.Advance(TimeSpan.FromMinutes(30));

        _replica = new ExperimentReplica(_database, _clock);
        await _replica.Runner.RunOnceAsync(default);

        var ended = (await _replica.Experiments.GetAsync(started.Id))!;
        Assert.Equal(ExperimentState.Completed, ended.State);
        Assert.Equal(ended.EndsAt, ended.EndedAt);
        Assert.True(ended.FaultRemoved);
        Assert.Equal(["slow"], (await FaultsAsync()).Policy!.Faults.Select(f => f.Name));
        // The restarted console's buckets hold none of it: the figures come from the (empty) stored minutes.
        Assert.Equal(0, ExperimentFigures.Parse(ended.Figures).During!.Target.Requests);
    }

    [Fact]
    public async Task TwoReplicas_AtExpiry_EndItOnce()
    {
        var started = await StartAsync();
        await using var other = new ExperimentReplica(_database, _clock);
        _clock.Advance(TimeSpan.FromMinutes(5));

        await Task.WhenAll(_replica.Runner.RunOnceAsync(default), other.Runner.RunOnceAsync(default));

        var ended = (await _replica.Experiments.GetAsync(started.Id))!;
        Assert.Equal(ExperimentState.Completed, ended.State);
        var page = await _replica.StoreAsync(s => s.ListRevisionsAsync(new RevisionQuery { Target = "payments", Kind = ConfigKind.Faults }));
        Assert.Single(page.Items, r => r.Actor == $"alice (experiment {started.Id})");
        Assert.Equal(["slow"], (await FaultsAsync()).Policy!.Faults.Select(f => f.Name));
    }

    [Fact]
    public async Task Stop_ByAnOperator_StoppedOnce()
    {
        var started = await StartAsync();
        _clock.Advance(TimeSpan.FromSeconds(30));
        var bob = ExperimentReplica.User("bob", MeshPolicies.Operator);

        var stopped = await _replica.Experiments.StopAsync(bob, started.Id);
        var again = await _replica.Experiments.StopAsync(bob, started.Id);

        Assert.True(stopped.Succeeded);
        Assert.Equal(ExperimentState.Stopped, stopped.Experiment!.State);
        Assert.Equal("bob", stopped.Experiment.EndedBy);
        Assert.Equal(ExperimentOutcomeKind.Conflict, again.Kind);
        Assert.Equal(ExperimentOutcomeKind.NotFound, (await _replica.Experiments.StopAsync(bob, 999)).Kind);
        Assert.Equal(ExperimentOutcomeKind.Forbidden, (await _replica.Experiments.StopAsync(ExperimentReplica.User("v", MeshPolicies.Viewer), started.Id)).Kind);
    }

    [Fact]
    public async Task AfterSpan_FilledInOnceItPassed_ThenSettled()
    {
        var started = await StartAsync();
        _clock.Advance(TimeSpan.FromSeconds(40));
        await _replica.Experiments.StopAsync(_alice, started.Id);
        Assert.Null(ExperimentFigures.Parse((await _replica.Experiments.GetAsync(started.Id))!.Figures).After);

        _clock.Advance(TimeSpan.FromSeconds(20));
        _replica.Aggregator.Record(Observation.Single(new EdgeKey("web", "payments", "http"), _clock.GetUtcNow(), TimeSpan.FromMilliseconds(3), false, false));
        _clock.Advance(TimeSpan.FromSeconds(20));
        await _replica.Runner.RunOnceAsync(default);
        Assert.False((await _replica.Experiments.GetAsync(started.Id))!.Settled);
        _clock.Advance(ExperimentFigures.ExportDelay);
        await _replica.Runner.RunOnceAsync(default);

        var settled = (await _replica.Experiments.GetAsync(started.Id))!;
        var figures = ExperimentFigures.Parse(settled.Figures);
        Assert.True(settled.Settled);
        Assert.Equal(1, figures.After!.Target.Requests);
        Assert.Equal(figures.During!.To, figures.After.From);
        Assert.Empty(await _replica.Experiments.UnsettledAsync());
    }

    private async Task<Experiment> StartAsync()
    {
        var outcome = await _replica.Experiments.StartAsync(_alice, ExperimentRequestValidatorTests.Valid);
        Assert.True(outcome.Succeeded, outcome.Message);
        return outcome.Experiment!;
    }

    private async Task<(FaultPolicy? Policy, long Version)> FaultsAsync()
    {
        var current = await _replica.StoreAsync(s => s.GetAsync(ConfigKind.Faults, "payments"));
        return current is null ? (null, 0) : (ConfigDocuments.Deserialize<FaultPolicy>(current.Spec), current.Version);
    }

    private async Task PutAsync(ConfigKind kind, string target, string json, long version)
    {
        var documents = new ConfigDocuments(_clock);
        var document = documents.Read(kind, json).Document ?? throw new InvalidOperationException(json);
        var result = await _replica.StoreAsync(s => s.PutAsync(document, target, version, "seed", "seed"));
        Assert.True(result.Succeeded, result.Message);
    }

    private static FaultRule Rule(string name, DateTimeOffset expiresAt) =>
        new() { Name = name, Abort = new FaultAbort { HttpStatus = 500, Percent = 1 }, ExpiresAt = expiresAt };
}

public sealed class SqliteExperimentRunnerTests() : ExperimentRunnerSuite(StoreProviders.Sqlite);

public sealed class PostgresExperimentRunnerTests() : ExperimentRunnerSuite(StoreProviders.Postgres);
