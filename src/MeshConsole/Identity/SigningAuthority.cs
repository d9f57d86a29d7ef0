using System.Security.Cryptography.X509Certificates;

namespace MeshConsole.Identity;

/// <summary>The active CA, loaded: its generation and its certificate with the private key.</summary>
internal sealed record SigningAuthority(int Generation, X509Certificate2 Certificate);
