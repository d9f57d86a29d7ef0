using System.Net;
using System.Net.Sockets;

namespace Mesh.Demo;

/// <summary>
/// Hands out loopback ports for the demo's apps and sidecars, each once. A port taken by binding to 0 comes
/// from the kernel's ephemeral range, which every outgoing connection also draws from: between picking it
/// and the sidecar binding it, a connection to the console could take it ("address already in use"). Ports
/// below that range are never given to outgoing connections, so picking there and checking each is free
/// leaves only another program listening on it by chance.
/// </summary>
internal sealed class DemoPorts
{
    // Linux's default ephemeral range starts at 32768; this block sits below it.
    private const int First = 20_000;
    private const int Last = 32_000;

    private readonly HashSet<int> _given = [];
    private int _next = First + Random.Shared.Next(Last - First);

    public int Next()
    {
        for (var tried = 0; tried < Last - First; tried++)
        {
            var port = _next;
            _next = _next == Last ? First : _next + 1;
            if (!_given.Contains(port) && IsFree(port))
            {
                _given.Add(port);
                return port;
            }
        }

        throw new InvalidOperationException($"no free loopback port between {First} and {Last}");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
