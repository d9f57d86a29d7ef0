namespace Mesh.Store.Entities;

/// <summary>Where a CA stands in its rotation.</summary>
public enum AuthorityState
{
    /// <summary>Signs new workload certificates; trusted.</summary>
    Active,

    /// <summary>Replaced by a newer CA, still trusted until <see cref="CertificateAuthority.RetireAt"/>.</summary>
    Previous,

    /// <summary>Neither signs nor is trusted.</summary>
    Retired,
}
