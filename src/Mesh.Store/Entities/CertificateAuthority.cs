namespace Mesh.Store.Entities;

/// <summary>One generation of the mesh's certificate authority. Its private key is stored encrypted.</summary>
public sealed class CertificateAuthority
{
    /// <summary>1 for the first CA, +1 per rotation; unique, so two replicas cannot both create one.</summary>
    public int Generation { get; set; }

    /// <summary>The self-signed CA certificate, DER.</summary>
    public byte[] Certificate { get; set; } = [];

    /// <summary>The PKCS#8 private key, encrypted with a Data Protection protector.</summary>
    public byte[] ProtectedKey { get; set; } = [];

    public AuthorityState State { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public string CreatedBy { get; set; } = "";

    public DateTimeOffset NotAfter { get; set; }

    /// <summary>When a previous CA stops being trusted; null while active.</summary>
    public DateTimeOffset? RetireAt { get; set; }
}
