using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Bench.PushFanout;

/// <summary>How the driver trusts an https:// control plane: the mesh CA from a file, as a sidecar given --control-plane-ca does.</summary>
internal static class ControlPlaneTrust
{
    public static SslClientAuthenticationOptions ClientOptions(string? caFile)
    {
        var options = new SslClientAuthenticationOptions();
        if (caFile is null)
            return options;
        var anchors = new X509Certificate2Collection();
        anchors.ImportFromPemFile(caFile);
        options.CertificateChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        options.CertificateChainPolicy.CustomTrustStore.AddRange(anchors);
        return options;
    }
}
