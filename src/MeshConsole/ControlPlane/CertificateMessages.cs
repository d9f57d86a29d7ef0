using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Mesh.Contracts.V1;
using MeshConsole.Identity;

namespace MeshConsole.ControlPlane;

/// <summary>Maps an issued workload certificate onto the wire.</summary>
internal static class CertificateMessages
{
    public static ControlMessage ToMessage(IssuedWorkload issued) => new()
    {
        Certificate = new WorkloadCertificate
        {
            Certificate = ByteString.CopyFrom(issued.Certificate),
            Chain = { ByteString.CopyFrom(issued.Issuer) },
            NotAfter = Timestamp.FromDateTimeOffset(issued.NotAfter),
        },
    };
}
