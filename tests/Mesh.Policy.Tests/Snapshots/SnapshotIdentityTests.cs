using Mesh.Policy.Snapshots;

namespace Mesh.Policy.Tests.Snapshots;

/// <summary>The workload-identity part of a snapshot is covered by its hash.</summary>
public class SnapshotIdentityTests
{
    private static readonly byte[] _caOne = [1, 2, 3];
    private static readonly byte[] _caTwo = [4, 5, 6];

    private static MeshSnapshot Compile(SnapshotIdentity identity) => SnapshotCompiler.Compile(1, [], [], identity);

    [Fact]
    public void Compile_EqualIdentityInNewArrays_SameHashAndCarried()
    {
        var first = Compile(new SnapshotIdentity("mesh.local", [[1, 2, 3]], ["0A"]));
        var second = Compile(new SnapshotIdentity("mesh.local", [[1, 2, 3]], ["0A"]));

        Assert.Equal(first.Hash, second.Hash);
        Assert.Same(first, SnapshotCompiler.KeepIfUnchanged(first, second));
        Assert.Equal(["0A"], first.Identity.RevokedSerials);
        Assert.Equal("mesh.local", first.Identity.TrustDomain);
    }

    [Fact]
    public void Compile_RevokedSerialAdded_NewHash()
    {
        var before = Compile(new SnapshotIdentity("mesh.local", [_caOne], []));
        var after = Compile(new SnapshotIdentity("mesh.local", [_caOne], ["0A"]));

        Assert.NotEqual(before.Hash, after.Hash);
    }

    [Fact]
    public void Compile_CaRotatedThenRetired_NewHashEachTime()
    {
        var one = Compile(new SnapshotIdentity("mesh.local", [_caOne], []));
        var both = Compile(new SnapshotIdentity("mesh.local", [_caTwo, _caOne], []));
        var two = Compile(new SnapshotIdentity("mesh.local", [_caTwo], []));

        Assert.Equal(3, new[] { one.Hash, both.Hash, two.Hash }.Distinct().Count());
    }

    [Fact]
    public void Compile_OtherTrustDomain_NewHash() =>
        Assert.NotEqual(
            Compile(new SnapshotIdentity("mesh.local", [_caOne], [])).Hash,
            Compile(new SnapshotIdentity("prod.example", [_caOne], [])).Hash);

    [Fact]
    public void Compile_NoIdentity_HashAsWithoutIt() =>
        Assert.Equal(SnapshotCompiler.Compile(1, [], []).Hash, Compile(SnapshotIdentity.None).Hash);
}
