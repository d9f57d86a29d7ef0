using Mesh.Contracts.V1;
using Mesh.Policy.Snapshots;
using MeshConsole.ControlPlane;

namespace MeshConsole.Tests.ControlPlane;

public sealed class SidecarSessionTests
{
    private static readonly DateTimeOffset _now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Push_ReplacesAPublicationNotYetWritten_ReplacedOneIsForgotten()
    {
        using var session = NewSession();
        var first = Publication("a");
        var second = Publication("b");

        session.Push(first);
        session.Push(second);

        Assert.True(session.TryTake(out var taken));
        Assert.Same(second, taken);
        Assert.False(session.TryTake(out _));
        Assert.False(session.Acknowledge(first.Nonce, _now));
        Assert.True(session.Acknowledge(second.Nonce, _now));
    }

    [Fact]
    public void End_AfterTheSessionEndedAndWasDisposed_IsANoOpKeepingTheFirstTime()
    {
        var session = NewSession();
        session.End(_now);
        session.Dispose();

        // A reconnect of the same instance supersedes the old, already ended, session.
        session.End(_now.AddSeconds(5));

        Assert.Equal(_now, session.DisconnectedAt);
    }

    [Fact]
    public void Push_AfterTheWriterTookOne_TakenOneCanStillBeAcknowledged()
    {
        using var session = NewSession();
        var first = Publication("a");
        var second = Publication("b");

        session.Push(first);
        Assert.True(session.TryTake(out _));
        session.Push(second);

        Assert.True(session.Acknowledge(first.Nonce, _now));
    }

    [Fact]
    public void Push_SamePublicationTwice_QueuedOnce()
    {
        using var session = NewSession();
        var publication = Publication("a");

        session.Push(publication);
        Assert.True(session.TryTake(out _));
        session.Push(publication);

        Assert.False(session.TryTake(out _));
    }

    private static SidecarSession NewSession() =>
        new(new Hello { Service = "orders", InstanceId = "orders-1", Address = "127.0.0.1", InboundPort = 15006 }, _now);

    /// <summary>A publication whose content differs by the one instance it lists.</summary>
    private static PublishedSnapshot Publication(string instance) =>
        PublishedSnapshot.Create(
            SnapshotCompiler.Compile(1, [], [new InstanceEndpoint("orders", instance, "127.0.0.1", 15006, new Dictionary<string, string>(), true)]),
            _now);
}
