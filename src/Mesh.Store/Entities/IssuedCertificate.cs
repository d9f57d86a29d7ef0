namespace Mesh.Store.Entities;

/// <summary>A workload certificate the mesh CA signed.</summary>
public sealed class IssuedCertificate
{
    /// <summary>Upper-case hex, as snapshots list revoked serials.</summary>
    public string Serial { get; set; } = "";

    public string InstanceId { get; set; } = "";

    public string Service { get; set; } = "";

    /// <summary>The CA generation that signed it.</summary>
    public int AuthorityGeneration { get; set; }

    public DateTimeOffset NotBefore { get; set; }

    public DateTimeOffset NotAfter { get; set; }
}
